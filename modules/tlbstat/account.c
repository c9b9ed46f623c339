// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU accounting of tlb_flush events: one counter group per reason and
 * a page histogram per direction.  Called from the tracepoint with
 * preemption disabled, so it only touches this CPU's copies.
 */
#include <linux/mm_types.h>
#include <linux/module.h>

#include <asm/tlbflush.h>

#include "tlbstat.h"

static const char * const tlbstat_counter_names[] = {
	[TS_TASK_SWITCH] = "task_switch",
	[TS_TASK_SWITCH_FULL] = "task_switch_full",
	[TS_RECEIVED] = "shootdown_received",
	[TS_RECEIVED_FULL] = "shootdown_received_full",
	[TS_RECEIVED_PAGES] = "shootdown_received_pages",
	[TS_WRONG_CPU] = "shootdown_wrong_cpu",
	[TS_LOCAL] = "local_shootdown",
	[TS_LOCAL_FULL] = "local_shootdown_full",
	[TS_LOCAL_PAGES] = "local_shootdown_pages",
	[TS_LOCAL_MM] = "local_mm_shootdown",
	[TS_LOCAL_MM_FULL] = "local_mm_shootdown_full",
	[TS_LOCAL_MM_PAGES] = "local_mm_shootdown_pages",
	[TS_SENT] = "ipi_sent",
	[TS_SENT_FULL] = "ipi_sent_full",
	[TS_SENT_PAGES] = "ipi_sent_pages",
	[TS_UNKNOWN] = "unknown_reason",
};

static_assert(ARRAY_SIZE(tlbstat_counter_names) == TS_NR_COUNTERS);

/* Where each reason's events, full flushes, pages and histogram go. */
struct tlbstat_reason_map {
	int events;
	int full;	/* -1: the reason never flushes everything */
	int pages;	/* -1: the reason reports no page count */
	int hist;	/* -1: no histogram */
};

/*
 * By enum tlb_flush_reason.  7.2 has no NR_TLB_FLUSH_REASONS: the table's
 * own size bounds the reasons tlbstat knows, and a reason a later kernel
 * adds counts as unknown_reason until it has an entry here.
 */
static const struct tlbstat_reason_map tlbstat_map[] = {
	[TLB_FLUSH_ON_TASK_SWITCH] = { TS_TASK_SWITCH, TS_TASK_SWITCH_FULL, -1, -1 },
	[TLB_REMOTE_SHOOTDOWN] = { TS_RECEIVED, TS_RECEIVED_FULL, TS_RECEIVED_PAGES,
				   TLBSTAT_HIST_RECEIVED },
	[TLB_LOCAL_SHOOTDOWN] = { TS_LOCAL, TS_LOCAL_FULL, TS_LOCAL_PAGES,
				  TLBSTAT_HIST_LOCAL },
	[TLB_LOCAL_MM_SHOOTDOWN] = { TS_LOCAL_MM, TS_LOCAL_MM_FULL, TS_LOCAL_MM_PAGES,
				     TLBSTAT_HIST_LOCAL },
	[TLB_REMOTE_SEND_IPI] = { TS_SENT, TS_SENT_FULL, TS_SENT_PAGES,
				  TLBSTAT_HIST_SENT },
	[TLB_REMOTE_WRONG_CPU] = { TS_WRONG_CPU, -1, -1, -1 },
};

static const char * const tlbstat_hist_unit = "pages";

int vmlab_tlbstat_stats_init(struct tlbstat_stats *s)
{
	int i, ret;

	ret = vmlab_counters_init(&s->ctr, tlbstat_counter_names, TS_NR_COUNTERS);
	if (ret)
		return ret;
	for (i = 0; i < TLBSTAT_NR_HISTS; i++) {
		ret = vmlab_hist_init(&s->pages[i], tlbstat_hist_unit);
		if (ret)
			goto err_hist;
	}
	return 0;

err_hist:
	while (--i >= 0)
		vmlab_hist_destroy(&s->pages[i]);
	vmlab_counters_destroy(&s->ctr);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_tlbstat_stats_init);

void vmlab_tlbstat_stats_destroy(struct tlbstat_stats *s)
{
	int i;

	for (i = 0; i < TLBSTAT_NR_HISTS; i++)
		vmlab_hist_destroy(&s->pages[i]);
	vmlab_counters_destroy(&s->ctr);
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_tlbstat_stats_destroy);

void vmlab_tlbstat_stats_reset(struct tlbstat_stats *s)
{
	int i;

	vmlab_counters_reset(&s->ctr);
	for (i = 0; i < TLBSTAT_NR_HISTS; i++)
		vmlab_hist_reset(&s->pages[i]);
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_tlbstat_stats_reset);

/**
 * vmlab_tlbstat_account - count one tlb_flush event on this CPU
 * @s: the statistics
 * @reason: an enum tlb_flush_reason; anything else counts as unknown
 * @pages: pages flushed, or TLB_FLUSH_ALL for a full flush
 */
void vmlab_tlbstat_account(struct tlbstat_stats *s, int reason,
			   unsigned long pages)
{
	const struct tlbstat_reason_map *m;

	if (reason < 0 || reason >= ARRAY_SIZE(tlbstat_map)) {
		vmlab_counter_inc(&s->ctr, TS_UNKNOWN);
		return;
	}
	m = &tlbstat_map[reason];
	vmlab_counter_inc(&s->ctr, m->events);
	if (pages == TLB_FLUSH_ALL) {
		if (m->full >= 0)
			vmlab_counter_inc(&s->ctr, m->full);
		return;
	}
	if (m->pages >= 0)
		vmlab_counter_add(&s->ctr, m->pages, pages);
	if (m->hist >= 0)
		vmlab_hist_record(&s->pages[m->hist], pages);
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_tlbstat_account);
