// SPDX-License-Identifier: GPL-2.0
/*
 * samepage merge operations: join a page to a merged page, pair two equal
 * private pages into a new merged page, unshare on write, unmerge all.
 * Everything here runs under the lock of the slot's region; merging and
 * the indexes under sp.lock too (the lock order is in samepage.h).  A page
 * is compared only after its PTEs are zapped everywhere and with its page
 * lock held, so no writer can change it until the slot points at the
 * merged page; and only when no one else holds a reference to it (a GUP
 * pin, a fault in flight).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xxhash.h>

#include "samepage.h"

enum sp_try {
	SP_MERGED,	/* done */
	SP_BUSY,	/* locked or referenced elsewhere: try on a later visit */
	SP_RACED,	/* our page changed since it was hashed */
	SP_DIFFERENT,	/* not this one: try the next candidate */
};

u64 sp_page_hash(struct page *page)
{
	void *p = kmap_local_page(page);
	u64 h = xxh64(p, PAGE_SIZE, 0);

	kunmap_local(p);
	return h;
}

static bool sp_page_is_zero(struct page *page)
{
	void *p = kmap_local_page(page);
	bool zero = !memchr_inv(p, 0, PAGE_SIZE);

	kunmap_local(p);
	return zero;
}

static bool sp_pages_same(struct page *a, struct page *b)
{
	void *pa = kmap_local_page(a);
	void *pb = kmap_local_page(b);
	bool same = !memcmp(pa, pb, PAGE_SIZE);

	kunmap_local(pb);
	kunmap_local(pa);
	return same;
}

/* Every PTE of this slot, in every process: they refault and see the new page. */
static void sp_zap(struct sp_slot *slot)
{
	unmap_mapping_range(&sp_slot_region(slot)->mapping,
			    (loff_t)sp_slot_index(slot) << PAGE_SHIFT, PAGE_SIZE, 1);
}

/* After the zap, only the slot's own reference may remain. */
static bool sp_page_alone(struct page *page)
{
	return page_count(page) == 1 && !folio_mapped(page_folio(page));
}

/*
 * Add (@sign 1) or remove (-1) @s's share of the gauges, its domain's too;
 * under @s->lock, which keeps @s->users still.
 */
static void sp_stable_stats(struct sp_stable *s, long sign)
{
	long saved = s->users ? s->users - 1 : 0;
	long shared = s->users ? 1 : 0;

	if (s->zero) {
		sp_gauge(SP_ZERO_PAGES, sign * s->users);
	} else {
		sp_gauge(SP_PAGES_SHARED, sign * shared);
		sp_gauge(SP_PAGES_SHARING, sign * saved);
		atomic_long_add(sign * shared, &s->domain->shared);
		atomic_long_add(sign * saved, &s->domain->sharing);
	}
	sp_gauge(SP_BYTES_SAVED, sign * saved * (long)PAGE_SIZE);
}

/* Under @s->lock. */
static void sp_stable_users(struct sp_stable *s, int delta)
{
	lockdep_assert_held(&s->lock);
	sp_stable_stats(s, -1);
	s->users += delta;
	sp_stable_stats(s, 1);
}

/*
 * One more user for @s, unless it died since the caller found it.  Only
 * the scanner adds users, under sp.lock, so max_page_sharing checked
 * before still holds; users only leave meanwhile.
 */
static bool sp_stable_get(struct sp_stable *s)
{
	bool alive;

	spin_lock(&s->lock);
	alive = !s->dead;
	if (alive)
		sp_stable_users(s, 1);
	spin_unlock(&s->lock);
	return alive;
}

/*
 * Free @s, which no slot maps, under sp.lock.  stable_nodes no longer
 * counts it: it went down when @s died, so that it reads the same whether
 * the scanner has reaped it yet or not.
 */
static void sp_stable_free(struct sp_stable *s)
{
	lockdep_assert_held(&sp.lock);
	if (s->zero) {
		if (s->domain->zero == s)
			s->domain->zero = NULL;
	} else {
		vmlab_sp_index_del(&sp.stable, &s->inode);
	}
	if (!s->page_given)
		put_page(s->page);
	kfree(s);
	sp_gauge(SP_METADATA_BYTES, -(long)kmalloc_size_roundup(sizeof(*s)));
}

