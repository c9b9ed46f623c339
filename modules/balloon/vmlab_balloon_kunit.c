// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the balloon's pacing policy (pace.c) and target parser
 * (target.c), the same code the module runs: rates, the pause threshold,
 * full speed while memory is free, the paced budget and its overflow
 * edges, the wait after a deflation step that took nothing, and what each
 * write to target_pages means.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/string.h>

#include <vmlab/compat.h>	/* VMLAB_KUNIT_IMPORT_NS() on every kernel */

#include "pace.h"
#include "target.h"

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

/*
 * Nothing taken while pages are left: they are all isolated, so wait
 * retry_ms rather than spin.  Anything taken, or nothing left: go on.
 */
static void deflate_waits_only_without_progress(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vb_pace_deflate_wait(0, 1, 200), 200ULL);
	KUNIT_EXPECT_EQ(test, vb_pace_deflate_wait(0, U64_MAX, 10), 10ULL);
	KUNIT_EXPECT_EQ(test, vb_pace_deflate_wait(1, 1, 200), 0ULL);
	KUNIT_EXPECT_EQ(test, vb_pace_deflate_wait(1, 0, 200), 0ULL);
	KUNIT_EXPECT_EQ(test, vb_pace_deflate_wait(0, 0, 200), 0ULL);
	KUNIT_EXPECT_EQ(test, vb_pace_deflate_wait(256, 65280, 200), 0ULL);
}

struct target_case {
	const char *in;
	size_t len;	/* 0: strlen(in) */
	int ret;
	u64 pages;
};

static const struct target_case target_cases[] = {
	/* Page counts, decimal and hex (the hex ones once read as bytes). */
	{ "0", 0, 0, 0 }, { "100", 0, 0, 100 }, { "100\n", 0, 0, 100 },
	{ "010", 0, 0, 10 }, { "0xff", 0, 0, 255 }, { "0xfe", 0, 0, 254 },
	{ "0xa", 0, 0, 10 }, { "0XA", 0, 0, 10 }, { "0xFF\n", 0, 0, 255 },
	{ "0x10", 0, 0, 16 }, { "0x0", 0, 0, 0 },
	{ "0xfffffffffffff", 0, 0, VB_MAX_TARGET },
	{ "4503599627370495", 0, 0, VB_MAX_TARGET },
	/* Sizes in bytes, rounded up to whole pages. */
	{ "0K", 0, 0, 0 }, { "4K", 0, 0, 1 }, { "5k", 0, 0, 2 },
	{ "4096K", 0, 0, 1024 }, { "1M", 0, 0, 256 }, { "1m\n", 0, 0, 256 },
	{ "3G", 0, 0, 786432 }, { "1t", 0, 0, 268435456 },
	{ "16777215T", 0, 0, VB_MAX_TARGET - (1ULL << 28) + 1 },
	/* Malformed. */
	{ "", 0, -EINVAL }, { "\n", 0, -EINVAL }, { "0x", 0, -EINVAL },
	{ "0x\n", 0, -EINVAL }, { "0xK", 0, -EINVAL }, { "0x10K", 0, -EINVAL },
	{ "0x1g", 0, -EINVAL }, { "0xfg", 0, -EINVAL }, { "0x0x5", 0, -EINVAL },
	{ "0x+5", 0, -EINVAL }, { "0x-5", 0, -EINVAL }, { "00x5", 0, -EINVAL },
	{ "12Q", 0, -EINVAL }, { "1M5", 0, -EINVAL }, { "1a", 0, -EINVAL },
	{ "K", 0, -EINVAL }, { "1KB", 0, -EINVAL }, { "1KK", 0, -EINVAL },
	{ "1.5M", 0, -EINVAL }, { "1 K", 0, -EINVAL }, { " 5", 0, -EINVAL },
	{ "5 ", 0, -EINVAL }, { "5\n\n", 0, -EINVAL }, { "1K\n\n", 0, -EINVAL },
	{ "\n5", 0, -EINVAL }, { "+5", 0, -EINVAL }, { "-1", 0, -EINVAL },
	{ "-4K", 0, -EINVAL }, { "5\0", 2, -EINVAL }, { "1\0K", 3, -EINVAL },
	{ "0b101", 0, -EINVAL }, { "1e3", 0, -EINVAL },
	{ "12345678901234567890123456789012", 0, -EINVAL },
	/* Too large: the number, the size in bytes, or the page count. */
	{ "18446744073709551616", 0, -ERANGE },
	{ "0x10000000000000000", 0, -ERANGE },
	{ "16777216T", 0, -ERANGE }, { "17179869184G", 0, -ERANGE },
	{ "4503599627370496", 0, -ERANGE }, { "0x10000000000000", 0, -ERANGE },
};

static void target_parse(struct kunit *test)
{
	const struct target_case *c;
	unsigned int i;
	u64 pages;

	for (i = 0; i < ARRAY_SIZE(target_cases); i++) {
		c = &target_cases[i];
		pages = 12345;
		KUNIT_EXPECT_EQ_MSG(test, vb_parse_target(c->in, c->len ?: strlen(c->in),
							  &pages),
				    c->ret, "input #%u \"%s\"", i, c->in);
		/* Untouched on failure: the caller's target stays as it was. */
		KUNIT_EXPECT_EQ_MSG(test, pages, c->ret ? 12345ULL : c->pages,
				    "input #%u \"%s\"", i, c->in);
	}
}

/* The input need not be NUL-terminated: only @count bytes are read. */
static void target_parse_reads_count_bytes(struct kunit *test)
{
	u64 pages = 0;

	KUNIT_EXPECT_EQ(test, vb_parse_target("0xffQ", 4, &pages), 0);
	KUNIT_EXPECT_EQ(test, pages, 255ULL);
	KUNIT_EXPECT_EQ(test, vb_parse_target("12K", 2, &pages), 0);
	KUNIT_EXPECT_EQ(test, pages, 12ULL);
	KUNIT_EXPECT_EQ(test, vb_parse_target("5", 0, &pages), -EINVAL);
	KUNIT_EXPECT_EQ(test, pages, 12ULL);
}

static struct kunit_case vb_pace_cases[] = {
	KUNIT_CASE(pace_rate_edges),
	KUNIT_CASE(guard_off_is_full_speed),
	KUNIT_CASE(full_batch_per_cpu),
	KUNIT_CASE(pause_at_threshold),
	KUNIT_CASE(full_while_memory_is_free),
	KUNIT_CASE(paced_budget),
	KUNIT_CASE(mode_names),
	KUNIT_CASE(deflate_waits_only_without_progress),
	KUNIT_CASE(target_parse),
	KUNIT_CASE(target_parse_reads_count_bytes),
	{}
};

static struct kunit_suite vb_pace_suite = {
	.name = "vmlab_balloon_pace",
	.test_cases = vb_pace_cases,
};

kunit_test_suite(vb_pace_suite);

MODULE_DESCRIPTION("KUnit tests for the vmlab balloon's pacing policy and target parser");
MODULE_LICENSE("GPL");
/* The internals under test are exported only to KUnit tests. */
VMLAB_KUNIT_IMPORT_NS();
