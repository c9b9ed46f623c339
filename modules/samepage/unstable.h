/* SPDX-License-Identifier: GPL-2.0 */
/*
 * samepage: the unstable index.  No locking: the caller serialises (the
 * module, with sp.lock).  Exported, to KUnit tests only
 * (EXPORT_SYMBOL_IF_KUNIT), so that KUnit tests the code the module runs.
 */
#ifndef _VMLAB_SAMEPAGE_UNSTABLE_H
#define _VMLAB_SAMEPAGE_UNSTABLE_H

#include <linux/types.h>

#include "slot.h"

/*
 * sp.unstable: private pages waiting for a twin, in buckets by a key that
 * folds the low 32 bits of their content hash (@v.hash) with their merge
 * domain, so that one content held in many domains does not make one long
 * chain; neither changes while they wait.  Chained through sp_slot.next:
 * singly linked, to keep the slot small; deleting walks the bucket, which
 * holds a few slots.  Keys of two domains may share a bucket: the lookup's
 * caller checks the domain.
 */
#define SP_UNSTABLE_BITS 15

struct sp_unstable {
	struct sp_slot *bucket[1 << SP_UNSTABLE_BITS];
	unsigned long nr;
};

void vmlab_sp_unstable_add(struct sp_unstable *u, struct sp_slot *slot, u32 key);
bool vmlab_sp_unstable_del(struct sp_unstable *u, struct sp_slot *slot, u32 key);
struct sp_slot *vmlab_sp_unstable_first(struct sp_unstable *u, u32 key, u32 hash);
struct sp_slot *vmlab_sp_unstable_next(struct sp_slot *slot);

#endif /* _VMLAB_SAMEPAGE_UNSTABLE_H */
