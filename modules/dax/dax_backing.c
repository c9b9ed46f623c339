// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab dax backing: find an unclaimed persistent-memory range, claim it and
 * give it struct pages (ZONE_DEVICE, as device-dax does) so that 2 MiB
 * mappings work; failing that map it plainly; failing all, use RAM.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/numa.h>
#include <linux/vmalloc.h>

#include <vmlab/compat.h>

#include "dax.h"

const char *vdax_backing_name(enum vdax_backing_kind kind)
{
	switch (kind) {
	case VDAX_BACKING_PARAM:
		return "param";
	case VDAX_BACKING_PMEM_LEGACY:
		return "pmem_legacy";
	case VDAX_BACKING_PMEM:
		return "pmem";
	case VDAX_BACKING_RAM:
		return "ram";
	default:
		return "none";
	}
}

struct vdax_found {
	u64 start;
	u64 size;
};

/* The first range of the wanted kind is the one we use. */
static int vdax_found_range(struct resource *res, void *arg)
{
	struct vdax_found *f = arg;

	f->start = res->start;
	f->size = resource_size(res);
	return 1;
}

static bool vdax_find_desc(unsigned long desc, struct vdax_found *f)
{
	f->size = 0;
	walk_iomem_res_desc(desc, IORESOURCE_MEM, 0, -1, f, vdax_found_range);
	return f->size != 0;
}

/* Is page @pgoff in a folded block that is mapped 4 KiB (see below)? */
static bool vdax_block_mixed(struct vdax_dev *d, unsigned long pgoff)
{
	return d->mixed && test_bit(pgoff / PTRS_PER_PMD, d->mixed);
}

/*
 * memory_failure() on one of our pfns asks us first.  Note the page, so
 * that no fault maps it again and read()/write() stop short of it, then
 * let the generic handler (-EOPNOTSUPP) mark it HWPoison, unmap it and
 * signal the processes that map it, which it finds through the folio's
 * ->mapping and ->index (vdax_backing_set_mapping(), vdax_fold_block()).
 * The handler works on the page's folio: an order-0 page, or a block that
 * is one folio and then mapped only by PMDs, whose mappers it signals
 * with si_addr_lsb 21, as device-dax's.  A folded block mapped 4 KiB
 * (@mixed) it would take for its first page: there unmap the page
 * ourselves, and whoever touches it again gets VM_FAULT_HWPOISON.
 */
static int vdax_memory_failure(struct dev_pagemap *pgmap, unsigned long pfn,
			       unsigned long nr_pages, int mf_flags)
{
	struct vdax_dev *d = container_of(pgmap, struct vdax_dev, pgmap);
	unsigned long first = pfn - PHYS_PFN(d->phys), npages = d->size >> PAGE_SHIFT;
	unsigned long idx, end = min(first + nr_pages, npages);
	bool mixed;

	for (idx = first; idx < end; idx++)
		if (!test_and_set_bit(idx, d->poison))
			atomic_long_inc(&d->nr_poison);
	/*
	 * Faults test the bit under d->lock: one that missed it has mapped
	 * the page once we get the lock, so the unmap removes it.  And no
	 * block with a poisoned page changes shape, so the handler finds the
	 * folio looked at here.
	 */
	mutex_lock(&d->lock);
	mixed = first < end && vdax_block_mixed(d, first);
	if (mixed)
		vdax_zap(d, first, end - first);
	mutex_unlock(&d->lock);
	return mixed ? 0 : -EOPNOTSUPP;
}

static const struct dev_pagemap_ops vdax_pgmap_ops = {
	.memory_failure = vdax_memory_failure,
};

static void vdax_free_bitmaps(struct vdax_dev *d)
{
	bitmap_free(d->mixed);
	d->mixed = NULL;
	bitmap_free(d->folded);
	d->folded = NULL;
	bitmap_free(d->poison);
	d->poison = NULL;
}

/*
 * ZONE_DEVICE pages give the pfns struct pages: GUP and memory_failure()
 * work on them, and where the kernel has devmap pfns, or PMD-order folios,
 * it allows PMD mappings of them in a DAX VMA.  Needs 2 MiB (subsection)
 * alignment.  Order-0 (no vmemmap_shift), so that each page is a folio of
 * its own: with vmemmap_shift the kernel would also let the folios share
 * the struct pages of most of their tail pages (vmemmap_can_optimize()),
 * which a 4 KiB mapping of such a page writes to.  Blocks become
 * PMD-order folios while they are mapped 2 MiB (vdax_fold_block()).
 */
