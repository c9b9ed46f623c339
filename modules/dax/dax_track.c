// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab dax dirty tracking: which pages were written since their last
 * durable point, so that fsync flushes only those, and (crash injection)
 * what each of them held at that point, so a power loss can be replayed.
 *
 * Shared mappings are write-notify (the VMA has ->pfn_mkwrite): read faults
 * map read-only, and the first write to a page reaches the module, which
 * marks it dirty.  Making a page durable zaps its mappings before clearing
 * its bit, so the next write faults again.  All under d->lock; the fault
 * path takes it under mmap_lock, and it nests i_mmap_rwsem, never the
 * reverse.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/libnvdimm.h>
#include <linux/mm.h>
#include <linux/uaccess.h>

#include "dax.h"
#include "dax_logic.h"

int vdax_track_init(struct vdax_dev *d)
{
	d->dirty = bitmap_zalloc(d->npages, GFP_KERNEL);
	if (!d->dirty)
		return -ENOMEM;
	xa_init(&d->shadow);
	return 0;
}

static void vdax_drop_shadow(struct vdax_dev *d, unsigned long first,
			     unsigned long last)
{
	struct page *page;
	unsigned long idx;

	xa_for_each_range(&d->shadow, idx, page, first, last) {
		xa_erase(&d->shadow, idx);
		__free_page(page);
		d->nr_shadow--;
	}
}

void vdax_track_exit(struct vdax_dev *d)
{
	vdax_drop_shadow(d, 0, ULONG_MAX);
	xa_destroy(&d->shadow);
	bitmap_free(d->dirty);
	d->dirty = NULL;
}

/*
 * Keep the durable contents of page @idx before its first write.  Read
 * with copy_mc_to_kernel(): latent poison in the medium fails the copy
 * (the machine check handler reports the page) instead of panicking.
 */
static int vdax_shadow_page(struct vdax_dev *d, unsigned long idx)
{
	struct page *page = alloc_page(GFP_KERNEL);
	int ret;

	if (!page)
		return -ENOMEM;
	if (copy_mc_to_kernel(page_address(page), d->kaddr + (idx << PAGE_SHIFT),
			      PAGE_SIZE)) {
		__free_page(page);
		return -EIO;
	}
	ret = xa_err(xa_store(&d->shadow, idx, page, GFP_KERNEL));
	if (ret) {
		__free_page(page);
		return ret;
	}
	d->nr_shadow++;
	vdax_count(VDAX_SHADOWED, 1);
	return 0;
}

/**
 * vdax_mark_dirty_locked - pages [@first, @first + @nr) are about to be written
 * @d: the device, d->lock held
 * @first: first page
 * @nr: number of pages
 *
 * Return: 0, or (crash injection) -ENOMEM when a shadow copy cannot be
 * made, -EIO when the page's contents cannot be read for it (poison);
 * pages marked before the failure stay marked, with their copies.
 */
int vdax_mark_dirty_locked(struct vdax_dev *d, unsigned long first,
			   unsigned long nr)
{
	unsigned long s = first, e, run_end, end = first + nr, dirtied = 0;
	int ret = 0;

	lockdep_assert_held(&d->lock);
	/* Each run of clean pages: shadow them page by page, then mark. */
	while (s < end) {
		s = find_next_zero_bit(d->dirty, end, s);
		if (s >= end)
			break;
		run_end = find_next_bit(d->dirty, end, s);
		for (e = s; d->crash_inject && e < run_end; e++) {
			ret = vdax_shadow_page(d, e);
			if (ret)
				break;
		}
		if (!d->crash_inject)
			e = run_end;
		bitmap_set(d->dirty, s, e - s);
		dirtied += e - s;
		if (ret)
			break;
		s = e;
	}
	d->nr_dirty += dirtied;
	vdax_count(VDAX_PAGES_DIRTIED, dirtied);
	return ret;
}

/* Unmap pages [@first, @first + @nr) from every process; d->lock held. */
void vdax_zap(struct vdax_dev *d, unsigned long first, unsigned long nr)
{
	lockdep_assert_held(&d->lock);
	unmap_mapping_range(d->inode->i_mapping, (loff_t)first << PAGE_SHIFT,
			    (loff_t)nr << PAGE_SHIFT, 1);
}

