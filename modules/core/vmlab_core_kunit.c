// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the vmlab core helpers: histogram bucket edges, counter
 * sums across CPUs (including wrap-around), and strict number parsing.
 */
#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/percpu.h>

#include <vmlab/stats.h>

static void hist_bucket_edges(struct kunit *test)
{
	unsigned int b;

	KUNIT_EXPECT_EQ(test, vmlab_hist_bucket(0), 0U);
	KUNIT_EXPECT_EQ(test, vmlab_hist_bucket(1), 1U);
	KUNIT_EXPECT_EQ(test, vmlab_hist_bucket(2), 2U);
	KUNIT_EXPECT_EQ(test, vmlab_hist_bucket(3), 2U);
	KUNIT_EXPECT_EQ(test, vmlab_hist_bucket(4), 3U);
	KUNIT_EXPECT_EQ(test, vmlab_hist_bucket(4095), 12U);
	KUNIT_EXPECT_EQ(test, vmlab_hist_bucket(4096), 13U);
	KUNIT_EXPECT_EQ(test, vmlab_hist_bucket(U64_MAX), 64U);
	KUNIT_EXPECT_EQ(test, vmlab_hist_bucket(1ULL << 63), 64U);

	/* Every bucket's bounds map back to it, and buckets tile u64. */
	for (b = 0; b < VMLAB_HIST_BUCKETS; b++) {
		KUNIT_EXPECT_EQ(test, vmlab_hist_bucket(vmlab_hist_bucket_low(b)), b);
		KUNIT_EXPECT_EQ(test, vmlab_hist_bucket(vmlab_hist_bucket_high(b)), b);
		if (b + 1 < VMLAB_HIST_BUCKETS)
			KUNIT_EXPECT_EQ(test, vmlab_hist_bucket_high(b) + 1,
					vmlab_hist_bucket_low(b + 1));
	}
	KUNIT_EXPECT_EQ(test, vmlab_hist_bucket_high(64), U64_MAX);
}

static void hist_record_and_reset(struct kunit *test)
{
	struct vmlab_hist h;

	KUNIT_ASSERT_EQ(test, vmlab_hist_init(&h, "ns"), 0);
	vmlab_hist_record(&h, 0);
	vmlab_hist_record(&h, 5);
	vmlab_hist_record(&h, 7);
	vmlab_hist_record(&h, 8);
	KUNIT_EXPECT_EQ(test, vmlab_hist_count(&h, 0), 1ULL);
	KUNIT_EXPECT_EQ(test, vmlab_hist_count(&h, 3), 2ULL);
	KUNIT_EXPECT_EQ(test, vmlab_hist_count(&h, 4), 1ULL);
	KUNIT_EXPECT_EQ(test, vmlab_hist_total(&h), 4ULL);
	KUNIT_EXPECT_EQ(test, vmlab_hist_sum(&h), 20ULL);
	vmlab_hist_reset(&h);
	KUNIT_EXPECT_EQ(test, vmlab_hist_total(&h), 0ULL);
	KUNIT_EXPECT_EQ(test, vmlab_hist_sum(&h), 0ULL);
	vmlab_hist_destroy(&h);
}

enum test_counter { TC_A, TC_B, TC_NR };
static const char * const test_counter_names[] = {
	[TC_A] = "a",
	[TC_B] = "b",
};

static_assert(ARRAY_SIZE(test_counter_names) == TC_NR);

static void counters_refuse_unnamed(struct kunit *test)
{
	static const char * const holey[3] = { [0] = "a", [2] = "c" };
	struct vmlab_counters c;

	KUNIT_EXPECT_EQ(test, vmlab_counters_init(&c, holey, 3), -EINVAL);
}

static void counters_sum_across_cpus(struct kunit *test)
{
	struct vmlab_counters c;
	u64 expect = 0;
	int cpu;

	KUNIT_ASSERT_EQ(test, vmlab_counters_init(&c, test_counter_names, TC_NR), 0);
	KUNIT_EXPECT_STREQ(test, c.names[TC_B], "b");
	for_each_possible_cpu(cpu) {
		*per_cpu_ptr(&c.vals[TC_A], cpu) = cpu + 1;
		expect += cpu + 1;
	}
	KUNIT_EXPECT_EQ(test, vmlab_counters_read(&c, TC_A), expect);
	KUNIT_EXPECT_EQ(test, vmlab_counters_read(&c, TC_B), 0ULL);

	preempt_disable();
	vmlab_counter_inc(&c, TC_B);
	vmlab_counter_add(&c, TC_B, 41);
	preempt_enable();
	KUNIT_EXPECT_EQ(test, vmlab_counters_read(&c, TC_B), 42ULL);

	vmlab_counters_reset(&c);
	KUNIT_EXPECT_EQ(test, vmlab_counters_read(&c, TC_A), 0ULL);
	KUNIT_EXPECT_EQ(test, vmlab_counters_read(&c, TC_B), 0ULL);
	vmlab_counters_destroy(&c);
}

/* Incremented on one CPU, decremented on another: each copy wraps, the sum is right. */
static void counters_wrap_around(struct kunit *test)
{
	struct vmlab_counters c;
	int first = cpumask_first(cpu_possible_mask);
	int second = cpumask_next(first, cpu_possible_mask);

	KUNIT_ASSERT_EQ(test, vmlab_counters_init(&c, test_counter_names, TC_NR), 0);
	if (second >= nr_cpu_ids)
		second = first;
	*per_cpu_ptr(&c.vals[TC_A], first) += 5;
	*per_cpu_ptr(&c.vals[TC_A], second) -= 3;
	KUNIT_EXPECT_EQ(test, vmlab_counters_read(&c, TC_A), 2ULL);

	*per_cpu_ptr(&c.vals[TC_B], first) = U64_MAX;
	*per_cpu_ptr(&c.vals[TC_B], first) += 1;
	KUNIT_EXPECT_EQ(test, vmlab_counters_read(&c, TC_B), 0ULL);
	vmlab_counters_destroy(&c);
}

static struct kunit_case vmlab_core_cases[] = {
	KUNIT_CASE(hist_bucket_edges),
	KUNIT_CASE(hist_record_and_reset),
	KUNIT_CASE(counters_sum_across_cpus),
	KUNIT_CASE(counters_wrap_around),
	KUNIT_CASE(counters_refuse_unnamed),
	{}
};

static struct kunit_suite vmlab_core_suite = {
	.name = "vmlab_core",
	.test_cases = vmlab_core_cases,
};

kunit_test_suite(vmlab_core_suite);

MODULE_DESCRIPTION("KUnit tests for the vmlab core helpers");
MODULE_LICENSE("GPL");
