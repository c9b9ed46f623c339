/* SPDX-License-Identifier: GPL-2.0 */
/*
 * samepage: what the module keeps per page offset of a region, and where.
 * Pure layout, no locking (samepage.h says which lock guards which field).
 */
#ifndef _VMLAB_SAMEPAGE_SLOT_H
#define _VMLAB_SAMEPAGE_SLOT_H

#include <linux/types.h>

#include "policy.h"

struct page;
struct sp_stable;
struct sp_region;

/**
 * struct sp_slot - one page offset of a region
 * @page: the private page (this struct holds a reference) or the merged
 *	page; NULL until the offset is first touched
 * @next: while private and waiting for a twin: the next slot in its
 *	sp.unstable bucket (@v.slot_indexed)
 * @stable: while merged (@v.slot_merged): the merged page mapped here
 * @v: volatility state, and the two flags above
 *
 * 24 bytes: the region and the page offset are implied by where the slot
 * sits (struct sp_chunk).  A slot is never in sp.unstable and merged at
 * once, so @next and @stable share their place.  @page, @stable and @v
 * change under the region's lock; @next and @v.slot_indexed under sp.lock.
 */
struct sp_slot {
	struct page *page;
	union {
		struct sp_slot *next;
		struct sp_stable *stable;
	};
	struct sp_vstate v;
};

/*
 * Slots come in chunks of one 2 KiB allocation, which kmalloc aligns to
 * its size: a slot finds its chunk, hence its region and offset, by
 * masking its own address.  84 slots of 24 bytes and a 16-byte header fill
 * 2032 bytes: 24.4 bytes a page, where a slot of its own with the region,
 * the offset and an index node was 72 bytes in a 96-byte object.
 */
#define SP_CHUNK_BYTES	2048
#define SP_CHUNK_SLOTS	((SP_CHUNK_BYTES - 2 * sizeof(long)) / sizeof(struct sp_slot))

/**
 * struct sp_chunk - SP_CHUNK_SLOTS consecutive slots of one region
 * @region: owner
 * @first: page offset of @slots[0]
 * @slots: the slots
 */
struct sp_chunk {
	struct sp_region *region;
	unsigned long first;
	struct sp_slot slots[SP_CHUNK_SLOTS];
};

static inline struct sp_chunk *sp_slot_chunk(const struct sp_slot *slot)
{
	return (struct sp_chunk *)((unsigned long)slot & ~(SP_CHUNK_BYTES - 1UL));
}

static inline struct sp_region *sp_slot_region(const struct sp_slot *slot)
{
	return sp_slot_chunk(slot)->region;
}

static inline pgoff_t sp_slot_index(const struct sp_slot *slot)
{
	struct sp_chunk *c = sp_slot_chunk(slot);

	return c->first + (slot - c->slots);
}

/* The merged page @slot maps, or NULL while it is private. */
static inline struct sp_stable *sp_slot_stable(const struct sp_slot *slot)
{
	return slot->v.slot_merged ? slot->stable : NULL;
}

#endif /* _VMLAB_SAMEPAGE_SLOT_H */