/**
 * vdax_persist - make pages [@first, @first + @nr) durable
 * @d: the device
 * @first: first page
 * @nr: number of pages
 *
 * Write-protects (zaps) the dirty ones first, so that no store slips in
 * between the flush and the clearing of the bit, then writes their cache
 * lines back and fences.  A clean range costs one bitmap scan.
 *
 * Return: bytes flushed.
 */
unsigned long vdax_persist(struct vdax_dev *d, unsigned long first,
			   unsigned long nr)
{
	unsigned long rs, re, flushed = 0, end = first + nr;

	mutex_lock(&d->lock);
	while (vdax_next_dirty_run(d->dirty, first, end, &rs, &re)) {
		vdax_zap(d, rs, re - rs);
		arch_wb_cache_pmem(d->kaddr + (rs << PAGE_SHIFT),
				   (re - rs) << PAGE_SHIFT);
		vdax_drop_shadow(d, rs, re - 1);
		bitmap_clear(d->dirty, rs, re - rs);
		d->nr_dirty -= re - rs;
		flushed += (re - rs) << PAGE_SHIFT;
		first = re;
	}
	/* SFENCE: the write-backs complete before fsync returns. */
	wmb();
	mutex_unlock(&d->lock);
	vdax_count(VDAX_FLUSH_BYTES, flushed);
	return flushed;
}

/**
 * vdax_inject_power_loss - lose everything not made durable
 * @d: the device
 * @reverted: pages put back to their durable contents
 *
 * Zaps every mapping (as a reboot would), then puts back each page written
 * since its last durable point, and only those.  A shadow page is read with
 * copy_mc_to_kernel(): poison in it costs that page's revert (it keeps what
 * it held, partly reverted), not the machine; the others are reverted.
 *
 * Return: 0, -EIO when a page could not be reverted, or -EOPNOTSUPP when
 * crash injection is off.
 */
int vdax_inject_power_loss(struct vdax_dev *d, unsigned long *reverted)
{
	struct page *page;
	unsigned long idx, n = 0, lost = 0;

	mutex_lock(&d->lock);
	if (!d->crash_inject) {
		mutex_unlock(&d->lock);
		return -EOPNOTSUPP;
	}
	vdax_zap(d, 0, d->npages);
	xa_for_each(&d->shadow, idx, page) {
		void *dst = d->kaddr + (idx << PAGE_SHIFT);

		if (copy_mc_to_kernel(dst, page_address(page), PAGE_SIZE)) {
			pr_err_ratelimited("page %lu not reverted: its shadow copy is poisoned\n",
					   idx);
			lost++;
		} else {
			n++;
		}
		arch_wb_cache_pmem(dst, PAGE_SIZE);
	}
	vdax_drop_shadow(d, 0, ULONG_MAX);
	bitmap_zero(d->dirty, d->npages);
	d->nr_dirty = 0;
	/* SFENCE: the reverted contents are durable before we report them. */
	wmb();
	mutex_unlock(&d->lock);
	vdax_count(VDAX_REVERTED, n);
	vdax_count(VDAX_POWER_LOSS, 1);
	*reverted = n;
	return lost ? -EIO : 0;
}

/*
 * Turning crash injection on starts from a durable state (every page
 * clean, so every later write gets a shadow copy) and zaps all mappings so
 * that PMD mappings give way to 4 KiB ones.  Turning it off drops the
 * copies; dirty bits stay for fsync.
 */
void vdax_set_crash_inject(struct vdax_dev *d, bool on)
{
	unsigned long rs, re, start = 0;

	mutex_lock(&d->lock);
	if (on == d->crash_inject)
		goto out;
	if (on) {
		vdax_zap(d, 0, d->npages);
		while (vdax_next_dirty_run(d->dirty, start, d->npages, &rs, &re)) {
			arch_wb_cache_pmem(d->kaddr + (rs << PAGE_SHIFT),
					   (re - rs) << PAGE_SHIFT);
			start = re;
		}
		bitmap_zero(d->dirty, d->npages);
		d->nr_dirty = 0;
		/* SFENCE: the write-backs complete before tracking restarts. */
		wmb();
	} else {
		vdax_drop_shadow(d, 0, ULONG_MAX);
	}
	WRITE_ONCE(d->crash_inject, on);
out:
	mutex_unlock(&d->lock);
}
