// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab dax faults, one function per size: vdax_pte_fault maps 4 KiB,
 * vdax_pmd_fault maps 2 MiB when the VMA, the offset and the backing allow
 * and otherwise says why it fell back (neither maps a page that
 * memory_failure() reported), vdax_mkwrite records the first write to a
 * page mapped read-only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/huge_mm.h>
#include <linux/pagemap.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>

#include <vmlab/compat.h>

#include "dax.h"
#include "dax_logic.h"

/*
 * Fault latency by local_clock(), the TSC: ktime_get_ns() reads the
 * clocksource, which under TCG is the HPET, an emulated MMIO read that cost
 * more than the rest of a 4 KiB fault.  Even the TSC costs about 0.2 us a
 * read under TCG, so one 4 KiB fault in VDAX_PTE_LAT_SAMPLE per CPU is
 * timed; every (512 times rarer) 2 MiB fault is.  Across a CPU switch the
 * two reads may disagree a little; a negative time counts as 0.
 */
#define VDAX_PTE_LAT_SAMPLE 16
static DEFINE_PER_CPU(unsigned int, vdax_pte_seq);

static u64 vdax_pte_clock(void)
{
	if (this_cpu_inc_return(vdax_pte_seq) % VDAX_PTE_LAT_SAMPLE)
		return 0;
	return local_clock();
}

static void vdax_record_latency(struct vmlab_hist *h, u64 t0)
{
	u64 t1 = local_clock();

	vmlab_hist_record(h, t1 > t0 ? t1 - t0 : 0);
}

/* A written page could not be marked dirty: say why, and count it. */
static vm_fault_t vdax_dirty_failed(int err)
{
	vm_fault_t ret = vdax_mark_dirty_fault(err);

	vdax_count(ret == VM_FAULT_HWPOISON ? VDAX_FAULT_HWPOISON : VDAX_FAULT_OOM, 1);
	return ret;
}

static vm_fault_t vdax_pte_fault(struct vm_fault *vmf)
{
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	u64 t0 = vdax_pte_clock();
	vm_fault_t ret;
	int err;

	if (vmf->pgoff >= vdax.npages) {
		vdax_count(VDAX_FAULT_SIGBUS, 1);
		return VM_FAULT_SIGBUS;
	}
	mutex_lock(&vdax.lock);
	/* memory_failure() unmapped it: it must not come back. */
	if (vdax_first_poisoned(&vdax, vmf->pgoff, vmf->pgoff + 1) == vmf->pgoff) {
		mutex_unlock(&vdax.lock);
		vdax_count(VDAX_FAULT_HWPOISON, 1);
		return VM_FAULT_HWPOISON;
	}
	err = write ? vdax_mark_dirty_locked(&vdax, vmf->pgoff, 1) : 0;
	if (err) {
		mutex_unlock(&vdax.lock);
		return vdax_dirty_failed(err);
	}
	/* A page of a block that is one folio: order-0 pages first if it can. */
	vdax_unfold_block(&vdax, vmf->pgoff);
	ret = vmlab_dax_insert_pte(vmf, vdax_pfn(&vdax, vmf->pgoff), write,
				   vdax.devmap);
	mutex_unlock(&vdax.lock);
	vdax_count(VDAX_FAULT_PTE, 1);
	vdax_count(VDAX_BYTES_MAPPED, PAGE_SIZE);
	if (t0)
		vdax_record_latency(&vdax.lat_pte, t0);
	return ret;
}

static const unsigned int vdax_fallback_counter[] = {
	[VDAX_PMD_VMA_RANGE] = VDAX_FB_VMA_RANGE,
	[VDAX_PMD_UNALIGNED] = VDAX_FB_UNALIGNED,
	[VDAX_PMD_PAST_END] = VDAX_FB_PAST_END,
};

/*
 * Count a fallback once, not again when the kernel retries the fault.  A
 * huge fault may run under the per-VMA lock; a VMA without ->map_pages
 * has its PTE faults retried under mmap_lock, so a huge fault that falls
 * back under the VMA lock will run again: count it only the second time.
 */
static vm_fault_t vdax_pmd_fallback(struct vm_fault *vmf, unsigned int counter)
{
	if (!(vmf->flags & FAULT_FLAG_VMA_LOCK))
		vdax_count(counter, 1);
	return VM_FAULT_FALLBACK;
}

