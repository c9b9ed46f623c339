/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that knows about kernel API differences between the
 * kernels vmlab supports (6.1 and 6.12).  Module code calls the vmlab_*
 * names below and never tests LINUX_VERSION_CODE itself.
 *
 * Each module keeps its own section; keep entries sorted by the version
 * that introduced the change, and say what changed.
 */
#ifndef _VMLAB_COMPAT_H
#define _VMLAB_COMPAT_H

#include <linux/version.h>
#include <linux/device.h>
#include <linux/mm.h>

/* 6.3: vm_flags became const; use the helpers (back-ported here for 6.1). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
static inline void vmlab_vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void vmlab_vm_flags_clear(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#else
#define vmlab_vm_flags_set(vma, flags) vm_flags_set(vma, flags)
#define vmlab_vm_flags_clear(vma, flags) vm_flags_clear(vma, flags)
#endif

/* 6.4: class_create() lost its owner argument. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
#define vmlab_class_create(name) class_create(THIS_MODULE, name)
#else
#define vmlab_class_create(name) class_create(name)
#endif

/* --- tlbstat --- */

/* --- samepage --- */

/* --- balloon --- */

/*
 * The balloon page API (balloon_page_alloc/enqueue/list_dequeue, struct
 * balloon_dev_info and its ->migratepage(bdi, newpage, page, mode) hook,
 * balloon_mops) is the same in 6.1 and 6.12; 6.10 only dropped
 * MIGRATE_SYNC_NO_COPY, which vmlab_balloon never tests for.
 *
 * 6.7: shrinkers are allocated by the core (shrinker_alloc, then
 * shrinker_register; shrinker_free) instead of embedded in the caller and
 * passed to register_shrinker()/unregister_shrinker().
 */
#include <linux/shrinker.h>
#include <linux/slab.h>

typedef unsigned long (*vmlab_shrink_fn)(struct shrinker *, struct shrink_control *);

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 7, 0)
static inline struct shrinker *vmlab_shrinker_create(vmlab_shrink_fn count,
						     vmlab_shrink_fn scan,
						     const char *name)
{
	struct shrinker *s = kzalloc(sizeof(*s), GFP_KERNEL);
	int ret;

	if (!s)
		return ERR_PTR(-ENOMEM);
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = DEFAULT_SEEKS;
	ret = register_shrinker(s, "%s", name);
	if (ret) {
		kfree(s);
		return ERR_PTR(ret);
	}
	return s;
}

static inline void vmlab_shrinker_destroy(struct shrinker *s)
{
	unregister_shrinker(s);
	kfree(s);
}
#else
static inline struct shrinker *vmlab_shrinker_create(vmlab_shrink_fn count,
						     vmlab_shrink_fn scan,
						     const char *name)
{
	struct shrinker *s = shrinker_alloc(0, "%s", name);

	if (!s)
		return ERR_PTR(-ENOMEM);
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = DEFAULT_SEEKS;
	shrinker_register(s);
	return s;
}

static inline void vmlab_shrinker_destroy(struct shrinker *s)
{
	shrinker_free(s);
}
#endif

/* --- dax --- */

/*
 * 6.6: ->huge_fault takes the page-table order instead of enum
 * page_entry_size: declare the argument as vmlab_fault_size_t and compare
 * it with VMLAB_FAULT_PMD.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)
#define vmlab_fault_size_t enum page_entry_size
#define VMLAB_FAULT_PMD PE_SIZE_PMD
#else
#define vmlab_fault_size_t unsigned int
#define VMLAB_FAULT_PMD PMD_ORDER
#endif

/*
 * 6.4: faults may run under the per-VMA lock.  A VMA without ->map_pages
 * has its PTE faults retried under mmap_lock, so a huge fault that falls
 * back under the VMA lock will run again: count it only the second time.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
#define vmlab_dax_fault_will_retry(vmf) false
#else
#define vmlab_dax_fault_will_retry(vmf) (!!((vmf)->flags & FAULT_FLAG_VMA_LOCK))
#endif

/*
 * vmf_insert_mixed_mkwrite() is exported by 6.1, not by 6.12: there a write
 * fault maps the page read-only (write-notify) and the retried write goes
 * through ->pfn_mkwrite, one fault more.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
static inline vm_fault_t vmlab_dax_insert_pte(struct vm_fault *vmf, pfn_t pfn,
					      bool write)
{
	if (write)
		return vmf_insert_mixed_mkwrite(vmf->vma, vmf->address, pfn);
	return vmf_insert_mixed(vmf->vma, vmf->address, pfn);
}
#else
static inline vm_fault_t vmlab_dax_insert_pte(struct vm_fault *vmf, pfn_t pfn,
					      bool write)
{
	return vmf_insert_mixed(vmf->vma, vmf->address, pfn);
}
#endif

#endif /* _VMLAB_COMPAT_H */
