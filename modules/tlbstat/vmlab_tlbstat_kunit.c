// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for tlbstat's accounting (which counter and histogram each
 * tlb_flush event lands in) and its bounded attribution table.  They call
 * the functions vmlab_tlbstat exports, the code its probes run.
 */
#include <kunit/test.h>
#include <linux/mm_types.h>
#include <linux/slab.h>

#include <asm/tlbflush.h>

#include "tlbstat.h"

static u64 ctr(struct tlbstat_stats *s, int idx)
{
	return vmlab_counters_read(&s->ctr, idx);
}

static void account_reasons(struct kunit *test)
{
	struct tlbstat_stats *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, vmlab_tlbstat_stats_init(s), 0);

	preempt_disable();
	vmlab_tlbstat_account(s, TLB_FLUSH_ON_TASK_SWITCH, 0);
	vmlab_tlbstat_account(s, TLB_FLUSH_ON_TASK_SWITCH, TLB_FLUSH_ALL);
	vmlab_tlbstat_account(s, TLB_REMOTE_SHOOTDOWN, 1);
	vmlab_tlbstat_account(s, TLB_REMOTE_SHOOTDOWN, 0);
	vmlab_tlbstat_account(s, TLB_REMOTE_SHOOTDOWN, TLB_FLUSH_ALL);
	vmlab_tlbstat_account(s, TLB_LOCAL_SHOOTDOWN, 3);
	vmlab_tlbstat_account(s, TLB_LOCAL_MM_SHOOTDOWN, 33);
	vmlab_tlbstat_account(s, TLB_LOCAL_MM_SHOOTDOWN, TLB_FLUSH_ALL);
	vmlab_tlbstat_account(s, TLB_REMOTE_SEND_IPI, 1);
	vmlab_tlbstat_account(s, TLB_REMOTE_SEND_IPI, 32);
	vmlab_tlbstat_account(s, TLB_REMOTE_SEND_IPI, TLB_FLUSH_ALL);
	vmlab_tlbstat_account(s, TLB_REMOTE_WRONG_CPU, 0);
	/* Past the last reason tlbstat knows (7.2 has no NR_TLB_FLUSH_REASONS). */
	vmlab_tlbstat_account(s, TLB_REMOTE_WRONG_CPU + 1, 1);
	vmlab_tlbstat_account(s, -1, 1);
	preempt_enable();

	KUNIT_EXPECT_EQ(test, ctr(s, TS_TASK_SWITCH), 2ULL);
	KUNIT_EXPECT_EQ(test, ctr(s, TS_TASK_SWITCH_FULL), 1ULL);
	KUNIT_EXPECT_EQ(test, ctr(s, TS_RECEIVED), 3ULL);
	KUNIT_EXPECT_EQ(test, ctr(s, TS_RECEIVED_FULL), 1ULL);
	KUNIT_EXPECT_EQ(test, ctr(s, TS_RECEIVED_PAGES), 1ULL);
	KUNIT_EXPECT_EQ(test, ctr(s, TS_WRONG_CPU), 1ULL);
	KUNIT_EXPECT_EQ(test, ctr(s, TS_LOCAL), 1ULL);
	KUNIT_EXPECT_EQ(test, ctr(s, TS_LOCAL_FULL), 0ULL);
	KUNIT_EXPECT_EQ(test, ctr(s, TS_LOCAL_PAGES), 3ULL);
	KUNIT_EXPECT_EQ(test, ctr(s, TS_LOCAL_MM), 2ULL);
	KUNIT_EXPECT_EQ(test, ctr(s, TS_LOCAL_MM_FULL), 1ULL);
	KUNIT_EXPECT_EQ(test, ctr(s, TS_LOCAL_MM_PAGES), 33ULL);
	KUNIT_EXPECT_EQ(test, ctr(s, TS_SENT), 3ULL);
	KUNIT_EXPECT_EQ(test, ctr(s, TS_SENT_FULL), 1ULL);
	KUNIT_EXPECT_EQ(test, ctr(s, TS_SENT_PAGES), 33ULL);
	KUNIT_EXPECT_EQ(test, ctr(s, TS_UNKNOWN), 2ULL);

	/* Histograms hold ranged flushes only: a zero-page one is bucket 0. */
	KUNIT_EXPECT_EQ(test, vmlab_hist_total(&s->pages[TLBSTAT_HIST_RECEIVED]), 2ULL);
	KUNIT_EXPECT_EQ(test, vmlab_hist_count(&s->pages[TLBSTAT_HIST_RECEIVED], 0), 1ULL);
	KUNIT_EXPECT_EQ(test, vmlab_hist_count(&s->pages[TLBSTAT_HIST_RECEIVED], 1), 1ULL);
	KUNIT_EXPECT_EQ(test, vmlab_hist_total(&s->pages[TLBSTAT_HIST_LOCAL]), 2ULL);
	KUNIT_EXPECT_EQ(test, vmlab_hist_count(&s->pages[TLBSTAT_HIST_LOCAL], 2), 1ULL);
	KUNIT_EXPECT_EQ(test, vmlab_hist_count(&s->pages[TLBSTAT_HIST_LOCAL], 6), 1ULL);
	KUNIT_EXPECT_EQ(test, vmlab_hist_sum(&s->pages[TLBSTAT_HIST_LOCAL]), 36ULL);
	KUNIT_EXPECT_EQ(test, vmlab_hist_total(&s->pages[TLBSTAT_HIST_SENT]), 2ULL);
	KUNIT_EXPECT_EQ(test, vmlab_hist_count(&s->pages[TLBSTAT_HIST_SENT], 1), 1ULL);
	KUNIT_EXPECT_EQ(test, vmlab_hist_count(&s->pages[TLBSTAT_HIST_SENT], 6), 1ULL);

	vmlab_tlbstat_stats_reset(s);
	for (i = 0; i < TS_NR_COUNTERS; i++)
		KUNIT_EXPECT_EQ(test, ctr(s, i), 0ULL);
	for (i = 0; i < TLBSTAT_NR_HISTS; i++) {
		KUNIT_EXPECT_EQ(test, vmlab_hist_total(&s->pages[i]), 0ULL);
		KUNIT_EXPECT_EQ(test, vmlab_hist_sum(&s->pages[i]), 0ULL);
	}
	vmlab_tlbstat_stats_destroy(s);
}

