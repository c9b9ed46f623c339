// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the balloon's pacing policy (pace.c), the same code the
 * worker runs: rates, the pause threshold, full speed while memory is
 * free, the paced budget and its overflow edges.
 */
#include <kunit/test.h>
#include <linux/limits.h>

#include "pace.h"

static const struct vb_pace_params defaults = {
	.batch = 1024, .rate = 2560, .threshold = 200, .free_margin = 1000,
	.guard = true,
};

static void decide(const struct vb_pace_params *p, const struct vb_pace_signals *s,
		   struct vb_pace_step *out)
{
	out->mode = VB_PACE_PAUSED + 1;
	out->pages = U64_MAX;
	vb_pace_decide(p, s, out);
}

static void pace_rate_edges(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vb_pace_rate(0, 0), 0ULL);
	KUNIT_EXPECT_EQ(test, vb_pace_rate(5, 0), 0ULL);
	KUNIT_EXPECT_EQ(test, vb_pace_rate(10, 100), 100ULL);
	KUNIT_EXPECT_EQ(test, vb_pace_rate(1, 1000), 1ULL);
	KUNIT_EXPECT_EQ(test, vb_pace_rate(1, 1001), 0ULL);
	KUNIT_EXPECT_EQ(test, vb_pace_rate(3, 2), 1500ULL);
	KUNIT_EXPECT_EQ(test, vb_pace_rate(U64_MAX, 1), U64_MAX);
	KUNIT_EXPECT_EQ(test, vb_pace_rate(U64_MAX, 1000), U64_MAX / 1000 * 1000);
	KUNIT_EXPECT_EQ(test, vb_pace_rate(U64_MAX / 1000, 1), U64_MAX / 1000 * 1000);
}

static void guard_off_is_full_speed(struct kunit *test)
{
	struct vb_pace_params p = defaults;
	struct vb_pace_signals s = { .refault_rate = 1000000, .scan_rate = 5,
				     .free_pages = 0, .elapsed_ms = 0 };
	struct vb_pace_step out;

	p.guard = false;
	decide(&p, &s, &out);
	KUNIT_EXPECT_EQ(test, out.mode, VB_PACE_FULL);
	KUNIT_EXPECT_EQ(test, out.pages, 1024ULL);
}

/* A full step takes a batch per CPU; a paced one never more than a batch. */
static void full_batch_per_cpu(struct kunit *test)
{
	struct vb_pace_signals s = { .free_pages = 1000000, .elapsed_ms = 10000 };
	struct vb_pace_params p = defaults;
	struct vb_pace_step out;

	p.cpus = 4;
	decide(&p, &s, &out);
	KUNIT_EXPECT_EQ(test, out.mode, VB_PACE_FULL);
	KUNIT_EXPECT_EQ(test, out.pages, 4096ULL);

	/* Still no further than the free margin. */
	s.free_pages = 3000;
	decide(&p, &s, &out);
	KUNIT_EXPECT_EQ(test, out.pages, 2000ULL);

	s.scan_rate = 1;
	decide(&p, &s, &out);
	KUNIT_EXPECT_EQ(test, out.mode, VB_PACE_PACED);
	KUNIT_EXPECT_EQ(test, out.pages, 1024ULL);

	/* batch * cpus saturates instead of wrapping. */
	p.guard = false;
	p.batch = U64_MAX / 2 + 1;
	p.cpus = 2;
	decide(&p, &s, &out);
	KUNIT_EXPECT_EQ(test, out.pages, U64_MAX);
}

static void pause_at_threshold(struct kunit *test)
{
	struct vb_pace_signals s = { .free_pages = 1000000 };
	struct vb_pace_params p = defaults;
	struct vb_pace_step out;

	s.refault_rate = 200;
	decide(&p, &s, &out);
	KUNIT_EXPECT_EQ(test, out.mode, VB_PACE_PAUSED);
	KUNIT_EXPECT_EQ(test, out.pages, 0ULL);

	s.refault_rate = 0;
	s.majfault_rate = 201;
	decide(&p, &s, &out);
	KUNIT_EXPECT_EQ(test, out.mode, VB_PACE_PAUSED);

	/* One below: no pause, but the refaults mean memory is not idle. */
	s.majfault_rate = 199;
	s.elapsed_ms = 1000;
	decide(&p, &s, &out);
	KUNIT_EXPECT_EQ(test, out.mode, VB_PACE_FULL);

	/* Threshold 0 never pauses. */
	p.threshold = 0;
	s.refault_rate = U64_MAX;
	decide(&p, &s, &out);
	KUNIT_EXPECT_NE(test, out.mode, VB_PACE_PAUSED);
}

