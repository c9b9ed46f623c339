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

static struct sp_slot **sp_unstable_bucket(struct sp_unstable *u, u32 hash)
{
	return &u->bucket[hash_32(hash, SP_UNSTABLE_BITS)];
}

/* @slot waits, by its @v.hash, which must not change until it is deleted. */
void vmlab_sp_unstable_add(struct sp_unstable *u, struct sp_slot *slot)
{
	struct sp_slot **head = sp_unstable_bucket(u, slot->v.hash);

	slot->next = *head;
	*head = slot;
	slot->v.slot_indexed = 1;
	u->nr++;
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_sp_unstable_add);

/* False when @slot was not in the index: allowed, and nothing changes. */
bool vmlab_sp_unstable_del(struct sp_unstable *u, struct sp_slot *slot)
{
	struct sp_slot **p;

	if (!slot->v.slot_indexed)
		return false;
	/* @v.hash has not changed since the slot was added: same bucket. */
	for (p = sp_unstable_bucket(u, slot->v.hash); *p; p = &(*p)->next) {
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

/* The first waiting slot whose hash is @hash, or NULL. */
struct sp_slot *vmlab_sp_unstable_first(struct sp_unstable *u, u32 hash)
{
	struct sp_slot *slot;

	for (slot = *sp_unstable_bucket(u, hash); slot; slot = slot->next) {
		if (slot->v.hash == hash)
			return slot;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_sp_unstable_first);

/* The next waiting slot with @slot's hash, or NULL. */
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