struct top_fixture {
	struct tlbstat_top t;
	struct tlbstat_top_entry out[TLBSTAT_TOP_MAX];
	u64 evictions;
};

static struct top_fixture *top_new(struct kunit *test, unsigned int size)
{
	struct top_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	vmlab_tlbstat_top_init(&f->t, size);
	return f;
}

static void top_counts_and_sorts(struct kunit *test)
{
	struct top_fixture *f = top_new(test, 4);
	unsigned int nr;

	vmlab_tlbstat_top_record(&f->t, 10, "ten", 1);
	vmlab_tlbstat_top_record(&f->t, 20, "twenty", 5);
	vmlab_tlbstat_top_record(&f->t, 20, "twenty", TLB_FLUSH_ALL);
	vmlab_tlbstat_top_record(&f->t, 30, "thirty", 2);
	vmlab_tlbstat_top_record(&f->t, 30, "thirty", 2);
	vmlab_tlbstat_top_record(&f->t, 30, "renamed", 2);

	nr = vmlab_tlbstat_top_snapshot(&f->t, f->out, &f->evictions);
	KUNIT_ASSERT_EQ(test, nr, 3U);
	KUNIT_EXPECT_EQ(test, f->evictions, 0ULL);
	KUNIT_EXPECT_EQ(test, f->out[0].pid, 30);
	KUNIT_EXPECT_EQ(test, f->out[0].shootdowns, 3ULL);
	KUNIT_EXPECT_EQ(test, f->out[0].pages, 6ULL);
	KUNIT_EXPECT_EQ(test, f->out[0].full, 0ULL);
	/* The name is the one seen when the entry was made. */
	KUNIT_EXPECT_STREQ(test, f->out[0].comm, "thirty");
	KUNIT_EXPECT_EQ(test, f->out[1].pid, 20);
	KUNIT_EXPECT_EQ(test, f->out[1].shootdowns, 2ULL);
	KUNIT_EXPECT_EQ(test, f->out[1].pages, 5ULL);
	KUNIT_EXPECT_EQ(test, f->out[1].full, 1ULL);
	KUNIT_EXPECT_EQ(test, f->out[2].pid, 10);
	KUNIT_EXPECT_EQ(test, f->out[2].error, 0ULL);

	/* Ties are broken by pid, so the order is stable. */
	vmlab_tlbstat_top_record(&f->t, 10, "ten", 1);
	nr = vmlab_tlbstat_top_snapshot(&f->t, f->out, &f->evictions);
	KUNIT_EXPECT_EQ(test, f->out[1].pid, 10);
	KUNIT_EXPECT_EQ(test, f->out[2].pid, 20);
}