/*
 * Free the merged pages that died in COW breaks.  Under sp.lock: before
 * each scanner visit, before a domain can be freed (their ->domain), and
 * wherever the gauges must be exact.
 */
void sp_reap(void)
{
	struct llist_node *list = llist_del_all(&sp.dead);
	struct sp_stable *s, *next;

	llist_for_each_entry_safe(s, next, list, reap)
		sp_stable_free(s);
}

/* @zero: the merged page is a zero page (read before its use is dropped). */
static void sp_region_count(struct sp_slot *slot, bool zero, int delta)
{
	struct sp_region *r = sp_slot_region(slot);

	if (zero)
		r->zero += delta;
	else
		r->merged += delta;
}

void sp_slot_volatile_adjust(struct sp_slot *slot, bool was_volatile)
{
	bool now = sp_vstate_volatile(&slot->v);

	if (now != was_volatile)
		sp_gauge(SP_PAGES_VOLATILE, now ? 1 : -1);
}

/*
 * @slot now maps @s instead of its private page @old (locked, caller
 * unlocks); the caller counted @slot in @s->users.
 */
static void sp_slot_join(struct sp_slot *slot, struct sp_stable *s)
{
	bool was = sp_vstate_volatile(&slot->v);

	sp_unstable_del(slot);
	/* The scanner's lockless walk reads it (sp_region_next_slot()). */
	WRITE_ONCE(slot->page, s->page);
	slot->stable = s;
	slot->v.slot_merged = 1;
	sp_region_count(slot, s->zero, 1);
	slot->v.level = 0;
	slot->v.skip = 0;
	sp_slot_volatile_adjust(slot, was);
	sp_count(SP_MERGES);
}

/*
 * The region is going away, under sp.lock: no PTE maps the slot any more.
 * Its page goes; the slot itself goes with its chunk.
 */
void sp_slot_free(struct sp_slot *slot)
{
	sp_unstable_del(slot);
	if (sp_vstate_volatile(&slot->v))
		sp_gauge(SP_PAGES_VOLATILE, -1);
	if (slot->v.slot_merged) {
		struct sp_stable *s = slot->stable;
		bool last;

		sp_region_count(slot, s->zero, -1);
		spin_lock(&s->lock);
		sp_stable_users(s, -1);
		last = !s->users;
		if (last)
			s->dead = true;
		spin_unlock(&s->lock);
		if (last) {
			sp_gauge(SP_STABLE_NODES, -1);
			sp_stable_free(s);
		}
	} else {
		put_page(slot->page);
	}
	/* Nothing of it may outlive this: a freed merged page least of all. */
	*slot = (struct sp_slot){};
	sp_gauge(SP_PAGES_RESIDENT, -1);
}

/*
 * @s lost its last user outside sp.lock: sp_reap() frees it, from a work
 * item, so that it goes soon even while the scanner is stopped.  Already
 * marked dead, so no one else can find a use for it.
 */
static void sp_stable_retire(struct sp_stable *s)
{
	sp_gauge(SP_STABLE_NODES, -1);
	if (llist_add(&s->reap, &sp.dead))
		schedule_work(&sp.reap_work);
}

void sp_reap_work(struct work_struct *work)
{
	mutex_lock(&sp.lock);
	sp_reap();
	mutex_unlock(&sp.lock);
}

/**
 * sp_unshare - give a slot that maps a merged page its own page
 * @slot: a slot with ->stable set; its page is locked by the caller, who
 *	holds the slot's region lock
 * @extra: page references the caller holds besides the merged page's own;
 *	at least 1, so that the locked page outlives the merged page's own
 *	reference, which is dropped (by sp_reap()) when @slot was the last user
 * @gfp: for the copy: SP_GFP_USER charges it to the writer's memory cgroup
 *
 * The slot's PTEs are zapped in every case, so its next access refaults.
 * The last user takes the merged page over in place when no one else holds
 * a reference (a GUP pin taken through a slot that has since left must
 * not see this slot's writes); otherwise the slot gets a copy, and when it
 * was the last user the merged page is released all the same: whoever
 * else holds a reference (a racing write fault, a pin) frees it with the
 * last put_page().
 *
 * Slots of other regions may unshare the same merged page at the same
 * time: each one's decision, last user or not, is taken and acted on in
 * one hold of @s->lock, and a last user marks it dead there, before it
 * lets go of the lock, so that the scanner cannot join a slot to a page
 * about to be handed over.  A slot that is not the last user allocates
 * its copy first: once its use is dropped it cannot take it back.
 *
 * Return: 0 when the page was taken over, 1 when the slot got a copy,
 * -ENOMEM when the copy could not be allocated (nothing changed).
 */
