// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab dax backing: find an unclaimed persistent-memory range, claim it and
 * give it struct pages (ZONE_DEVICE, as device-dax does) so that 2 MiB
 * mappings work; failing that map it plainly; failing all, use RAM.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/numa.h>
#include <linux/vmalloc.h>

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

/*
 * ZONE_DEVICE pages make the pfns "devmap": the kernel then allows PMD
 * mappings of them in a DAX VMA and GUP works on them.  Needs 2 MiB
 * (subsection) alignment.
 */
static void *vdax_map_devmap(struct vdax_dev *d)
{
	void *addr;

	if (!IS_ENABLED(CONFIG_ZONE_DEVICE) ||
	    !IS_ALIGNED(d->phys | d->size, PMD_SIZE))
		return NULL;
	d->pgmap.type = MEMORY_DEVICE_GENERIC;
	d->pgmap.range.start = d->phys;
	d->pgmap.range.end = d->phys + d->size - 1;
	d->pgmap.nr_range = 1;
	addr = memremap_pages(&d->pgmap, NUMA_NO_NODE);
	if (IS_ERR(addr)) {
		pr_info("no struct pages for %pa (%ld): 4 KiB mappings only\n",
			&d->phys, PTR_ERR(addr));
		memset(&d->pgmap, 0, sizeof(d->pgmap));
		return NULL;
	}
	d->devmap = true;
	return addr;
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
		memunmap_pages(&d->pgmap);
	else
		memunmap(d->kaddr);
	if (d->res)
		release_mem_region(d->phys, d->size);
	d->kaddr = NULL;
	d->res = NULL;
	d->kind = VDAX_BACKING_NONE;
}

/* Devmap pfns for ZONE_DEVICE pages; plain (special) pfns otherwise. */
pfn_t vdax_pfn(struct vdax_dev *d, unsigned long pgoff)
{
	if (d->kind == VDAX_BACKING_RAM)
		return __pfn_to_pfn_t(vmalloc_to_pfn(d->kaddr + (pgoff << PAGE_SHIFT)),
				      PFN_DEV);
	return phys_to_pfn_t(d->phys + ((u64)pgoff << PAGE_SHIFT),
			     d->devmap ? PFN_DEV | PFN_MAP : PFN_DEV);
}
