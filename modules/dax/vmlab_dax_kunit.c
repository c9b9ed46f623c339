// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for vmlab dax's logic with edges: mmap range checks, when a
 * fault may use a PMD (and why not), byte ranges to pages, dirty runs.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/sizes.h>

#include "dax_logic.h"

static void map_range(struct kunit *test)
{
	const u64 size = SZ_256M;
	const unsigned long last = (size >> PAGE_SHIFT) - 1;

	KUNIT_EXPECT_EQ(test, vdax_check_map_range(size, 0, size), 0);
	KUNIT_EXPECT_EQ(test, vdax_check_map_range(size, 0, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, vdax_check_map_range(size, last, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, vdax_check_map_range(size, last, 2 * PAGE_SIZE), -ENXIO);
	KUNIT_EXPECT_EQ(test, vdax_check_map_range(size, last + 1, PAGE_SIZE), -ENXIO);
	KUNIT_EXPECT_EQ(test, vdax_check_map_range(size, 0, size + PAGE_SIZE), -ENXIO);
	KUNIT_EXPECT_EQ(test, vdax_check_map_range(size, 0, 0), -ENXIO);
	KUNIT_EXPECT_EQ(test, vdax_check_map_range(size, ULONG_MAX, PAGE_SIZE), -EOVERFLOW);
	KUNIT_EXPECT_EQ(test, vdax_check_map_range(size, 1, ULONG_MAX), -ENXIO);
}

static void pmd_verdicts(struct kunit *test)
{
	const unsigned long base = 0x7f0000000000UL;	/* 2 MiB aligned */
	const u64 size = SZ_256M, phys = SZ_1G;

	/* Aligned VMA at offset 0: every whole 2 MiB block maps. */
	KUNIT_EXPECT_EQ(test, vdax_pmd_check(base, base, base + SZ_4M, 0, size, phys),
			VDAX_PMD_OK);
	KUNIT_EXPECT_EQ(test, vdax_pmd_check(base + SZ_4M - 1, base, base + SZ_4M, 0,
					     size, phys), VDAX_PMD_OK);
	/* VMA too small or not covering the block. */
	KUNIT_EXPECT_EQ(test, vdax_pmd_check(base, base, base + SZ_1M, 0, size, phys),
			VDAX_PMD_VMA_RANGE);
	KUNIT_EXPECT_EQ(test, vdax_pmd_check(base + SZ_2M, base, base + SZ_2M + SZ_1M,
					     0, size, phys), VDAX_PMD_VMA_RANGE);
	KUNIT_EXPECT_EQ(test, vdax_pmd_check(base, base + PAGE_SIZE, base + SZ_4M, 0,
					     size, phys), VDAX_PMD_VMA_RANGE);
	/* VMA 4 KiB past a boundary: the whole middle block is misaligned. */
	KUNIT_EXPECT_EQ(test, vdax_pmd_check(base + SZ_2M, base + PAGE_SIZE,
					     base + SZ_4M + PAGE_SIZE, 0, size, phys),
			VDAX_PMD_UNALIGNED);
	/* Address aligned but the file offset is not. */
	KUNIT_EXPECT_EQ(test, vdax_pmd_check(base, base, base + SZ_4M, 1, size, phys),
			VDAX_PMD_UNALIGNED);
	/* Offset aligned but the physical start is not. */
	KUNIT_EXPECT_EQ(test, vdax_pmd_check(base, base, base + SZ_4M, 0, size,
					     phys + PAGE_SIZE), VDAX_PMD_UNALIGNED);
	/* Offset by 2 MiB is fine. */
	KUNIT_EXPECT_EQ(test, vdax_pmd_check(base, base, base + SZ_4M,
					     SZ_2M >> PAGE_SHIFT, size, phys),
			VDAX_PMD_OK);
	/* The last block of the device maps; one past it does not. */
	KUNIT_EXPECT_EQ(test, vdax_pmd_check(base, base, base + SZ_2M,
					     (size - SZ_2M) >> PAGE_SHIFT, size, phys),
			VDAX_PMD_OK);
	KUNIT_EXPECT_EQ(test, vdax_pmd_check(base, base, base + SZ_2M,
					     size >> PAGE_SHIFT, size, phys),
			VDAX_PMD_PAST_END);
	/* A device smaller than 2 MiB never maps a PMD. */
	KUNIT_EXPECT_EQ(test, vdax_pmd_check(base, base, base + SZ_2M, 0, SZ_1M, phys),
			VDAX_PMD_PAST_END);
}

static void byte_range_pages(struct kunit *test)
{
	const unsigned long npages = 16;
	unsigned long first = 99, nr = 99;

	KUNIT_EXPECT_EQ(test, vdax_byte_range_pages(0, 1, npages, &first, &nr), 0);
	KUNIT_EXPECT_EQ(test, first, 0UL);
	KUNIT_EXPECT_EQ(test, nr, 1UL);
	KUNIT_EXPECT_EQ(test, vdax_byte_range_pages(PAGE_SIZE - 1, 2, npages, &first, &nr), 0);
	KUNIT_EXPECT_EQ(test, first, 0UL);
	KUNIT_EXPECT_EQ(test, nr, 2UL);
	KUNIT_EXPECT_EQ(test, vdax_byte_range_pages(PAGE_SIZE, PAGE_SIZE, npages, &first, &nr), 0);
	KUNIT_EXPECT_EQ(test, first, 1UL);
	KUNIT_EXPECT_EQ(test, nr, 1UL);
	KUNIT_EXPECT_EQ(test, vdax_byte_range_pages(0, npages * PAGE_SIZE, npages, &first, &nr), 0);
	KUNIT_EXPECT_EQ(test, nr, npages);
	KUNIT_EXPECT_EQ(test, vdax_byte_range_pages(5, 0, npages, &first, &nr), 0);
	KUNIT_EXPECT_EQ(test, nr, 0UL);
	KUNIT_EXPECT_EQ(test, vdax_byte_range_pages(npages * PAGE_SIZE, 0, npages, &first, &nr), 0);
	KUNIT_EXPECT_EQ(test, vdax_byte_range_pages(0, npages * PAGE_SIZE + 1, npages,
						    &first, &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, vdax_byte_range_pages(npages * PAGE_SIZE + 1, 0, npages,
						    &first, &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, vdax_byte_range_pages(PAGE_SIZE, U64_MAX, npages, &first, &nr),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vdax_byte_range_pages(U64_MAX, 1, npages, &first, &nr), -EINVAL);
}

static void dirty_runs(struct kunit *test)
{
	DECLARE_BITMAP(map, 130);
	unsigned long rs = 0, re = 0;

	bitmap_zero(map, 130);
	KUNIT_EXPECT_FALSE(test, vdax_next_dirty_run(map, 0, 130, &rs, &re));
	bitmap_set(map, 0, 1);
	bitmap_set(map, 63, 3);		/* crosses a word */
	bitmap_set(map, 129, 1);	/* the last bit */
	KUNIT_ASSERT_TRUE(test, vdax_next_dirty_run(map, 0, 130, &rs, &re));
	KUNIT_EXPECT_EQ(test, rs, 0UL);
	KUNIT_EXPECT_EQ(test, re, 1UL);
	KUNIT_ASSERT_TRUE(test, vdax_next_dirty_run(map, re, 130, &rs, &re));
	KUNIT_EXPECT_EQ(test, rs, 63UL);
	KUNIT_EXPECT_EQ(test, re, 66UL);
	KUNIT_ASSERT_TRUE(test, vdax_next_dirty_run(map, re, 130, &rs, &re));
	KUNIT_EXPECT_EQ(test, rs, 129UL);
	KUNIT_EXPECT_EQ(test, re, 130UL);
	KUNIT_EXPECT_FALSE(test, vdax_next_dirty_run(map, re, 130, &rs, &re));
	/* A window cuts runs at its edges. */
	KUNIT_ASSERT_TRUE(test, vdax_next_dirty_run(map, 64, 65, &rs, &re));
	KUNIT_EXPECT_EQ(test, rs, 64UL);
	KUNIT_EXPECT_EQ(test, re, 65UL);
	KUNIT_EXPECT_FALSE(test, vdax_next_dirty_run(map, 66, 129, &rs, &re));
	KUNIT_EXPECT_FALSE(test, vdax_next_dirty_run(map, 5, 5, &rs, &re));
}

static struct kunit_case vmlab_dax_cases[] = {
	KUNIT_CASE(map_range),
	KUNIT_CASE(pmd_verdicts),
	KUNIT_CASE(byte_range_pages),
	KUNIT_CASE(dirty_runs),
	{}
};

static struct kunit_suite vmlab_dax_suite = {
	.name = "vmlab_dax",
	.test_cases = vmlab_dax_cases,
};

kunit_test_suite(vmlab_dax_suite);

MODULE_DESCRIPTION("KUnit tests for vmlab dax range, alignment and dirty-run logic");
MODULE_LICENSE("GPL");