int sp_unshare(struct sp_slot *slot, int extra, gfp_t gfp)
{
	struct sp_stable *s = slot->stable;
	/* Once our use is dropped another slot may free @s: read these now. */
	struct page *merged = s->page;
	bool zero = s->zero;
	gfp_t copy_gfp = gfp | (zero ? __GFP_ZERO : 0);
	struct page *copy = NULL;
	bool last;

	lockdep_assert_held(&sp_slot_region(slot)->lock);
	for (;;) {
		spin_lock(&s->lock);
		last = s->users == 1;
		if (last) {
			s->dead = true;
			spin_unlock(&s->lock);
			break;
		}
		if (copy) {
			sp_stable_users(s, -1);
			spin_unlock(&s->lock);
			break;
		}
		spin_unlock(&s->lock);
		copy = alloc_page(copy_gfp);
		if (!copy)
			goto nomem;
	}
	if (last) {
		sp_zap(slot);
		if (page_count(merged) == 1 + extra) {
			if (copy)
				put_page(copy);
			sp_region_count(slot, zero, -1);
			spin_lock(&s->lock);
			sp_stable_users(s, -1);
			spin_unlock(&s->lock);
			s->page_given = true;
			slot->stable = NULL;
			slot->v.slot_merged = 0;
			sp_stable_retire(s);
			sp_count(SP_COW_REUSES);
			return 0;
		}
		if (!copy)
			copy = alloc_page(copy_gfp);
		spin_lock(&s->lock);
		if (!copy) {
			/* Still the only user: no one else could join or leave. */
			s->dead = false;
			spin_unlock(&s->lock);
			goto nomem;
		}
		sp_stable_users(s, -1);
		spin_unlock(&s->lock);
		sp_stable_retire(s);
	}
	/*
	 * @merged outlives @s: the caller's reference.  Its content cannot
	 * change: it is locked, so no last user can take it over.
	 */
	if (!zero)
		copy_highpage(copy, merged);
	sp_region_count(slot, zero, -1);
	WRITE_ONCE(slot->page, copy);
	slot->stable = NULL;
	slot->v.slot_merged = 0;
	sp_zap(slot);
	return 1;

nomem:
	sp_count(SP_ALLOC_FAILURES);
	return -ENOMEM;
}

/* Lock, zap and check the private page of @slot before it is compared. */
static enum sp_try sp_isolate(struct sp_slot *slot)
{
	struct page *page = slot->page;

	if (!trylock_page(page))
		return SP_BUSY;
	sp_zap(slot);
	if (!sp_page_alone(page)) {
		unlock_page(page);
		return SP_BUSY;
	}
	return SP_MERGED;
}

static enum sp_try sp_try_join(struct sp_slot *slot, struct sp_stable *s,
			       u64 hash)
{
	struct page *old = slot->page;

	if (sp_isolate(slot) != SP_MERGED)
		return SP_BUSY;
	if (!sp_pages_same(old, s->page)) {
		bool raced = sp_page_hash(old) != hash;

		unlock_page(old);
		if (raced)
			return SP_RACED;
		sp_count(SP_HASH_COLLISIONS);
		return SP_DIFFERENT;
	}
	/* Its last user left while we compared (and may write it now). */
	if (!sp_stable_get(s)) {
		unlock_page(old);
		return SP_RACED;
	}
	sp_slot_join(slot, s);
	unlock_page(old);
	put_page(old);
	return SP_MERGED;
}

/* A merged page, ready for its first two users; not yet findable. */
static struct sp_stable *sp_stable_new(struct page *page, struct sp_domain *d,
				       bool zero)
{
	struct sp_stable *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s) {
		sp_count(SP_ALLOC_FAILURES);
		return NULL;
	}
	s->page = page;
	s->domain = d;
	s->zero = zero;
	spin_lock_init(&s->lock);
	sp_inode_init(&s->inode);
	sp_gauge(SP_STABLE_NODES, 1);
	sp_gauge(SP_METADATA_BYTES, kmalloc_size_roundup(sizeof(*s)));
	return s;
}

