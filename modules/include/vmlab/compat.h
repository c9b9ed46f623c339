/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that knows about kernel API differences between the
 * kernels vmlab supports (6.1 to 7.2).  The modules are written against
 * the newest API; on an older kernel this header maps that API onto what
 * the kernel has.
 *
 * What a kernel has is probed from its headers at build time
 * (modules/compat.mk defines VMLAB_HAVE_*), never inferred from its
 * version number, so a distribution kernel with a back-ported API takes
 * the right branch.  The versions named below say where mainline changed,
 * for the reader only.
 *
 * Each module keeps its own section; say what changed and why it matters.
 */
#ifndef _VMLAB_COMPAT_H
#define _VMLAB_COMPAT_H

#include <linux/export.h>
#include <linux/mm.h>
#include <linux/module.h>

/*
 * 6.3: vm_flags became read-only outside mm; these helpers change it.
 * Older kernels: the same effect, without the VMA write lock they lack.
 */
#ifndef VMLAB_HAVE_VM_FLAGS_SET
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void vm_flags_clear(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#endif

/* --- KUnit tests (samepage, balloon, tlbstat) --- */

/*
 * Internals that only a module's *_kunit.c uses are exported with
 * EXPORT_SYMBOL_IF_KUNIT(): into the EXPORTED_FOR_KUNIT_TESTING namespace,
 * so that no other module can link against them, and only with
 * CONFIG_KUNIT (none of the Debian kernels), where they stay plain
 * non-static functions.  The test module imports the namespace with
 * VMLAB_KUNIT_IMPORT_NS().
 *
 * 6.13: namespaces are string literals (MODULE_IMPORT_NS("NS")); before,
 * bare identifiers.
 */
#ifdef VMLAB_HAVE_NS_STRING
#define VMLAB_KUNIT_NS "EXPORTED_FOR_KUNIT_TESTING"
#else
#define VMLAB_KUNIT_NS EXPORTED_FOR_KUNIT_TESTING
#endif
#define VMLAB_KUNIT_IMPORT_NS() MODULE_IMPORT_NS(VMLAB_KUNIT_NS)

/*
 * 6.2: kunit/visibility.h.  Older kernels: the same namespace, so the test
 * modules need no other import.
 */
#ifdef VMLAB_HAVE_KUNIT_VISIBILITY_H
#include <kunit/visibility.h>
#elif IS_ENABLED(CONFIG_KUNIT)
#define EXPORT_SYMBOL_IF_KUNIT(sym) EXPORT_SYMBOL_NS(sym, VMLAB_KUNIT_NS)
#else
#define EXPORT_SYMBOL_IF_KUNIT(sym)
#endif

/* --- tlbstat --- */

/*
 * 6.14: a flush IPI that finds its CPU already switched to another mm is
 * traced as TLB_REMOTE_WRONG_CPU (0 pages); before, it returned silently.
 * Older kernels: a value no event carries, so its counter stays 0.  7.2
 * has no NR_TLB_FLUSH_REASONS either: tlbstat sizes its table itself.
 */
#ifndef VMLAB_HAVE_TLB_REMOTE_WRONG_CPU
#define TLB_REMOTE_WRONG_CPU	(TLB_REMOTE_SEND_IPI + 1)
#endif

/* --- samepage --- */

/* --- balloon --- */

/*
 * 7.0: linux/balloon_compaction.h became linux/balloon.h, and the balloon
 * core finishes a migration: after the driver's ->migratepage() returns 0
 * it puts @newpage on the balloon list (with a reference), drops the old
 * page and counts BALLOON_MIGRATE.  Before, ->migratepage() did all that
 * itself under the device's pages_lock.
 *
 * A driver written for the new rule ends its ->migratepage() with
 * "return vmlab_balloon_migrated(b_dev_info, newpage, page);", which on
 * older kernels does the core's part, and nothing on newer ones.
 */
#ifdef VMLAB_HAVE_LINUX_BALLOON_H
#include <linux/balloon.h>

static inline int vmlab_balloon_migrated(struct balloon_dev_info *b_dev_info,
					 struct page *newpage, struct page *page)
{
	return 0;
}
#else
#include <linux/balloon_compaction.h>

static inline int vmlab_balloon_migrated(struct balloon_dev_info *b_dev_info,
					 struct page *newpage, struct page *page)
{
	unsigned long flags;

	/*
	 * @newpage joins the list last: once a deflate can find it, the
	 * module's migration code has nothing left to do.
	 */
	balloon_page_finalize(page);
	put_page(page);		/* the balloon's reference to the old page */

	get_page(newpage);	/* the balloon's reference */
	spin_lock_irqsave(&b_dev_info->pages_lock, flags);
	balloon_page_insert(b_dev_info, newpage);
	b_dev_info->isolated_pages--;
	__count_vm_event(BALLOON_MIGRATE);
	spin_unlock_irqrestore(&b_dev_info->pages_lock, flags);
	return MIGRATEPAGE_SUCCESS;
}
#endif

/*
 * 6.11: virtio_find_vqs() takes one struct virtqueue_info per queue (name,
 * callback, ctx) instead of parallel callback and name arrays.  Older
 * kernels: the same struct, unpacked into those arrays for
 * virtio_find_vqs_ctx().  vmlab_virtio_find_vqs() is the new form on
 * every kernel.
 */
#include <linux/virtio_config.h>

#ifdef VMLAB_HAVE_VIRTQUEUE_INFO
#define vmlab_virtio_find_vqs virtio_find_vqs
#else
struct virtqueue_info {
	const char *name;
	vq_callback_t *callback;
	bool ctx;
};

/* The most queues vmlab_virtio_find_vqs() finds at once (the balloon: 4). */
#define VMLAB_VIRTIO_MAX_VQS 8

static inline int vmlab_virtio_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
					struct virtqueue *vqs[],
					struct virtqueue_info vqs_info[],
					struct irq_affinity *desc)
{
	vq_callback_t *callbacks[VMLAB_VIRTIO_MAX_VQS];
	const char *names[VMLAB_VIRTIO_MAX_VQS];
	bool ctx[VMLAB_VIRTIO_MAX_VQS];
	unsigned int i;

