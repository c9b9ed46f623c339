/* SPDX-License-Identifier: GPL-2.0 */
/*
 * samepage internals shared by the device, the fault handlers, the merge
 * operations and the scanner.
 *
 * Locking, outermost first:
 *
 *   mmap_lock -> sp.lock -> sp_region.lock -> page lock -> i_mmap_rwsem
 *   (unmap_mapping_range) -> page table lock
 *
 * sp_stable.lock is a leaf spinlock, taken under any of the above.
 *
 * sp.lock is the scanner's and the administrator's: the scanner holds it
 * for a whole visit, and open, release, mmap, SET_DOMAIN and the tunables
 * take it.  Faults and COW breaks never take it (unless serialise_faults=1
 * asks for the old design), so they run in parallel with the scanner and
 * with each other in other regions.  They take their region's lock, and a
 * COW break of a merged page takes that page's sp_stable.lock to drop its
 * use.  Only the scanner holds two region locks at once, always under
 * sp.lock, so it takes the second one nested without an order between
 * regions.
 *
 * The rule that makes merging safe: a slot's page only changes with its
 * region's lock and the lock of the slot's *old* page held, and the
 * changer zaps the slot's PTEs in every process before dropping that page
 * lock.  Fault handlers look the slot up under the region's lock and
 * return its page locked, and mm installs the PTE before unlocking it; so
 * every PTE maps the slot's current page, and a page being merged has no
 * writable PTE left when it is compared.
 *
 * A merged page whose last user leaves in a COW break cannot leave the
 * stable index there, which needs sp.lock: it is marked dead, so that no
 * slot joins it again, and put on sp.dead, whence a work item (and the
 * scanner, before each visit) removes and frees it under sp.lock
 * (sp_reap()).
 */
#ifndef _VMLAB_SAMEPAGE_H
#define _VMLAB_SAMEPAGE_H

#include <linux/fs.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <vmlab/stats.h>

#include "domain.h"
#include "index.h"
#include "policy.h"
#include "slot.h"
#include "unstable.h"

/* Gauges (first ten) go up and down; the others only count events. */
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
	SP_METADATA_BYTES,
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
	SPT_SERIALISE_FAULTS,
	SPT_NR
};

/**
 * struct sp_stable - one merged, read-only page
 * @inode: in sp.stable by content hash and domain (never for a zero page);
 *	under sp.lock
 * @page: the page; this struct holds one reference, unless @page_given
 * @domain: the domain whose slots may map it; its slots' regions keep it
 * @lock: protects @users and @dead
 * @users: slots that map it
 * @dead: @users reached 0 outside sp.lock; no slot may join it, and it
 *	waits on sp.dead for sp_reap()
 * @page_given: the last user took @page over as its own page (in place)
 * @zero: the all-zero page of use_zero_pages (@domain's zero)
 * @reap: in sp.dead
 */
struct sp_stable {
	struct sp_inode inode;
	struct page *page;
	struct sp_domain *domain;
	spinlock_t lock;	/* @users and @dead */
	unsigned int users;
	bool dead;
	bool page_given;
	bool zero;
	struct llist_node reap;
};

/**
 * struct sp_region - what one open() of the device owns
 * @lock: serialises the faults and COW breaks of this region with each
 *	other and with the scanner: the slots' pages, @chunks' insertions,
 *	@reserved (also under sp.lock), @resident, @merged and @zero
 * @mapping: the file's f_mapping, so unmap_mapping_range() zaps this
 *	region's PTEs in every process that maps it
 * @chunks: struct sp_chunk by page offset / SP_CHUNK_SLOTS, made on the
 *	first touch of one of its offsets
 * @node: in sp.regions (sp.lock)
 * @reserved: pages reserved by mmap() (faults at or past it get SIGBUS)
 * @resident: slots
 * @merged: slots mapping a non-zero merged page
 * @zero: slots mapping the zero page
 * @owner: who opened the region, fixed at open()
 * @home: the region's domain: @owner's, or the named one it joined; it
 *	holds one of the domain's @regions; changes under sp.lock and @lock
 */
