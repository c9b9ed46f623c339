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

static vm_fault_t sp_fault(struct vm_fault *vmf)
{
	struct sp_region *r = vmf->vma->vm_file->private_data;
	struct page *page, *fresh = NULL;
	struct sp_slot *slot;
	bool serialised;

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
	lock_page(page);
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

	serialised = sp_fault_lock(r);
	lock_page(page);
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