/*
 * Two private pages with equal content: @twin's page becomes the merged
 * one.  The caller holds both slots' region locks.
 */
static enum sp_try sp_try_pair(struct sp_slot *slot, struct sp_slot *twin,
			       struct sp_domain *d, u64 hash)
{
	struct page *old = slot->page, *keep = twin->page;
	struct sp_stable *s;
	enum sp_try ret;

	lockdep_assert_held(&sp_slot_region(twin)->lock);
	if (sp_isolate(slot) != SP_MERGED)
		return SP_BUSY;
	if (sp_isolate(twin) != SP_MERGED) {
		ret = SP_BUSY;
		goto unlock_old;
	}
	if (!sp_pages_same(old, keep)) {
		if (sp_page_hash(old) != hash) {
			ret = SP_RACED;
		} else if ((u32)sp_page_hash(keep) != twin->v.hash) {
			/* The twin changed: it is re-indexed on its next visit. */
			sp_unstable_del(twin);
			ret = SP_DIFFERENT;
		} else {
			sp_count(SP_HASH_COLLISIONS);
			ret = SP_DIFFERENT;
		}
		goto unlock_both;
	}
	/* The twin's page reference becomes the merged page's. */
	s = sp_stable_new(keep, d, false);
	if (!s) {
		ret = SP_BUSY;
		goto unlock_both;
	}
	sp_stable_get(s);
	sp_stable_get(s);
	vmlab_sp_index_add(&sp.stable, &s->inode, vmlab_sp_domain_key(hash, d->id));
	sp_slot_join(twin, s);
	sp_slot_join(slot, s);
	unlock_page(keep);
	unlock_page(old);
	put_page(old);
	return SP_MERGED;

unlock_both:
	unlock_page(keep);
unlock_old:
	unlock_page(old);
	return ret;
}

/* Each domain has a zero page of its own: no physical page spans domains. */
static enum sp_try sp_try_zero(struct sp_slot *slot, struct sp_domain *d)
{
	struct page *old = slot->page;
	struct sp_stable *s = d->zero;

	if (sp_isolate(slot) != SP_MERGED)
		return SP_BUSY;
	if (!sp_page_is_zero(old)) {
		unlock_page(old);
		return SP_RACED;
	}
	if (s) {
		/* A zero page that died waits for sp_reap() to be replaced. */
		if (!sp_stable_get(s)) {
			unlock_page(old);
			return SP_BUSY;
		}
		sp_slot_join(slot, s);
		unlock_page(old);
		put_page(old);
		return SP_MERGED;
	}
	/* The first zero page becomes the zero page: its reference moves. */
	s = sp_stable_new(old, d, true);
	if (!s) {
		unlock_page(old);
		return SP_BUSY;
	}
	sp_stable_get(s);
	d->zero = s;
	sp_slot_join(slot, s);
	unlock_page(old);
	return SP_MERGED;
}

static void sp_tried(enum sp_try ret)
{
	if (ret == SP_BUSY)
		sp_count(SP_MERGE_BUSY);
	else if (ret == SP_RACED)
		sp_count(SP_MERGE_RACED);
}

/**
 * sp_merge - find a page equal to @slot's private page and merge with it
 * @slot: a private slot that the policy made a candidate
 * @hash: its content hash at this visit
 *
 * Merged pages first (up to max_page_sharing users each), then private
 * pages waiting in the unstable index; failing both, @slot waits there.
 * Only pages of @slot's domain are candidates: the domain is folded into
 * the index key, and checked again on every node the key finds (see
 * vmlab_sp_domain_key() for why both).
 *
 * Under sp.lock and @slot's region lock.  A twin in another region is
 * locked here, nested: only the scanner holds two region locks, and only
 * under sp.lock, so no order between regions is needed.
 */