static void *vdax_map_devmap(struct vdax_dev *d)
{
	unsigned long nr_blocks = d->size >> PMD_SHIFT;
	void *addr;

	if (!IS_ENABLED(CONFIG_ZONE_DEVICE) ||
	    !IS_ALIGNED(d->phys | d->size, PMD_SIZE))
		return NULL;
	/* Before the pages exist: memory_failure() may call us from then on. */
	d->poison = bitmap_zalloc(d->size >> PAGE_SHIFT, GFP_KERNEL);
	if (VMLAB_DAX_FOLIO_PMD) {
		d->folded = bitmap_zalloc(nr_blocks, GFP_KERNEL);
		d->mixed = bitmap_zalloc(nr_blocks, GFP_KERNEL);
	}
	if (!d->poison || (VMLAB_DAX_FOLIO_PMD && (!d->folded || !d->mixed))) {
		vdax_free_bitmaps(d);
		return NULL;
	}
	d->pgmap.type = MEMORY_DEVICE_GENERIC;
	d->pgmap.range.start = d->phys;
	d->pgmap.range.end = d->phys + d->size - 1;
	d->pgmap.nr_range = 1;
	d->pgmap.ops = &vdax_pgmap_ops;
	addr = memremap_pages(&d->pgmap, NUMA_NO_NODE);
	if (IS_ERR(addr)) {
		pr_info("no struct pages for %pa (%ld): 4 KiB mappings only\n",
			&d->phys, PTR_ERR(addr));
		memset(&d->pgmap, 0, sizeof(d->pgmap));
		vdax_free_bitmaps(d);
		return NULL;
	}
	d->devmap = true;
	return addr;
}

static void vdax_set_mapping(struct vdax_dev *d, struct address_space *mapping,
			     unsigned long first, unsigned long nr)
{
	unsigned long i, pfn = PHYS_PFN(d->phys);

	for (i = first; i < first + nr; i++) {
		struct folio *folio = pfn_folio(pfn + i);

		folio->mapping = mapping;
		folio->index = i;
	}
}

/**
 * vdax_backing_set_mapping - let memory_failure() find who maps each page
 * @d: the device
 * @mapping: the address_space every VMA of the device is linked on
 *
 * As device-dax does: the folio's ->mapping and ->index are what
 * memory_failure() uses to find the VMAs that map a poisoned page (7.2
 * keeps page->index private to mm; page->mapping is the same field).  The
 * pages are not compound, so each is a folio of its own with its own
 * index, and a poisoned page is reported at its own address.  The pages
 * never move and the inode outlives the dev_pagemap, so this is done once,
 * for every page; a block made one folio has them on its first page only,
 * as device-dax's, until it is order-0 pages again (vdax_fold_block()).
 */
void vdax_backing_set_mapping(struct vdax_dev *d, struct address_space *mapping)
{
	if (d->devmap)
		vdax_set_mapping(d, mapping, 0, d->size >> PAGE_SHIFT);
}

/*
 * 2 MiB mappings without devmap pfns (VMLAB_DAX_FOLIO_PMD, compat.h): a
 * PMD maps a PMD-order folio.  The pages stay order-0 otherwise, so that a
 * page mapped 4 KiB is a folio of its own, which memory_failure() reports
 * exactly.  A block becomes one folio on its first PMD fault if nothing
 * maps or pins a page of it, and stays one across zaps and munmap; a
 * 4 KiB fault makes it order-0 pages again, first unmapping the PMDs that
 * map it (they fault again, 4 KiB while the block is so mapped).  So a
 * folded block is mapped by PMDs only, and memory_failure()'s generic
 * handler, which works on whole folios, reports it as device-dax's.
 *
 * Two things keep a block one folio under 4 KiB mappings (@mixed, mapped
 * by PTEs only, its poison handled by vdax_memory_failure()): a pin that
 * outlives the mappings, and poison (the generic handler may be looking
 * at the folio with no lock of ours).  It becomes order-0 again at the
 * first 4 KiB fault after the last 4 KiB mapping and pin go, if it has no
 * poison.  All under d->lock, which every fault that maps a page holds.
 */

/**
 * vdax_fold_block - the 2 MiB block at @pgoff is about to be mapped by a PMD
 * @d: the device, d->lock held
 * @pgoff: its first page
 *
 * Return: false when it cannot be: a page of it is mapped 4 KiB or pinned.
 */
bool vdax_fold_block(struct vdax_dev *d, unsigned long pgoff)
{
	unsigned long blk = pgoff / PTRS_PER_PMD;
	struct folio *folio;

	lockdep_assert_held(&d->lock);
	if (!d->folded)
		return true;
	if (test_bit(blk, d->folded))
		return !test_bit(blk, d->mixed);
	folio = vmlab_dax_fold(&d->pgmap, PHYS_PFN(d->phys) + pgoff);
	if (!folio)
		return false;
	/* As device-dax's: the head holds them, memory_failure() reads them. */
	folio->mapping = d->inode->i_mapping;
	folio->index = pgoff;
	__set_bit(blk, d->folded);
	return true;
}

/**
 * vdax_unfold_block - page @pgoff is about to be mapped 4 KiB
 * @d: the device, d->lock held
 * @pgoff: the page
 *
 * If its block is one folio, make it order-0 pages, unmapping its PMDs
 * first if need be; where that cannot be, mark the block @mixed.
 */
