// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for vmlab dax's logic with edges: mmap range checks, when a
 * fault may use a PMD (and why not), byte ranges to pages, dirty runs, and
 * copies from the medium that stop at poison or at the reader's fault.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/sizes.h>
#include <linux/string.h>

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

static void mark_dirty_fault(struct kunit *test)
{
	/* vm_fault_t is __bitwise: compared as such, not as an integer. */
	KUNIT_EXPECT_TRUE(test, vdax_mark_dirty_fault(-EIO) == VM_FAULT_HWPOISON);
	KUNIT_EXPECT_TRUE(test, vdax_mark_dirty_fault(-ENOMEM) == VM_FAULT_OOM);
}

/*
 * Doubles for copy_mc_to_kernel() and copy_to_user(): the medium is
 * poisoned from byte mc_poison on, the reader's buffer faults from byte
 * out_fault on.  Each records whether a copy crossed a page of the medium.
 */
static const char *mc_base;
static size_t mc_poison, out_fault;
static char *out_buf;
static bool mc_crossed;

static unsigned long fake_mc(void *dst, const void *src, unsigned int len)
{
	size_t at = (const char *)src - mc_base;
	size_t ok = at >= mc_poison ? 0 : min_t(size_t, len, mc_poison - at);

	if (offset_in_page(at) + len > PAGE_SIZE)
		mc_crossed = true;
	memcpy(dst, src, ok);
	return len - ok;
}

static unsigned long fake_out(void *ctx, size_t off, const void *from,
			      unsigned int len)
{
	size_t ok = off >= out_fault ? 0 : min_t(size_t, len, out_fault - off);

	memcpy(out_buf + off, from, ok);
	return len - ok;
}

/* Copy @n bytes at byte @at of the medium; bytes copied or the errno. */
static ssize_t copy_out(struct kunit *test, size_t at, size_t n,
			size_t poison, size_t fault)
{
	void *bounce = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, bounce);
	memset(out_buf, 0, 4 * PAGE_SIZE);
	mc_poison = poison;
	out_fault = fault;
	mc_crossed = false;
	return vdax_copy_out(mc_base + at, n, bounce, fake_mc, fake_out, NULL);
}

static void copy_out_stops_at_poison(struct kunit *test)
{
	/* kmalloc aligns a power-of-two size to itself: page-aligned. */
	char *medium = kunit_kmalloc(test, 4 * PAGE_SIZE, GFP_KERNEL);
	const size_t at = PAGE_SIZE - 100, n = 2 * PAGE_SIZE + 300;
	const size_t never = SIZE_MAX;
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, medium);
	out_buf = kunit_kmalloc(test, 4 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, out_buf);
	for (i = 0; i < 4 * PAGE_SIZE; i++)
		medium[i] = (char)(i * 7 + 1);
	mc_base = medium;

	/* Clean: all of it, a medium page per copy, bytes intact. */
	KUNIT_EXPECT_EQ(test, copy_out(test, at, n, never, never), (ssize_t)n);
	KUNIT_EXPECT_FALSE(test, mc_crossed);
	KUNIT_EXPECT_EQ(test, memcmp(out_buf, medium + at, n), 0);
	KUNIT_EXPECT_EQ(test, copy_out(test, at, 0, never, never), 0);

	/* Poison at the first byte: EIO, nothing copied. */
	KUNIT_EXPECT_EQ(test, copy_out(test, at, n, at, never), -EIO);
	KUNIT_EXPECT_EQ(test, out_buf[0], 0);
	/* Poison later: short, exactly up to it, in the first or a later page. */
	KUNIT_EXPECT_EQ(test, copy_out(test, at, n, at + 1, never), 1);
	KUNIT_EXPECT_EQ(test, copy_out(test, at, n, PAGE_SIZE, never), 100);
	KUNIT_EXPECT_EQ(test, copy_out(test, at, n, PAGE_SIZE + 5, never), 105);
	KUNIT_EXPECT_EQ(test, memcmp(out_buf, medium + at, 105), 0);
	KUNIT_EXPECT_EQ(test, out_buf[105], 0);
	KUNIT_EXPECT_EQ(test, copy_out(test, at, n, at + n - 1, never), (ssize_t)n - 1);
	/* Poison just past the range: not met. */
	KUNIT_EXPECT_EQ(test, copy_out(test, at, n, at + n, never), (ssize_t)n);

	/* The reader's fault: EFAULT at once, else short to it. */
	KUNIT_EXPECT_EQ(test, copy_out(test, at, n, never, 0), -EFAULT);
	KUNIT_EXPECT_EQ(test, copy_out(test, at, n, never, 4000), 4000);
	KUNIT_EXPECT_EQ(test, memcmp(out_buf, medium + at, 4000), 0);
	/* Both: whichever comes first. */
	KUNIT_EXPECT_EQ(test, copy_out(test, at, n, at + 50, 4000), 50);
	KUNIT_EXPECT_EQ(test, copy_out(test, at, n, at + 5000, 10), 10);
	/* The medium is read first: its poison wins a tie. */
	KUNIT_EXPECT_EQ(test, copy_out(test, at, n, at, 0), -EIO);
}

static struct kunit_case vmlab_dax_cases[] = {
	KUNIT_CASE(map_range),
	KUNIT_CASE(pmd_verdicts),
	KUNIT_CASE(byte_range_pages),
	KUNIT_CASE(dirty_runs),
	KUNIT_CASE(mark_dirty_fault),
	KUNIT_CASE(copy_out_stops_at_poison),
	{}
};

static struct kunit_suite vmlab_dax_suite = {
	.name = "vmlab_dax",
	.test_cases = vmlab_dax_cases,
};

kunit_test_suite(vmlab_dax_suite);

MODULE_DESCRIPTION("KUnit tests for vmlab dax range, alignment, dirty-run and copy logic");
MODULE_LICENSE("GPL");