static void full_while_memory_is_free(struct kunit *test)
{
	struct vb_pace_signals s = { .free_pages = 5000 };
	struct vb_pace_step out;

	decide(&defaults, &s, &out);
	KUNIT_EXPECT_EQ(test, out.mode, VB_PACE_FULL);
	KUNIT_EXPECT_EQ(test, out.pages, 1024ULL);

	/* Never below the margin at full speed. */
	s.free_pages = 1100;
	decide(&defaults, &s, &out);
	KUNIT_EXPECT_EQ(test, out.mode, VB_PACE_FULL);
	KUNIT_EXPECT_EQ(test, out.pages, 100ULL);

	s.free_pages = 1001;
	decide(&defaults, &s, &out);
	KUNIT_EXPECT_EQ(test, out.mode, VB_PACE_FULL);
	KUNIT_EXPECT_EQ(test, out.pages, 1ULL);

	/* At the margin: paced, and no time has passed, so nothing yet. */
	s.free_pages = 1000;
	decide(&defaults, &s, &out);
	KUNIT_EXPECT_EQ(test, out.mode, VB_PACE_PACED);
	KUNIT_EXPECT_EQ(test, out.pages, 0ULL);

	/* Plenty free but reclaim is scanning: paced. */
	s.free_pages = 1000000;
	s.scan_rate = 1;
	s.elapsed_ms = 100;
	decide(&defaults, &s, &out);
	KUNIT_EXPECT_EQ(test, out.mode, VB_PACE_PACED);
	KUNIT_EXPECT_EQ(test, out.pages, 256ULL);
}

static void paced_budget(struct kunit *test)
{
	struct vb_pace_signals s = { .free_pages = 10, .elapsed_ms = 100 };
	struct vb_pace_params p = defaults;
	struct vb_pace_step out;

	/* 2560 pages/s for 100 ms. */
	decide(&p, &s, &out);
	KUNIT_EXPECT_EQ(test, out.mode, VB_PACE_PACED);
	KUNIT_EXPECT_EQ(test, out.pages, 256ULL);

	/* Half-way to the threshold: half the budget. */
	s.refault_rate = 100;
	decide(&p, &s, &out);
	KUNIT_EXPECT_EQ(test, out.pages, 128ULL);
	s.refault_rate = 150;
	decide(&p, &s, &out);
	KUNIT_EXPECT_EQ(test, out.pages, 64ULL);
	s.refault_rate = 0;

	/* Capped by the batch. */
	s.elapsed_ms = 60000;
	decide(&p, &s, &out);
	KUNIT_EXPECT_EQ(test, out.pages, 1024ULL);

	/* Fractions of a second: 2560 * 1.5 s. */
	p.batch = 65536;
	s.elapsed_ms = 1500;
	decide(&p, &s, &out);
	KUNIT_EXPECT_EQ(test, out.pages, 3840ULL);

	/* Budget of less than a page: nothing this time. */
	p.rate = 1;
	s.elapsed_ms = 999;
	decide(&p, &s, &out);
	KUNIT_EXPECT_EQ(test, out.pages, 0ULL);

	/* No overflow at the extremes. */
	p.rate = U64_MAX;
	p.batch = U64_MAX;
	s.elapsed_ms = U64_MAX;
	decide(&p, &s, &out);
	KUNIT_EXPECT_EQ(test, out.pages, U64_MAX);
	p.threshold = U64_MAX;
	s.refault_rate = U64_MAX - 1;
	decide(&p, &s, &out);
	KUNIT_EXPECT_EQ(test, out.mode, VB_PACE_PACED);
	KUNIT_EXPECT_EQ(test, out.pages, 1ULL);
}

static void mode_names(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, vb_pace_mode_name(VB_PACE_FULL), "full");
	KUNIT_EXPECT_STREQ(test, vb_pace_mode_name(VB_PACE_PACED), "paced");
	KUNIT_EXPECT_STREQ(test, vb_pace_mode_name(VB_PACE_PAUSED), "paused");
	KUNIT_EXPECT_STREQ(test, vb_pace_mode_name(VB_PACE_PAUSED + 1), "unknown");
}

static struct kunit_case vb_pace_cases[] = {
	KUNIT_CASE(pace_rate_edges),
	KUNIT_CASE(guard_off_is_full_speed),
	KUNIT_CASE(full_batch_per_cpu),
	KUNIT_CASE(pause_at_threshold),
	KUNIT_CASE(full_while_memory_is_free),
	KUNIT_CASE(paced_budget),
	KUNIT_CASE(mode_names),
	{}
};

static struct kunit_suite vb_pace_suite = {
	.name = "vmlab_balloon_pace",
	.test_cases = vb_pace_cases,
};

kunit_test_suite(vb_pace_suite);

MODULE_DESCRIPTION("KUnit tests for the vmlab balloon's pacing policy");
MODULE_LICENSE("GPL");
