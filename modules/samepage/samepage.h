/* SPDX-License-Identifier: GPL-2.0 */
/*
 * samepage internals shared by the device, the fault handlers, the merge
 * operations and the scanner.
 *
 * Locking, outermost first: mmap_lock (fault paths) -> sp.lock -> page lock
 * -> i_mmap_rwsem (unmap_mapping_range) -> page table lock.
 *
 * The rule that makes merging safe: a slot's page only changes with
 * sp.lock and the lock of the slot's *old* page held, and the changer zaps
 * the slot's PTEs in every process before dropping that page lock.  Fault
 * handlers look the slot up under sp.lock and return its page locked, and
 * mm installs the PTE before unlocking it; so every PTE maps the slot's
 * current page, and a page being merged has no writable PTE left when it
 * is compared.
 */
#ifndef _VMLAB_SAMEPAGE_H
#define _VMLAB_SAMEPAGE_H

#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include <vmlab/stats.h>

#include "domain.h"
#include "index.h"
#include "policy.h"

/* Gauges (first nine) go up and down; the others only count events. */
enum sp_counter {
	SP_PAGES_SHARED,
	SP_PAGES_SHARING,
	SP_PAGES_UNSHARED,
	SP_PAGES_VOLATILE,
	SP_ZERO_PAGES,
	SP_BYTES_SAVED,
	SP_PAGES_RESIDENT,
	SP_REGIONS,
	SP_STABLE_NODES,
	SP_FULL_SCANS,
	SP_PAGES_SCANNED,
	SP_MERGES,
	SP_COW_BREAKS,
	SP_COW_REUSES,
	SP_UNMERGES,
	SP_HASH_COLLISIONS,
	SP_MERGE_BUSY,
	SP_MERGE_RACED,
	SP_ALLOC_FAILURES,
	SP_NR_COUNTERS
};

enum sp_tunable {
	SPT_RUN,
	SPT_PAGES_TO_SCAN,
	SPT_SLEEP_MILLISECS,
	SPT_MAX_PAGE_SHARING,
	SPT_USE_ZERO_PAGES,
	SPT_STABLE_SCANS,
	SPT_MAX_REGION_PAGES,
	SPT_MAX_PAGES,
	SPT_MERGE_ACROSS_OWNERS,
	SPT_NR
};

/**
 * struct sp_stable - one merged, read-only page
 * @inode: in sp.stable by content hash and domain (never for a zero page)
 * @page: the page; this struct holds one reference
 * @domain: the domain whose slots may map it; its slots' regions keep it
 * @users: slots that map it
 * @zero: the all-zero page of use_zero_pages (@domain's zero)
 */
struct sp_stable {
	struct sp_inode inode;
	struct page *page;
	struct sp_domain *domain;
	unsigned int users;
	bool zero;
};

struct sp_region;

/**
 * struct sp_slot - one page offset of a region that was touched
 * @page: the private page (this struct holds a reference) or @stable's page
 * @stable: the merged page mapped here, NULL while private
 * @region: owner
 * @index: page offset in @region
 * @unstable: in sp.unstable while private and waiting for a twin
 * @v: volatility state
 */
struct sp_slot {
	struct page *page;
	struct sp_stable *stable;
	struct sp_region *region;
	pgoff_t index;
	struct sp_inode unstable;
	struct sp_vstate v;
};

/**
 * struct sp_region - what one open() of the device owns
 * @mapping: the file's f_mapping, so unmap_mapping_range() zaps this
 *	region's PTEs in every process that maps it
 * @slots: struct sp_slot by page offset
 * @node: in sp.regions
 * @reserved: pages reserved by mmap() (faults at or past it get SIGBUS)
 * @resident: slots
 * @merged: slots mapping a non-zero merged page
 * @zero: slots mapping the zero page
 * @owner: who opened the region, fixed at open()
 * @home: the region's domain: @owner's, or the named one it joined; it
 *	holds one of the domain's @regions
 */