static vm_fault_t vdax_pmd_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long pmd_addr = vmf->address & PMD_MASK;
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	/* orig_pmd is only set (to the read-only PMD) on a write-protect fault. */
	bool upgrade = !pmd_none(vmf->orig_pmd);
	enum vdax_pmd_verdict v;
	u64 t0 = local_clock();
	unsigned long pgoff;
	vm_fault_t ret;
	int err;

	if (!vdax.pmd)
		return vdax_pmd_fallback(vmf, VDAX_FB_NO_PMD);
	v = vdax_pmd_check(vmf->address, vma->vm_start, vma->vm_end,
			   vma->vm_pgoff, vdax.size, vdax.phys);
	if (v != VDAX_PMD_OK)
		return vdax_pmd_fallback(vmf, vdax_fallback_counter[v]);
	pgoff = linear_page_index(vma, pmd_addr);
	mutex_lock(&vdax.lock);
	/* Crash injection reverts single pages: keep its mappings 4 KiB. */
	if (vdax.crash_inject) {
		mutex_unlock(&vdax.lock);
		return vdax_pmd_fallback(vmf, VDAX_FB_CRASH);
	}
	/* A poisoned page: map the others of the block one by one. */
	if (vdax_first_poisoned(&vdax, pgoff, pgoff + PTRS_PER_PMD) <
	    pgoff + PTRS_PER_PMD) {
		mutex_unlock(&vdax.lock);
		return vdax_pmd_fallback(vmf, VDAX_FB_POISON);
	}
	/*
	 * Page tables are only installed by our PTE fault, under vdax.lock: a
	 * block that fell back while crash injection was on may have one now,
	 * and the PMD insert must not meet it.  Anything else here is a 2 MiB
	 * mapping of ours (a leaf).
	 */
	if (!pmd_none(*vmf->pmd) && !pmd_leaf(*vmf->pmd)) {
		mutex_unlock(&vdax.lock);
		return VM_FAULT_FALLBACK;
	}
	/* Without devmap pfns a PMD maps a folio: not while 4 KiB maps one. */
	if (!vdax_fold_block(&vdax, pgoff)) {
		mutex_unlock(&vdax.lock);
		return vdax_pmd_fallback(vmf, VDAX_FB_BUSY);
	}
	err = write ? vdax_mark_dirty_locked(&vdax, pgoff, PMD_SIZE >> PAGE_SHIFT) : 0;
	if (err) {
		mutex_unlock(&vdax.lock);
		return vdax_dirty_failed(err);
	}
	ret = vmlab_dax_insert_pmd(vmf, vdax_pfn(&vdax, pgoff), write);
	mutex_unlock(&vdax.lock);
	if (upgrade) {
		vdax_count(VDAX_MKWRITE_PMD, 1);
		return ret;
	}
	vdax_count(VDAX_FAULT_PMD, 1);
	vdax_count(VDAX_BYTES_MAPPED, PMD_SIZE);
	vdax_record_latency(&vdax.lat_pmd, t0);
	return ret;
}

static vm_fault_t vdax_huge_fault(struct vm_fault *vmf, vmlab_fault_size_t size)
{
	return size == VMLAB_FAULT_PMD ? vdax_pmd_fault(vmf) : VM_FAULT_FALLBACK;
}

/*
 * A write to a page mapped read-only: the kernel makes the PTE writable.
 * Special and devmap PTEs come through ->pfn_mkwrite, normal pages (a
 * ZONE_DEVICE page mapped by vmf_insert_page_mkwrite()) through
 * ->page_mkwrite; returning 0 there lets the kernel lock the folio.
 */
static vm_fault_t vdax_mkwrite(struct vm_fault *vmf)
{
	int ret;

	if (vmf->pgoff >= vdax.npages) {
		vdax_count(VDAX_FAULT_SIGBUS, 1);
		return VM_FAULT_SIGBUS;
	}
	mutex_lock(&vdax.lock);
	ret = vdax_mark_dirty_locked(&vdax, vmf->pgoff, 1);
	mutex_unlock(&vdax.lock);
	if (ret)
		return vdax_dirty_failed(ret);
	vdax_count(VDAX_MKWRITE_PTE, 1);
	return 0;
}

const struct vm_operations_struct vdax_vm_ops = {
	.fault = vdax_pte_fault,
	.huge_fault = vdax_huge_fault,
	.pfn_mkwrite = vdax_mkwrite,
	.page_mkwrite = vdax_mkwrite,
};
