// SPDX-License-Identifier: GPL-2.0
/*
 * Bounded attribution of remote shootdowns to the thread groups that
 * initiated them (Space-Saving: a full table evicts its smallest entry).
 * A shootdown already costs an IPI round, so a short raw spinlock over a
 * 16-entry scan is cheap next to it.
 */
#include <linux/module.h>
#include <linux/string.h>

#include <asm/tlbflush.h>

#include "tlbstat.h"

void vmlab_tlbstat_top_init(struct tlbstat_top *t, unsigned int size)
{
	raw_spin_lock_init(&t->lock);
	t->size = clamp_t(unsigned int, size, 1, TLBSTAT_TOP_MAX);
	t->nr = 0;
	t->evictions = 0;
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_tlbstat_top_init);

static struct tlbstat_top_entry *top_slot(struct tlbstat_top *t, pid_t pid,
					  const char *comm)
{
	struct tlbstat_top_entry *e, *min = NULL;
	unsigned int i;

	for (i = 0; i < t->nr; i++) {
		e = &t->e[i];
		if (e->pid == pid)
			return e;
		if (!min || e->shootdowns < min->shootdowns)
			min = e;
	}
	if (t->nr < t->size) {
		e = &t->e[t->nr++];
		e->error = 0;
		e->shootdowns = 0;
	} else {
		/* The newcomer may have had up to min's count before. */
		e = min;
		e->error = e->shootdowns;
		t->evictions++;
	}
	e->pid = pid;
	e->pages = 0;
	e->full = 0;
	strscpy(e->comm, comm, sizeof(e->comm));
	return e;
}

/**
 * vmlab_tlbstat_top_record - charge one shootdown round to @pid
 * @t: the table
 * @pid: thread group id of the initiator
 * @comm: its name (copied)
 * @pages: pages flushed, or TLB_FLUSH_ALL
 */
void vmlab_tlbstat_top_record(struct tlbstat_top *t, pid_t pid,
			      const char *comm, unsigned long pages)
{
	struct tlbstat_top_entry *e;
	unsigned long flags;

	raw_spin_lock_irqsave(&t->lock, flags);
	e = top_slot(t, pid, comm);
	e->shootdowns++;
	if (pages == TLB_FLUSH_ALL)
		e->full++;
	else
		e->pages += pages;
	raw_spin_unlock_irqrestore(&t->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_tlbstat_top_record);

static bool top_before(const struct tlbstat_top_entry *a,
		       const struct tlbstat_top_entry *b)
{
	if (a->shootdowns != b->shootdowns)
		return a->shootdowns > b->shootdowns;
	return a->pid < b->pid;
}

/**
 * vmlab_tlbstat_top_snapshot - copy the table, most shootdowns first
 * @t: the table
 * @out: room for TLBSTAT_TOP_MAX entries
 * @evictions: set to the number of entries evicted since the last reset
 *
 * Return: the number of entries copied.
 */
unsigned int vmlab_tlbstat_top_snapshot(struct tlbstat_top *t,
					struct tlbstat_top_entry *out,
					u64 *evictions)
{
	struct tlbstat_top_entry tmp;
	unsigned long flags;
	unsigned int i, j, nr;

	raw_spin_lock_irqsave(&t->lock, flags);
	nr = t->nr;
	memcpy(out, t->e, nr * sizeof(*out));
	*evictions = t->evictions;
	raw_spin_unlock_irqrestore(&t->lock, flags);

	/* Insertion sort: at most TLBSTAT_TOP_MAX entries, outside the lock. */
	for (i = 1; i < nr; i++) {
		tmp = out[i];
		for (j = i; j > 0 && top_before(&tmp, &out[j - 1]); j--)
			out[j] = out[j - 1];
		out[j] = tmp;
	}
	return nr;
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_tlbstat_top_snapshot);

void vmlab_tlbstat_top_reset(struct tlbstat_top *t)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&t->lock, flags);
	t->nr = 0;
	t->evictions = 0;
	raw_spin_unlock_irqrestore(&t->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_tlbstat_top_reset);
