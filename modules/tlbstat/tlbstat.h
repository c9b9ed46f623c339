/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmlab tlbstat internals: the per-CPU flush accounting, the bounded
 * attribution table and the probes that feed them.  The accounting and the
 * table are exported, to KUnit tests only (EXPORT_SYMBOL_IF_KUNIT), so that
 * the KUnit module tests the very code the probes run.
 */
#ifndef _VMLAB_TLBSTAT_H
#define _VMLAB_TLBSTAT_H

#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <vmlab/compat.h>	/* TLB_REMOTE_WRONG_CPU on every kernel */
#include <vmlab/stats.h>

/*
 * One group per tlb_flush reason: events, full flushes (pages ==
 * TLB_FLUSH_ALL) and the pages of the ranged ones.  A task switch reports
 * only 0 or "all", so it has no page count; a flush IPI that found its CPU
 * on another mm (TLB_REMOTE_WRONG_CPU, traced since 6.14) flushes nothing,
 * so it is an event count alone.  Names are in account.c.
 */
enum tlbstat_counter {
	TS_TASK_SWITCH,
	TS_TASK_SWITCH_FULL,
	TS_RECEIVED,
	TS_RECEIVED_FULL,
	TS_RECEIVED_PAGES,
	TS_WRONG_CPU,
	TS_LOCAL,
	TS_LOCAL_FULL,
	TS_LOCAL_PAGES,
	TS_LOCAL_MM,
	TS_LOCAL_MM_FULL,
	TS_LOCAL_MM_PAGES,
	TS_SENT,
	TS_SENT_FULL,
	TS_SENT_PAGES,
	TS_UNKNOWN,
	TS_NR_COUNTERS,
};

/* Page-count histograms of ranged flushes; full flushes are counted apart. */
enum tlbstat_hist_id {
	TLBSTAT_HIST_SENT,	/* pages per shootdown this CPU initiated */
	TLBSTAT_HIST_RECEIVED,	/* pages per shootdown this CPU served */
	TLBSTAT_HIST_LOCAL,	/* pages per local flush (with or without mm) */
	TLBSTAT_NR_HISTS,
};

struct tlbstat_stats {
	struct vmlab_counters ctr;
	struct vmlab_hist pages[TLBSTAT_NR_HISTS];
};

int vmlab_tlbstat_stats_init(struct tlbstat_stats *s);
void vmlab_tlbstat_stats_destroy(struct tlbstat_stats *s);
void vmlab_tlbstat_stats_reset(struct tlbstat_stats *s);
void vmlab_tlbstat_account(struct tlbstat_stats *s, int reason,
			   unsigned long pages);

/*
 * Attribution: the tasks (thread groups) that initiated the most remote
 * shootdowns, in a fixed table kept with the Space-Saving algorithm: a
 * newcomer replaces the smallest entry and inherits its count as @error, so
 * any task with more than total/size shootdowns is guaranteed to be listed
 * and every count is an upper bound off by at most its @error.
 */
#define TLBSTAT_TOP_MAX 16

struct tlbstat_top_entry {
	pid_t pid;
	char comm[TASK_COMM_LEN];
	u64 shootdowns;
	u64 error;
	u64 pages;	/* pages of ranged shootdowns */
	u64 full;	/* full-flush shootdowns */
};

struct tlbstat_top {
	raw_spinlock_t lock;
	unsigned int size;
	unsigned int nr;
	u64 evictions;
	struct tlbstat_top_entry e[TLBSTAT_TOP_MAX];
};

void vmlab_tlbstat_top_init(struct tlbstat_top *t, unsigned int size);
void vmlab_tlbstat_top_record(struct tlbstat_top *t, pid_t pid,
			      const char *comm, unsigned long pages);
unsigned int vmlab_tlbstat_top_snapshot(struct tlbstat_top *t,
					struct tlbstat_top_entry *out,
					u64 *evictions);
void vmlab_tlbstat_top_reset(struct tlbstat_top *t);

/* Probes (probes.c, latency.c); callers serialise attach and detach. */
int tlbstat_tp_find(void);
int tlbstat_tp_attach(void);
void tlbstat_tp_detach(void);

struct seq_file;
void tlbstat_lat_attach(void);
void tlbstat_lat_detach(void);
void tlbstat_lat_show(struct seq_file *m);
void tlbstat_lat_reset(void);

extern struct tlbstat_stats tlbstat_stats;
extern struct tlbstat_top tlbstat_top;
extern struct vmlab_hist tlbstat_latency;

#endif /* _VMLAB_TLBSTAT_H */
