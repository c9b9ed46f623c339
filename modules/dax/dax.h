/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmlab dax: the one device, shared by the files of the module.
 */
#ifndef _VMLAB_DAX_H
#define _VMLAB_DAX_H

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/memremap.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/xarray.h>

#include <vmlab/stats.h>

/* Counters in debugfs "stats"; names in dax_main.c. */
enum vdax_counter {
	VDAX_FAULT_PTE,
	VDAX_FAULT_PMD,
	VDAX_MKWRITE_PTE,
	VDAX_MKWRITE_PMD,
	VDAX_FAULT_SIGBUS,
	VDAX_FAULT_OOM,
	VDAX_FAULT_HWPOISON,
	VDAX_FB_VMA_RANGE,
	VDAX_FB_UNALIGNED,
	VDAX_FB_PAST_END,
	VDAX_FB_NO_PMD,
	VDAX_FB_CRASH,
	VDAX_FB_POISON,
	VDAX_FB_BUSY,
	VDAX_BYTES_MAPPED,
	VDAX_PAGES_DIRTIED,
	VDAX_FSYNC,
	VDAX_FSYNC_CLEAN,
	VDAX_FLUSH_BYTES,
	VDAX_READ_BYTES,
	VDAX_WRITE_BYTES,
	VDAX_SHADOWED,
	VDAX_REVERTED,
	VDAX_POWER_LOSS,
	VDAX_NR_COUNTERS
};

enum vdax_backing_kind {
	VDAX_BACKING_NONE,
	VDAX_BACKING_PARAM,	/* phys_start/phys_size module parameters */
	VDAX_BACKING_PMEM_LEGACY, /* memmap=SIZE!OFFSET */
	VDAX_BACKING_PMEM,	/* e820 type 7 or ACPI NFIT range */
	VDAX_BACKING_RAM,	/* vmalloc: volatile */
};

/*
 * Where the module is in its life, for the crash_inject parameter, whose
 * sysfs file exists before ->init() returns and after ->exit() has run.
 */
enum vdax_state {
	VDAX_LOADING,	/* a write only records the value; init applies it */
	VDAX_LIVE,	/* a write turns crash injection on or off */
	VDAX_GONE,	/* torn down: a write fails with ENODEV */
};

/**
 * struct vdax_dev - the device
 * @lock: serialises dirty tracking, shadow copies and mapping zaps
 * @kaddr: kernel address of the whole backing
 * @phys: physical start (0 for RAM)
 * @size: bytes, a multiple of PAGE_SIZE
 * @npages: size >> PAGE_SHIFT
 * @kind: where the backing came from
 * @persistent: backing survives power off (not RAM)
 * @devmap: ZONE_DEVICE struct pages exist (memremap_pages): GUP and
 *	    memory_failure() work, and PMDs where the kernel has devmap pfns
 *	    or PMD-order folios (compat.h)
 * @pmd: 2 MiB mappings possible (@devmap and a DAX-capable kernel)
 * @res: the claimed iomem region, NULL for RAM
 * @pgmap: the ZONE_DEVICE map when @devmap
 * @poison: one bit per page memory_failure() reported (only with @devmap)
 * @nr_poison: bits set in @poison
 * @folded: one bit per 2 MiB block whose pages are one PMD-order folio
 *	    (VMLAB_DAX_FOLIO_PMD, else NULL); dax_backing.c
 * @mixed: one bit per folded block a page of which is also mapped 4 KiB
 * @dirty: one bit per page written since its last durable point
 * @nr_dirty: bits set in @dirty
 * @shadow: page index -> copy of its last durable contents (crash injection)
 * @nr_shadow: entries in @shadow
 * @crash_inject: shadow copies are kept; PMD mappings are not used
 * @state: whether the crash_inject parameter may reach the device; read
 *	   and written under the module's kernel_param_lock() (dax_main.c)
 * @mnt: pseudo fs holding @inode
 * @inode: S_DAX inode whose address_space every open file and VMA uses
 * @misc: /dev/vmlab_dax0
 * @dir: debugfs directory
 * @ctr: counters
 * @lat_pte: 4 KiB fault latency
 * @lat_pmd: 2 MiB fault latency
 */
struct vdax_dev {
	struct mutex lock;	/* see dax_track.c */
	void *kaddr;
	phys_addr_t phys;
	u64 size;
	unsigned long npages;
	enum vdax_backing_kind kind;
	bool persistent;
	bool devmap;
	bool pmd;
	struct resource *res;
	struct dev_pagemap pgmap;
	unsigned long *poison;
	atomic_long_t nr_poison;
	unsigned long *folded;
	unsigned long *mixed;
	unsigned long *dirty;
	unsigned long nr_dirty;
	struct xarray shadow;
	unsigned long nr_shadow;
	bool crash_inject;
	enum vdax_state state;
	struct vfsmount *mnt;
	struct inode *inode;
	struct miscdevice misc;
	struct dentry *dir;
	struct vmlab_counters ctr;
	struct vmlab_hist lat_pte;
	struct vmlab_hist lat_pmd;
};

extern struct vdax_dev vdax;
extern const struct file_operations vdax_fops;

static inline void vdax_count(unsigned int idx, u64 delta)
{
	vmlab_counter_add(&vdax.ctr, idx, delta);
}

/* dax_backing.c */
int vdax_backing_init(struct vdax_dev *d, phys_addr_t start, u64 size,
		      unsigned long ram_size);
void vdax_backing_exit(struct vdax_dev *d);
const char *vdax_backing_name(enum vdax_backing_kind kind);
unsigned long vdax_pfn(struct vdax_dev *d, unsigned long pgoff);
void vdax_backing_set_mapping(struct vdax_dev *d, struct address_space *mapping);
bool vdax_fold_block(struct vdax_dev *d, unsigned long pgoff);
void vdax_unfold_block(struct vdax_dev *d, unsigned long pgoff);
unsigned long vdax_nr_folded(struct vdax_dev *d);

/*
 * The first page in [@first, @end) that memory_failure() reported, or @end.
 * One atomic read while nothing is poisoned.
 */
static inline unsigned long vdax_first_poisoned(struct vdax_dev *d,
						unsigned long first,
						unsigned long end)
{
	if (likely(!atomic_long_read(&d->nr_poison)))
		return end;
	return find_next_bit(d->poison, end, first);
}

/* dax_track.c */
int vdax_track_init(struct vdax_dev *d);
void vdax_track_exit(struct vdax_dev *d);
int vdax_mark_dirty_locked(struct vdax_dev *d, unsigned long first,
			   unsigned long nr);
unsigned long vdax_persist(struct vdax_dev *d, unsigned long first,
			   unsigned long nr);
int vdax_inject_power_loss(struct vdax_dev *d, unsigned long *reverted);
void vdax_set_crash_inject(struct vdax_dev *d, bool on);
void vdax_zap(struct vdax_dev *d, unsigned long first, unsigned long nr);

/* dax_fault.c */
extern const struct vm_operations_struct vdax_vm_ops;

#endif /* _VMLAB_DAX_H */