void vdax_unfold_block(struct vdax_dev *d, unsigned long pgoff)
{
	unsigned long blk = pgoff / PTRS_PER_PMD, first = blk * PTRS_PER_PMD;
	struct folio *folio;

	lockdep_assert_held(&d->lock);
	if (!d->folded || !test_bit(blk, d->folded))
		return;
	folio = pfn_folio(PHYS_PFN(d->phys) + first);
	if (vdax_first_poisoned(d, first, first + PTRS_PER_PMD) <
	    first + PTRS_PER_PMD)
		goto mixed;
	if (!vmlab_dax_unfold(folio)) {
		/* A mixed block has no PMD mappings to take down. */
		if (test_bit(blk, d->mixed))
			return;
		vdax_zap(d, first, PTRS_PER_PMD);
		if (!vmlab_dax_unfold(folio))
			goto mixed;
	}
	vdax_set_mapping(d, d->inode->i_mapping, first, PTRS_PER_PMD);
	__clear_bit(blk, d->mixed);
	__clear_bit(blk, d->folded);
	return;
mixed:
	__set_bit(blk, d->mixed);
}

/* Blocks that are one folio now, for debugfs "info". */
unsigned long vdax_nr_folded(struct vdax_dev *d)
{
	unsigned long n;

	if (!d->folded)
		return 0;
	mutex_lock(&d->lock);
	n = bitmap_weight(d->folded, d->size >> PMD_SHIFT);
	mutex_unlock(&d->lock);
	return n;
}

static int vdax_claim(struct vdax_dev *d, u64 start, u64 size,
		      enum vdax_backing_kind kind)
{
	size = round_down(size, PAGE_SIZE);
	if (!size || !PAGE_ALIGNED(start))
		return -EINVAL;
	d->res = request_mem_region(start, size, "vmlab_dax");
	if (!d->res) {
		pr_info("%#llx-%#llx is busy\n", start, start + size - 1);
		return -EBUSY;
	}
	d->phys = start;
	d->size = size;
	d->kaddr = vdax_map_devmap(d);
	if (!d->kaddr)
		d->kaddr = memremap(start, size, MEMREMAP_WB);
	if (!d->kaddr) {
		release_mem_region(start, size);
		d->res = NULL;
		return -ENOMEM;
	}
	d->kind = kind;
	d->persistent = true;
	return 0;
}

static int vdax_use_ram(struct vdax_dev *d, unsigned long ram_size)
{
	ram_size = round_down(ram_size, PAGE_SIZE);
	if (!ram_size)
		return -EINVAL;
	/* vzalloc: pages handed to user space start zeroed. */
	d->kaddr = vzalloc(ram_size);
	if (!d->kaddr)
		return -ENOMEM;
	d->phys = 0;
	d->size = ram_size;
	d->kind = VDAX_BACKING_RAM;
	d->persistent = false;
	return 0;
}

/**
 * vdax_backing_init - choose and claim the backing
 * @d: the device
 * @start: physical start named by the user, or 0
 * @size: its size, or 0 to search the iomem resources
 * @ram_size: bytes of RAM to use when no persistent memory is free
 *
 * Return: 0 or an errno; a named range that cannot be claimed is an error
 * (the user asked for it); a found range that is busy is skipped.
 */
int vdax_backing_init(struct vdax_dev *d, phys_addr_t start, u64 size,
		      unsigned long ram_size)
{
	struct vdax_found f;

	if (size)
		return vdax_claim(d, start, size, VDAX_BACKING_PARAM);
	if (vdax_find_desc(IORES_DESC_PERSISTENT_MEMORY_LEGACY, &f) &&
	    !vdax_claim(d, f.start, f.size, VDAX_BACKING_PMEM_LEGACY))
		return 0;
	if (vdax_find_desc(IORES_DESC_PERSISTENT_MEMORY, &f) &&
	    !vdax_claim(d, f.start, f.size, VDAX_BACKING_PMEM))
		return 0;
	return vdax_use_ram(d, ram_size);
}

void vdax_backing_exit(struct vdax_dev *d)
{
	if (d->kind == VDAX_BACKING_RAM)
		vfree(d->kaddr);
	else if (d->devmap)
		/*
		 * Waits for memory_failure(), which pins the dev_pagemap.  A
		 * folded block holds no dev_pagemap reference
		 * (vmlab_dax_fold()), and its shape goes with the memmap, as
		 * device-dax's folios do.
		 */
		memunmap_pages(&d->pgmap);
	else
		memunmap(d->kaddr);
	if (d->res)
		release_mem_region(d->phys, d->size);
	vdax_free_bitmaps(d);
	atomic_long_set(&d->nr_poison, 0);
	d->devmap = false;
	d->kaddr = NULL;
	d->res = NULL;
	d->kind = VDAX_BACKING_NONE;
}

/*
 * The pfn behind page @pgoff of the device.  How it is mapped (special;
 * for a ZONE_DEVICE page devmap, or a normal page where the kernel has no
 * devmap) is for compat.h to say.
 */
unsigned long vdax_pfn(struct vdax_dev *d, unsigned long pgoff)
{
	if (d->kind == VDAX_BACKING_RAM)
		return vmalloc_to_pfn(d->kaddr + (pgoff << PAGE_SHIFT));
	return PHYS_PFN(d->phys) + pgoff;
}
