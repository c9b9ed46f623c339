// SPDX-License-Identifier: GPL-2.0
/*
 * samepage unstable index: private pages waiting for a twin, chained
 * through their own slots (struct sp_slot's @next), so that a waiting
 * page costs no index node of its own.
 */
#include <linux/bug.h>
#include <linux/hash.h>
#include <linux/module.h>

#include <vmlab/compat.h>	/* EXPORT_SYMBOL_IF_KUNIT() on every kernel */

#include "unstable.h"

static struct sp_slot **sp_unstable_bucket(struct sp_unstable *u, u32 key)
{
	return &u->bucket[hash_32(key, SP_UNSTABLE_BITS)];
}

/*
 * @slot waits in the bucket of @key: its @v.hash folded with its domain.
 * Neither may change until it is deleted, with the same @key.
 */
void vmlab_sp_unstable_add(struct sp_unstable *u, struct sp_slot *slot, u32 key)
{
	struct sp_slot **head = sp_unstable_bucket(u, key);

	slot->next = *head;
	*head = slot;
	slot->v.slot_indexed = 1;
	u->nr++;
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_sp_unstable_add);

/* False when @slot was not in the index: allowed, and nothing changes. */
bool vmlab_sp_unstable_del(struct sp_unstable *u, struct sp_slot *slot, u32 key)
{
	struct sp_slot **p;

	if (!slot->v.slot_indexed)
		return false;
	for (p = sp_unstable_bucket(u, key); *p; p = &(*p)->next) {
		if (*p == slot) {
			*p = slot->next;
			slot->next = NULL;
			slot->v.slot_indexed = 0;
			u->nr--;
			return true;
		}
	}
	WARN_ONCE(1, "samepage: a waiting page is missing from its bucket\n");
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_sp_unstable_del);

/*
 * The first waiting slot whose hash is @hash in the bucket of @key, or
 * NULL.  A bucket may also hold slots of other domains with that hash: the
 * caller checks the domain.
 */
struct sp_slot *vmlab_sp_unstable_first(struct sp_unstable *u, u32 key, u32 hash)
{
	struct sp_slot *slot;

	for (slot = *sp_unstable_bucket(u, key); slot; slot = slot->next) {
		if (slot->v.hash == hash)
			return slot;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_sp_unstable_first);

/* The next waiting slot with @slot's hash in @slot's bucket, or NULL. */
struct sp_slot *vmlab_sp_unstable_next(struct sp_slot *slot)
{
	u32 hash = slot->v.hash;

	for (slot = slot->next; slot; slot = slot->next) {
		if (slot->v.hash == hash)
			return slot;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_sp_unstable_next);