void sp_merge(struct sp_slot *slot, u64 hash)
{
	unsigned int max_sharing = sp_tun(SPT_MAX_PAGE_SHARING);
	struct sp_region *r = sp_slot_region(slot);
	struct sp_domain *d = sp_region_domain(r);
	u64 key = vmlab_sp_domain_key(hash, d->id);
	struct sp_slot *twin, *next;
	struct sp_inode *n, *tmp;
	enum sp_try ret;

	sp_unstable_del(slot);
	if (sp_tun(SPT_USE_ZERO_PAGES) && sp_page_is_zero(slot->page)) {
		sp_tried(sp_try_zero(slot, d));
		return;
	}
	for (n = vmlab_sp_index_first(&sp.stable, key); n; n = tmp) {
		struct sp_stable *s = container_of(n, struct sp_stable, inode);

		tmp = vmlab_sp_index_next(n);

		/* Dead ones are not worth a compare; users only drop meanwhile. */
		if (s->domain != d || READ_ONCE(s->dead) ||
		    READ_ONCE(s->users) >= max_sharing)
			continue;
		ret = sp_try_join(slot, s, hash);
		if (ret != SP_DIFFERENT) {
			sp_tried(ret);
			return;
		}
	}
	/* The walk survives a stale twin being dropped from the index. */
	for (twin = vmlab_sp_unstable_first(&sp.unstable, (u32)key, (u32)hash); twin;
	     twin = next) {
		struct sp_region *tr = sp_slot_region(twin);

		next = vmlab_sp_unstable_next(twin);

		if (sp_region_domain(tr) != d)
			continue;
		if (tr != r)
			mutex_lock_nested(&tr->lock, SINGLE_DEPTH_NESTING);
		ret = sp_try_pair(slot, twin, d, hash);
		if (tr != r)
			mutex_unlock(&tr->lock);
		if (ret != SP_DIFFERENT) {
			sp_tried(ret);
			return;
		}
	}
	sp_unstable_add(slot);
}

/*
 * @r's domain changed: its waiting pages leave the unstable index, whose
 * keys name the old domain, and are indexed again on their next visit.
 */
void sp_region_unindex(struct sp_region *r)
{
	struct sp_slot *slot;
	pgoff_t idx = 0;

	while ((slot = sp_region_next_slot(r, &idx))) {
		sp_unstable_del(slot);
		cond_resched();
	}
}

/*
 * run=2: every slot gets its own page again.  Page locks are only tried
 * under the locks; a page locked by a fault in flight is retried after
 * they are dropped.  The merged pages that COW breaks left are freed at
 * the end, so that the gauges read 0 when this returns.
 */
/* 0 when @slot maps no merged page now, 1 when it is busy, or -ENOMEM. */
static int sp_unmerge_slot(struct sp_slot *slot)
{
	struct page *page;
	int ret = 0;

	mutex_lock(&sp_slot_region(slot)->lock);
	page = slot->page;
	if (!slot->v.slot_merged)
		goto unlock;
	/* Our reference keeps the page while it is locked: s may die. */
	get_page(page);
	if (!trylock_page(page)) {
		ret = 1;
		goto put;
	}
	/*
	 * Not charged: the copies are for every process that maps the
	 * region, not for the writer of run.
	 */
	ret = sp_unshare(slot, 1, GFP_HIGHUSER);
	unlock_page(page);
	if (ret >= 0) {
		sp_count(SP_UNMERGES);
		ret = 0;
	}
put:
	put_page(page);
unlock:
	mutex_unlock(&sp_slot_region(slot)->lock);
	return ret;
}

int sp_unmerge_all(void)
{
	struct sp_region *r;
	struct sp_slot *slot;
	pgoff_t idx;
	bool busy;
	int ret;

	do {
		busy = false;
		mutex_lock(&sp.lock);
		list_for_each_entry(r, &sp.regions, node) {
			idx = 0;
			while ((slot = sp_region_next_slot(r, &idx))) {
				ret = sp_unmerge_slot(slot);
				if (ret < 0)
					goto unlock;
				busy |= ret;
				cond_resched();
			}
		}
		ret = 0;
		sp_reap();
unlock:
		mutex_unlock(&sp.lock);
		if (ret)
			return ret;
		if (busy) {
			if (fatal_signal_pending(current))
				return -EINTR;
			schedule_timeout_uninterruptible(1);
		}
	} while (busy);
	return 0;
}
