/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmlab dax: the logic with edges (ranges, PMD eligibility, dirty page
 * runs, copies that stop at poison), as inline functions so that the
 * module and its KUnit test run one copy.
 */
#ifndef _VMLAB_DAX_LOGIC_H
#define _VMLAB_DAX_LOGIC_H

#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/pgtable.h>

/* Why a 2 MiB fault fell back to 4 KiB pages; VDAX_PMD_OK when it did not. */
enum vdax_pmd_verdict {
	VDAX_PMD_OK,
	VDAX_PMD_VMA_RANGE,	/* the VMA does not cover the whole 2 MiB */
	VDAX_PMD_UNALIGNED,	/* device offset (+ phys) not 2 MiB aligned */
	VDAX_PMD_PAST_END,	/* the 2 MiB block runs past the device end */
};

/*
 * A mapping of @len bytes at page offset @pgoff must lie inside a device
 * of @size bytes.
 */
static inline int vdax_check_map_range(u64 size, unsigned long pgoff,
				       unsigned long len)
{
	u64 off;

	if (pgoff > (U64_MAX >> PAGE_SHIFT))
		return -EOVERFLOW;
	off = (u64)pgoff << PAGE_SHIFT;
	if (!len || off >= size || len > size - off)
		return -ENXIO;
	return 0;
}

/*
 * Can the fault at @addr in [@vm_start, @vm_end) (file page @vm_pgoff at
 * @vm_start) be served with one PMD of the device whose backing starts at
 * physical address @phys?
 */
static inline enum vdax_pmd_verdict
vdax_pmd_check(unsigned long addr, unsigned long vm_start, unsigned long vm_end,
	       unsigned long vm_pgoff, u64 size, u64 phys)
{
	unsigned long pmd_addr = addr & PMD_MASK;
	u64 off;

	if (pmd_addr < vm_start || pmd_addr + PMD_SIZE > vm_end ||
	    pmd_addr + PMD_SIZE < pmd_addr)
		return VDAX_PMD_VMA_RANGE;
	off = ((u64)vm_pgoff << PAGE_SHIFT) + (pmd_addr - vm_start);
	if ((phys + off) & (PMD_SIZE - 1))
		return VDAX_PMD_UNALIGNED;
	if (off >= size || size - off < PMD_SIZE)
		return VDAX_PMD_PAST_END;
	return VDAX_PMD_OK;
}

/*
 * Pages [*first, *first + *nr) touched by the byte range [@off, @off + @len)
 * of a device of @npages pages.  -EINVAL if the range overflows or passes
 * the end; an empty range gives *nr = 0.
 */
static inline int vdax_byte_range_pages(u64 off, u64 len, unsigned long npages,
					unsigned long *first, unsigned long *nr)
{
	u64 size = (u64)npages << PAGE_SHIFT;
	u64 end;

	if (off > size || len > size - off)
		return -EINVAL;
	*first = off >> PAGE_SHIFT;
	if (!len) {
		*nr = 0;
		return 0;
	}
	end = (off + len + PAGE_SIZE - 1) >> PAGE_SHIFT;
	*nr = end - *first;
	return 0;
}

/*
 * The next run of set bits in [@start, @end) of @bitmap: returns false when
 * there is none, else sets [*rs, *re).
 */
static inline bool vdax_next_dirty_run(const unsigned long *bitmap,
				       unsigned long start, unsigned long end,
				       unsigned long *rs, unsigned long *re)
{
	unsigned long s;

	if (start >= end)
		return false;
	s = find_next_bit(bitmap, end, start);
	if (s >= end)
		return false;
	*rs = s;
	*re = find_next_zero_bit(bitmap, end, s);
	return true;
}

/*
 * Why a page could not be marked dirty (vdax_mark_dirty_locked()), as a
 * fault's answer: its durable contents could not be read for the shadow
 * copy (-EIO, poison: SIGBUS BUS_MCEERR_AR, as for a poisoned page), or
 * there was no memory for it.
 */
static inline vm_fault_t vdax_mark_dirty_fault(int err)
{
	return err == -EIO ? VM_FAULT_HWPOISON : VM_FAULT_OOM;
}

/*
 * Copies from the medium go through copy_mc_to_kernel(), which stops at
 * poison instead of taking the machine down, and returns the bytes it
 * did not copy.  The KUnit test passes a double that stops at a chosen
 * byte; here they have one type, which copy_mc_to_kernel()'s differs from
 * on some architectures (hence a wrapper in the module).
 */
typedef unsigned long (*vdax_mc_copy_t)(void *dst, const void *src,
					unsigned int len);
/* Hands @len bytes at @from to the reader at byte @off of its buffer. */
typedef unsigned long (*vdax_out_copy_t)(void *ctx, size_t off,
					 const void *from, unsigned int len);

/**
 * vdax_copy_out - copy @n bytes of the medium at @src out to a reader
 * @src: kernel address in the medium
 * @n: bytes
 * @bounce: a buffer of PAGE_SIZE bytes
 * @mc: copies from the medium, stopping at poison
 * @out: copies to the reader (copy_to_user()); returns bytes not taken
 * @ctx: for @out
 *
 * A page of the medium at a time through @bounce: a copy_mc_to_user() would
 * save a copy, but no kernel exports it to modules, and it could not tell
 * poison from a fault on the reader's buffer.  Stops at the first byte
 * that poison or the reader refused.
 *
 * Return: bytes copied when any were (a short count, as read() gives: the
 * next call starts at the bad byte and gets the error), else -EIO for
 * poison or -EFAULT for the reader's buffer.
 */
static inline ssize_t vdax_copy_out(const void *src, size_t n, void *bounce,
				    vdax_mc_copy_t mc, vdax_out_copy_t out,
				    void *ctx)
{
	size_t done = 0;
	int err = 0;

	while (done < n) {
		unsigned int chunk = min_t(size_t, n - done,
					   PAGE_SIZE - offset_in_page(src + done));
		unsigned long left = mc(bounce, src + done, chunk);
		unsigned int good = chunk - min_t(unsigned long, left, chunk);
		unsigned int taken = good - min_t(unsigned long,
						  out(ctx, done, bounce, good), good);

		done += taken;
		if (taken < good) {
			err = -EFAULT;
			break;
		}
		if (good < chunk) {
			err = -EIO;
			break;
		}
	}
	return done ? done : err;
}

#endif /* _VMLAB_DAX_LOGIC_H */
