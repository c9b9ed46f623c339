// SPDX-License-Identifier: GPL-2.0
/*
 * samepage slots: where a region keeps the state of each page offset, in
 * chunks (struct sp_chunk in slot.h), made on first touch.
 */
#include <linux/align.h>
#include <linux/build_bug.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "samepage.h"

/* A slot is two pointers and this: any padding here costs every page. */
static_assert(sizeof(struct sp_vstate) == 8);

/* Charged to the faulting process's memory cgroup, like its pages. */
static struct sp_chunk *sp_chunk_alloc(void)
{
	struct sp_chunk *c;

	BUILD_BUG_ON(sizeof(struct sp_chunk) > SP_CHUNK_BYTES);
	c = kzalloc(SP_CHUNK_BYTES, GFP_KERNEL_ACCOUNT);
	/* kmalloc() aligns a power-of-two size to itself: sp_slot_chunk(). */
	if (c && WARN_ON_ONCE(!IS_ALIGNED((unsigned long)c, SP_CHUNK_BYTES))) {
		kfree(c);
		return NULL;
	}
	return c;
}

/**
 * sp_region_slot - the slot of page offset @index of @r, under @r's lock
 * @r: the region
 * @index: page offset, below @r->reserved
 *
 * Makes @index's chunk if it does not exist yet, under the lock: that is
 * one fault in SP_CHUNK_SLOTS, and only faults of @r wait for it.
 *
 * Return: the slot (its page is NULL until the offset is first touched),
 * or ERR_PTR(-ENOMEM).
 */
struct sp_slot *sp_region_slot(struct sp_region *r, pgoff_t index)
{
	unsigned long ci = index / SP_CHUNK_SLOTS;
	struct sp_chunk *c = xa_load(&r->chunks, ci);
	int err;

	lockdep_assert_held(&r->lock);
	if (!c) {
		c = sp_chunk_alloc();
		if (!c)
			return ERR_PTR(-ENOMEM);
		c->region = r;
		c->first = ci * SP_CHUNK_SLOTS;
		err = xa_err(xa_store(&r->chunks, ci, c, GFP_KERNEL));
		if (err) {
			kfree(c);
			return ERR_PTR(err);
		}
		sp_gauge(SP_METADATA_BYTES, SP_CHUNK_BYTES);
	}
	return &c->slots[index - c->first];
}

/* The slot of page offset @index of @r, or NULL when its chunk is not made. */
struct sp_slot *sp_region_lookup(struct sp_region *r, pgoff_t index)
{
	struct sp_chunk *c = xa_load(&r->chunks, index / SP_CHUNK_SLOTS);

	return c ? &c->slots[index - c->first] : NULL;
}

/*
 * The first touched slot of @r at page offset @index or after, and @index
 * moved past it; NULL when there is none.  Without @r's lock: a slot's
 * page only goes from NULL to a page (until the region is released, under
 * sp.lock), so a slot seen touched stays touched.
 */
struct sp_slot *sp_region_next_slot(struct sp_region *r, pgoff_t *index)
{
	unsigned long ci = *index / SP_CHUNK_SLOTS;
	struct sp_chunk *c;
	unsigned long i;

	while ((c = xa_find(&r->chunks, &ci, ULONG_MAX, XA_PRESENT))) {
		for (i = max(*index, c->first) - c->first; i < SP_CHUNK_SLOTS; i++) {
			if (READ_ONCE(c->slots[i].page)) {
				*index = c->first + i + 1;
				return &c->slots[i];
			}
		}
		ci++;
	}
	return NULL;
}

/* The region is gone, its slots freed (sp_slot_free()): now their chunks. */
void sp_region_free_chunks(struct sp_region *r)
{
	struct sp_chunk *c;
	unsigned long ci;

	xa_for_each(&r->chunks, ci, c) {
		kfree(c);
		sp_gauge(SP_METADATA_BYTES, -SP_CHUNK_BYTES);
	}
	xa_destroy(&r->chunks);
}
