// SPDX-License-Identifier: GPL-2.0
/*
 * samepage fault handlers.  ->fault hands out the slot's current page,
 * locked, so that mm installs the PTE before anyone can swap the slot.
 * ->page_mkwrite is what makes shared mappings write-notify: read faults
 * map pages read-only and the first write to a page comes here, where a
 * merged page is unshared before any byte is written.  Both take only
 * their region's lock (and the merged page's spinlock to leave it), so
 * faults in different regions and the scanner run in parallel.
 */
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/pagemap.h>

#include "samepage.h"

/*
 * Lock @page, which the caller holds a reference to, under @r's lock; or,
 * when someone else holds the page lock, drop @r's lock, wait for the page
 * and return false, so that the caller looks again.  The page lock of a
 * merged page may be held by a COW break in another region, for as long as
 * that region's memory cgroup takes to reclaim a page: faults elsewhere in
 * this region, and the scanner, must not wait behind it.
 */
static bool sp_lock_page_or_wait(struct sp_region *r, bool serialised,
				 struct page *page)
{
	if (trylock_page(page))
		return true;
	sp_fault_unlock(r, serialised);
	folio_wait_locked(page_folio(page));
	return false;
}

static vm_fault_t sp_fault(struct vm_fault *vmf)
{
	struct sp_region *r = vmf->vma->vm_file->private_data;
	struct page *page, *fresh = NULL;
	struct sp_slot *slot;
	bool serialised;

again:
	for (;;) {
		serialised = sp_fault_lock(r);
		if (vmf->pgoff >= r->reserved) {
			/* Only reachable by mremap() tricks: mmap() reserved the range. */
			sp_fault_unlock(r, serialised);
			if (fresh)
				put_page(fresh);
			return VM_FAULT_SIGBUS;
		}
		slot = sp_region_slot(r, vmf->pgoff);
		if (IS_ERR(slot))
			goto oom_unlock;
		if (slot->page || fresh)
			break;
		/* Allocate outside the lock; another fault may fill the slot. */
		sp_fault_unlock(r, serialised);
		fresh = alloc_page(SP_GFP_USER | __GFP_ZERO);
		if (!fresh)
			goto oom;
	}
	if (!slot->page) {
		WRITE_ONCE(slot->page, fresh);
		fresh = NULL;
		r->resident++;
		sp_gauge(SP_PAGES_RESIDENT, 1);
	}
	page = slot->page;
	get_page(page);
	if (!sp_lock_page_or_wait(r, serialised, page)) {
		put_page(page);
		goto again;
	}
	sp_fault_unlock(r, serialised);
	if (fresh)
		put_page(fresh);
	vmf->page = page;
	return VM_FAULT_LOCKED;

oom_unlock:
	sp_fault_unlock(r, serialised);
	if (fresh)
		put_page(fresh);
oom:
	sp_count(SP_ALLOC_FAILURES);
	return VM_FAULT_OOM;
}

static vm_fault_t sp_page_mkwrite(struct vm_fault *vmf)
{
	struct sp_region *r = vmf->vma->vm_file->private_data;
	struct page *page = vmf->page;
	u64 start = ktime_get_ns();
	struct sp_slot *slot;
	bool was, serialised;
	int ret;

	do {
		serialised = sp_fault_lock(r);
	} while (!sp_lock_page_or_wait(r, serialised, page));
	slot = sp_region_lookup(r, vmf->pgoff);
	if (!slot || slot->page != page) {
		/* Swapped since the fault; the swapper zapped our PTE. */
		unlock_page(page);
		sp_fault_unlock(r, serialised);
		return VM_FAULT_NOPAGE;
	}
	if (!sp_slot_stable(slot)) {
		sp_fault_unlock(r, serialised);
		return VM_FAULT_LOCKED;
	}
	/* The fault holds a reference to the page besides the merged page's. */
	ret = sp_unshare(slot, 1, SP_GFP_USER);
	if (ret >= 0) {
		sp_count(SP_COW_BREAKS);
		was = sp_vstate_volatile(&slot->v);
		vmlab_sp_penalize(&slot->v);
		sp_slot_volatile_adjust(slot, was);
	}
	unlock_page(page);
	sp_fault_unlock(r, serialised);
	vmlab_hist_record(&sp.cow_ns, ktime_get_ns() - start);
	/* Our PTE is gone either way: refault onto the slot's own page. */
	return ret < 0 ? VM_FAULT_OOM : VM_FAULT_NOPAGE;
}

const struct vm_operations_struct sp_vm_ops = {
	.fault = sp_fault,
	.page_mkwrite = sp_page_mkwrite,
};