	if (WARN_ON_ONCE(nvqs > VMLAB_VIRTIO_MAX_VQS))
		return -EINVAL;
	for (i = 0; i < nvqs; i++) {
		callbacks[i] = vqs_info[i].callback;
		names[i] = vqs_info[i].name;
		ctx[i] = vqs_info[i].ctx;
	}
	return virtio_find_vqs_ctx(vdev, nvqs, vqs, callbacks, names, ctx, desc);
}
#endif

/*
 * 6.14: kthread_create_worker() leaves the thread unstarted and
 * kthread_run_worker() starts it; before, kthread_create_worker() started
 * it, so it is the older kernels' kthread_run_worker().
 */
#include <linux/kthread.h>

#ifndef VMLAB_HAVE_KTHREAD_RUN_WORKER
#define kthread_run_worker(flags, namefmt, ...) \
	kthread_create_worker(flags, namefmt, ##__VA_ARGS__)
#endif

/*
 * 6.7: shrinkers are allocated by the core (shrinker_alloc, then
 * shrinker_register; shrinker_free) instead of embedded in the caller and
 * passed to register_shrinker()/unregister_shrinker().
 */
#include <linux/shrinker.h>
#include <linux/slab.h>

typedef unsigned long (*vmlab_shrink_fn)(struct shrinker *, struct shrink_control *);

#ifdef VMLAB_HAVE_SHRINKER_ALLOC
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
#else
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
#endif

/* --- dax --- */

/*
 * 6.6: ->huge_fault() takes the page-table order instead of enum
 * page_entry_size: declare the argument as vmlab_fault_size_t and compare
 * it with VMLAB_FAULT_PMD.
 */
#ifdef VMLAB_HAVE_PAGE_ENTRY_SIZE
#define vmlab_fault_size_t enum page_entry_size
#define VMLAB_FAULT_PMD PE_SIZE_PMD
#else
#define vmlab_fault_size_t unsigned int
#define VMLAB_FAULT_PMD PMD_ORDER
#endif

/*
 * 6.4: faults may run under the per-VMA lock, FAULT_FLAG_VMA_LOCK in
 * vmf->flags.  Older kernels never set it: 0 tests false.
 */
#ifndef VMLAB_HAVE_FAULT_FLAG_VMA_LOCK
#define FAULT_FLAG_VMA_LOCK 0
#endif

/*
 * 6.15: vmf_insert_page_mkwrite() maps a ZONE_DEVICE page as a normal page,
 * refcounted, on the rmap and counted in the mm's rss, as device-dax and
 * fsdax now do; 7.2 has neither pfn_t nor devmap page-table entries left.
 * Such a kernel maps the device's pages that way (VMLAB_DAX_PAGE_MAPS), in
 * a VMA without VM_MIXEDMAP: a shared file mapping of normal pages, which
 * GUP, fork, mremap and memory_failure() all handle.
 *
 * Such a kernel maps 2 MiB with one PMD only as a PMD-order folio
 * (vmf_insert_folio_pmd()): a special PMD from vmf_insert_pfn_pmd() in a
 * DAX VMA is taken for a PMD-mapped folio by __split_huge_pmd_locked()
 * and by GUP (see dax.rst).  Device-dax makes every block such a folio
 * for good (vmemmap_shift), which shares the struct pages of most tail
 * pages between them, and never maps part of one; this module does (crash
 * injection, poison, misaligned mappings), which writes each page's own
 * _mapcount.  So here, as in fsdax, the pages stay order-0 and a block is
 * made one folio while nothing maps or pins a page of it
 * (vmlab_dax_fold()), and order-0 pages again while nothing maps or pins
 * the folio (vmlab_dax_unfold()): VMLAB_DAX_FOLIO_PMD, dax_backing.c.
 *
 * Older kernels: the pfn_t is made here, devmap (PFN_DEV | PFN_MAP) for a
 * ZONE_DEVICE page, as device-dax did, so that such a VMA needs no
 * VM_MIXEDMAP and PMD mappings work; PFN_DEV for anything else (RAM,
 * memory without struct pages), which needs it.  VMLAB_DAX_VM_FLAGS()
 * says which flags a VMA mapping the device wants.
 */
#ifdef VMLAB_HAVE_VMF_INSERT_PAGE_MKWRITE
#define VMLAB_DAX_PAGE_MAPS 1
#if defined(VMLAB_HAVE_VMF_INSERT_FOLIO_PMD) && \
	defined(VMLAB_HAVE_ZONE_DEVICE_FOLIO_INIT) && \
	defined(VMLAB_HAVE_DAX_FOLIO_RESET_ORDER)
#define VMLAB_DAX_FOLIO_PMD 1
#else
#define VMLAB_DAX_FOLIO_PMD 0
#endif
#define VMLAB_DAX_PMD_MAPS VMLAB_DAX_FOLIO_PMD
#elif defined(VMLAB_HAVE_PFN_T_DEVMAP)
#define VMLAB_DAX_PAGE_MAPS 0
#define VMLAB_DAX_FOLIO_PMD 0
#define VMLAB_DAX_PMD_MAPS 1
#else
#define VMLAB_DAX_PAGE_MAPS 0
#define VMLAB_DAX_FOLIO_PMD 0
#define VMLAB_DAX_PMD_MAPS 0
#endif

#ifdef VMLAB_HAVE_PFN_T
#include <linux/pfn_t.h>

static inline pfn_t vmlab_pfn_t(unsigned long pfn)
{
	if (pfn_valid(pfn) && is_zone_device_page(pfn_to_page(pfn)))
		return __pfn_to_pfn_t(pfn, PFN_DEV | PFN_MAP);
	return __pfn_to_pfn_t(pfn, PFN_DEV);
}

#define VMLAB_PFN(pfn) vmlab_pfn_t(pfn)
#else
#define VMLAB_PFN(pfn) (pfn)
#endif

#define vmlab_vmf_insert_mixed(vma, addr, pfn) \
	vmf_insert_mixed(vma, addr, VMLAB_PFN(pfn))
#define vmlab_vmf_insert_pfn_pmd(vmf, pfn, write) \
	vmf_insert_pfn_pmd(vmf, VMLAB_PFN(pfn), write)

#if VMLAB_DAX_FOLIO_PMD
#include <linux/dax.h>

/**
 * vmlab_dax_fold - make the 2 MiB block at @pfn one PMD-order folio
 * @pgmap: the block's MEMORY_DEVICE_GENERIC dev_pagemap
 * @pfn: first pfn, 2 MiB aligned
 *
 * Each page must be an order-0 folio.  Its one reference is the base one
 * memmap_init_zone_device() gives a MEMORY_DEVICE_GENERIC page (and
 * free_zone_device_folio() puts back) while nothing maps or pins it:
 * freezing it at 1 proves that and fails GUP-fast's speculative
 * references from then on.  zone_device_folio_init() wants them frozen,
 * gives the folio that base reference, returns it locked, and takes a
 * dev_pagemap reference per page, which only the free path of device
 * private and coherent memory puts back: put here, so that
 * memunmap_pages() finds the count it expects whatever shape the pages
 * are in.
 *
 * Return: the folio (its ->mapping and ->index are the caller's to set),
 * or NULL, with nothing changed, when a page of the block is in use.
 */
static inline struct folio *vmlab_dax_fold(struct dev_pagemap *pgmap,
					   unsigned long pfn)
{
	const unsigned long nr = 1UL << PMD_ORDER;
	struct folio *folio = pfn_folio(pfn);
	unsigned long i;

	for (i = 0; i < nr; i++) {
		if (page_ref_freeze(pfn_to_page(pfn + i), 1))
			continue;
		while (i--)
			page_ref_unfreeze(pfn_to_page(pfn + i), 1);
		return NULL;
	}
	zone_device_folio_init(folio, pgmap, PMD_ORDER);
	percpu_ref_put_many(&pgmap->ref, nr);
	folio_unlock(folio);
	return folio;
}

/**
 * vmlab_dax_unfold - turn a folio of vmlab_dax_fold() into order-0 pages
 * @folio: the folio
 *
 * Only while nothing but its base reference holds it (nothing maps or pins
 * it).  dax_folio_reset_order() clears every page's ->mapping and ->index,
 * which the caller sets again, and leaves the large_rmappable flag of the
 * second page, which would read as PG_workingset on an order-0 page.
 *
 * Return: false, with nothing changed, when the folio is in use.
 */
static inline bool vmlab_dax_unfold(struct folio *folio)
{
	unsigned long i, pfn = folio_pfn(folio), nr = folio_nr_pages(folio);

	if (!folio_ref_freeze(folio, 1))
		return false;
	folio_clear_large_rmappable(folio);
	dax_folio_reset_order(folio);
	for (i = 0; i < nr; i++)
		page_ref_unfreeze(pfn_to_page(pfn + i), 1);
	return true;
}

#define vmlab_dax_insert_pmd(vmf, pfn, write) \
	vmf_insert_folio_pmd(vmf, pfn_folio(pfn), write)
#else
/* Never called: the module folds nothing without VMLAB_DAX_FOLIO_PMD. */
static inline struct folio *vmlab_dax_fold(struct dev_pagemap *pgmap,
					   unsigned long pfn)
{
	return NULL;
}

static inline bool vmlab_dax_unfold(struct folio *folio)
{
	return false;
}

#define vmlab_dax_insert_pmd(vmf, pfn, write) \
	vmlab_vmf_insert_pfn_pmd(vmf, pfn, write)
#endif

#if VMLAB_DAX_PAGE_MAPS || VMLAB_DAX_PMD_MAPS
#define VMLAB_DAX_VM_FLAGS(zone_device) \
	((zone_device) ? VM_HUGEPAGE : VM_MIXEDMAP)
#else
#define VMLAB_DAX_VM_FLAGS(zone_device) \
	((zone_device) ? VM_HUGEPAGE | VM_MIXEDMAP : VM_MIXEDMAP)
#endif

/*
 * Map page @pfn at the fault address; @zone_device says it is a
 * ZONE_DEVICE page (with VMLAB_DAX_PAGE_MAPS, mapped as a normal page).
 * vmf_insert_mixed_mkwrite() is exported by some kernels (6.1), not by
 * others (6.12, 7.2): there a write fault on a special or devmap pfn maps
 * it read-only (write-notify) and the retried write goes through
 * ->pfn_mkwrite, one fault more.
 */
static inline vm_fault_t vmlab_dax_insert_pte(struct vm_fault *vmf,
					      unsigned long pfn, bool write,
					      bool zone_device)
{
#ifdef VMLAB_HAVE_VMF_INSERT_PAGE_MKWRITE
	if (zone_device)
		return vmf_insert_page_mkwrite(vmf, pfn_to_page(pfn), write);
#endif
#ifdef VMLAB_HAVE_VMF_INSERT_MIXED_MKWRITE_EXPORT
	if (write)
		return vmf_insert_mixed_mkwrite(vmf->vma, vmf->address,
						VMLAB_PFN(pfn));
#endif
	return vmlab_vmf_insert_mixed(vmf->vma, vmf->address, pfn);
}

#endif /* _VMLAB_COMPAT_H */