struct sp_region {
	struct mutex lock;	/* see above: this region's slots */
	struct address_space mapping;
	struct xarray chunks;
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
 * @lock: the scanner's and the administrator's: serialises both indexes,
 *	the region list, the domains (the list, their region counts and zero
 *	pages, every region's @home), @dead's reaping, @reserved and the scan
 *	cursor; faults take it only at serialise_faults=1
 * @regions: every open region, in scan order
 * @domains: owner and named domains with at least one region
 * @all: the all-owners domain, where every region merges at
 *	merge_across_owners=1; its @regions counts every region
 * @domain_seq: the id of the last domain made
 * @across: merge_across_owners, changed under @lock only while no merged
 *	page exists
 * @stable: merged pages by domain key (vmlab_sp_domain_key())
 * @unstable: private pages waiting for a twin, by domain key
 * @dead: merged pages whose last user left outside @lock (sp_reap())
 * @reap_work: reaps @dead when a page is put on it
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
	struct mutex lock;	/* see above: the scanner and administration */
	struct list_head regions;
	struct list_head domains;
	struct sp_domain all;
	u64 domain_seq;
	bool across;
	struct sp_index stable;
	struct sp_unstable unstable;
	struct llist_head dead;
	struct work_struct reap_work;
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

/* slots.c: the slots of a region */
struct sp_slot *sp_region_slot(struct sp_region *r, pgoff_t index);
struct sp_slot *sp_region_lookup(struct sp_region *r, pgoff_t index);
struct sp_slot *sp_region_next_slot(struct sp_region *r, pgoff_t *index);
void sp_region_free_chunks(struct sp_region *r);

/*
 * A waiting slot's key in sp.unstable: its hash in its region's domain now
 * (vmlab_sp_domain_key(), cut to 32 bits), under sp.lock.  A region's
 * domain changes (SET_DOMAIN, merge_across_owners) only after its waiting
 * slots have left (sp_region_unindex()).
 */
static inline u32 sp_unstable_key(struct sp_slot *slot)
{
	struct sp_domain *d = sp_region_domain(sp_slot_region(slot));

	return (u32)vmlab_sp_domain_key(slot->v.hash, d->id);
}

/* A private page waits for a twin in sp.unstable (under sp.lock). */
static inline void sp_unstable_add(struct sp_slot *slot)
{
	vmlab_sp_unstable_add(&sp.unstable, slot, sp_unstable_key(slot));
	sp_gauge(SP_PAGES_UNSHARED, 1);
}

/* It stops waiting; nothing happens when it was not waiting. */
static inline void sp_unstable_del(struct sp_slot *slot)
{
	if (vmlab_sp_unstable_del(&sp.unstable, slot, sp_unstable_key(slot)))
		sp_gauge(SP_PAGES_UNSHARED, -1);
}

/* merge.c: page operations, under the slot's region lock */
u64 sp_page_hash(struct page *page);
void sp_slot_free(struct sp_slot *slot);
void sp_slot_volatile_adjust(struct sp_slot *slot, bool was_volatile);
int sp_unshare(struct sp_slot *slot, int extra, gfp_t gfp);
void sp_merge(struct sp_slot *slot, u64 hash);
int sp_unmerge_all(void);
void sp_region_unindex(struct sp_region *r);
void sp_reap(void);
void sp_reap_work(struct work_struct *work);

/*
 * serialise_faults=1: faults and COW breaks take sp.lock around their
 * region's lock, as every fault did before per-region locking, so that a
 * benchmark can measure both designs in one VM run.  Read once per fault.
 */
static inline bool sp_fault_lock(struct sp_region *r)
{
	bool serialise = sp_tun(SPT_SERIALISE_FAULTS);

	if (serialise)
		mutex_lock(&sp.lock);
	mutex_lock(&r->lock);
	return serialise;
}

static inline void sp_fault_unlock(struct sp_region *r, bool serialised)
{
	mutex_unlock(&r->lock);
	if (serialised)
		mutex_unlock(&sp.lock);
}

/* fault.c */
extern const struct vm_operations_struct sp_vm_ops;

/* scan.c */
int sp_scan_start(void);
void sp_scan_stop(void);
void sp_scan_forget_region(struct sp_region *r);

#endif /* _VMLAB_SAMEPAGE_H */