/* Space-Saving: a newcomer takes the smallest slot and inherits its count. */
static void top_evicts_smallest(struct kunit *test)
{
	struct top_fixture *f = top_new(test, 2);
	int i;

	for (i = 0; i < 500; i++)
		vmlab_tlbstat_top_record(&f->t, 1, "heavy", 1);
	vmlab_tlbstat_top_record(&f->t, 2, "light", 1);
	vmlab_tlbstat_top_record(&f->t, 3, "new", 7);

	KUNIT_ASSERT_EQ(test, vmlab_tlbstat_top_snapshot(&f->t, f->out, &f->evictions), 2U);
	KUNIT_EXPECT_EQ(test, f->evictions, 1ULL);
	KUNIT_EXPECT_EQ(test, f->out[0].pid, 1);
	KUNIT_EXPECT_EQ(test, f->out[0].shootdowns, 500ULL);
	KUNIT_EXPECT_EQ(test, f->out[1].pid, 3);
	KUNIT_EXPECT_EQ(test, f->out[1].shootdowns, 2ULL);
	KUNIT_EXPECT_EQ(test, f->out[1].error, 1ULL);
	KUNIT_EXPECT_EQ(test, f->out[1].pages, 7ULL);
	KUNIT_EXPECT_STREQ(test, f->out[1].comm, "new");

	/* A task above total/size survives any stream of one-off tasks. */
	for (i = 100; i < 200; i++)
		vmlab_tlbstat_top_record(&f->t, i, "oneoff", 1);
	vmlab_tlbstat_top_snapshot(&f->t, f->out, &f->evictions);
	KUNIT_EXPECT_EQ(test, f->out[0].pid, 1);
	KUNIT_EXPECT_EQ(test, f->evictions, 101ULL);
	/* Every count is an upper bound, off by at most its error. */
	KUNIT_EXPECT_EQ(test, f->out[1].pid, 199);
	KUNIT_EXPECT_EQ(test, f->out[1].shootdowns - f->out[1].error, 1ULL);
}

static void top_bounds_and_reset(struct kunit *test)
{
	struct top_fixture *f = top_new(test, 1000);
	int i;

	KUNIT_EXPECT_EQ(test, f->t.size, (unsigned int)TLBSTAT_TOP_MAX);
	for (i = 0; i < 3 * TLBSTAT_TOP_MAX; i++)
		vmlab_tlbstat_top_record(&f->t, i, "a-very-long-task-name-indeed", 1);
	KUNIT_EXPECT_EQ(test, vmlab_tlbstat_top_snapshot(&f->t, f->out, &f->evictions),
			(unsigned int)TLBSTAT_TOP_MAX);
	KUNIT_EXPECT_EQ(test, f->evictions, 2ULL * TLBSTAT_TOP_MAX);
	KUNIT_EXPECT_EQ(test, strlen(f->out[0].comm), (size_t)TASK_COMM_LEN - 1);

	vmlab_tlbstat_top_reset(&f->t);
	KUNIT_EXPECT_EQ(test, vmlab_tlbstat_top_snapshot(&f->t, f->out, &f->evictions), 0U);
	KUNIT_EXPECT_EQ(test, f->evictions, 0ULL);

	f = top_new(test, 0);
	KUNIT_EXPECT_EQ(test, f->t.size, 1U);
	vmlab_tlbstat_top_record(&f->t, 5, "x", 1);
	vmlab_tlbstat_top_record(&f->t, 6, "y", 1);
	KUNIT_EXPECT_EQ(test, vmlab_tlbstat_top_snapshot(&f->t, f->out, &f->evictions), 1U);
	KUNIT_EXPECT_EQ(test, f->out[0].pid, 6);
	KUNIT_EXPECT_EQ(test, f->out[0].shootdowns, 2ULL);
	KUNIT_EXPECT_EQ(test, f->out[0].error, 1ULL);
}

static struct kunit_case tlbstat_cases[] = {
	KUNIT_CASE(account_reasons),
	KUNIT_CASE(top_counts_and_sorts),
	KUNIT_CASE(top_evicts_smallest),
	KUNIT_CASE(top_bounds_and_reset),
	{}
};

static struct kunit_suite tlbstat_suite = {
	.name = "vmlab_tlbstat",
	.test_cases = tlbstat_cases,
};

kunit_test_suite(tlbstat_suite);

MODULE_DESCRIPTION("KUnit tests for vmlab tlbstat's accounting and attribution");
MODULE_LICENSE("GPL");
/* The internals under test are exported only to KUnit tests. */
VMLAB_KUNIT_IMPORT_NS();