struct sp_region {
	struct address_space mapping;
	struct xarray slots;
	struct list_head node;
	struct sp_owner owner;
	struct sp_domain *home;
	unsigned long reserved;
	unsigned long resident;
	unsigned long merged;
	unsigned long zero;
};

/**
 * struct sp_state - the module's global state
 * @lock: serialises every slot change, both indexes, the region list, the
 *	domains (the list, each one's counts and zero page, every region's
 *	@home) and the scan cursor; the fault paths take it too
 * @regions: every open region, in scan order
 * @domains: owner and named domains with at least one region
 * @all: the all-owners domain, where every region merges at
 *	merge_across_owners=1; its @regions counts every region
 * @domain_seq: the id of the last domain made
 * @across: merge_across_owners, changed under @lock only while no merged
 *	page exists
 * @stable: merged pages by domain key (vmlab_sp_domain_key())
 * @unstable: private pages waiting for a twin, by domain key
 * @cursor: region the scanner visits next (NULL: start a new full scan)
 * @cursor_index: page offset the scanner visits next in @cursor
 * @reserved: pages reserved by all regions, against max_pages
 * @run: 0 stopped, 1 scanning, 2 unmerged and stopped
 * @wait: the scanner sleeps here
 * @thread: the scanner
 * @stats: counters and gauges
 * @scan_ns: time to visit one page
 * @cow_ns: time to unshare one page in page_mkwrite
 * @tun: tunables
 */
struct sp_state {
	struct mutex lock;	/* see above: nearly everything */
	struct list_head regions;
	struct list_head domains;
	struct sp_domain all;
	u64 domain_seq;
	bool across;
	struct sp_index stable;
	struct sp_index unstable;
	struct sp_region *cursor;
	unsigned long cursor_index;
	unsigned long reserved;
	unsigned int run;
	wait_queue_head_t wait;
	struct task_struct *thread;
	struct vmlab_counters stats;
	struct vmlab_hist scan_ns;
	struct vmlab_hist cow_ns;
	struct vmlab_tunable tun[SPT_NR];
};

extern struct sp_state sp;

/*
 * Pages allocated for a process's faults are charged to its memory cgroup,
 * like the anonymous memory they stand in for.  A merged page stays
 * charged to the cgroup of whoever first faulted it in, as with KSM.
 */
#define SP_GFP_USER	(GFP_HIGHUSER | __GFP_ACCOUNT)

static inline u64 sp_tun(enum sp_tunable t)
{
	return READ_ONCE(sp.tun[t].val);
}

/* The domain whose pages @r's pages may merge with now; under sp.lock. */
static inline struct sp_domain *sp_region_domain(struct sp_region *r)
{
	return sp.across ? &sp.all : r->home;
}

static inline void sp_count(enum sp_counter c)
{
	vmlab_counter_inc(&sp.stats, c);
}

static inline void sp_gauge(enum sp_counter c, long delta)
{
	vmlab_counter_add(&sp.stats, c, (u64)delta);
}

/* merge.c: page operations, all under sp.lock */
u64 sp_page_hash(struct page *page);
struct sp_slot *sp_slot_alloc(struct sp_region *r, pgoff_t index);
void sp_slot_discard(struct sp_slot *slot);
void sp_slot_free(struct sp_slot *slot);
void sp_slot_volatile_adjust(struct sp_slot *slot, bool was_volatile);
int sp_unshare(struct sp_slot *slot, int extra, gfp_t gfp);
void sp_merge(struct sp_slot *slot, u64 hash);
int sp_unmerge_all(void);
void sp_region_unindex(struct sp_region *r);

/* fault.c */
extern const struct vm_operations_struct sp_vm_ops;

/* scan.c */
int sp_scan_start(void);
void sp_scan_stop(void);
void sp_scan_forget_region(struct sp_region *r);

#endif /* _VMLAB_SAMEPAGE_H */
