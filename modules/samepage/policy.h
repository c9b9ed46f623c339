/* SPDX-License-Identifier: GPL-2.0 */
/*
 * samepage: the per-page volatility policy.  Pure logic, no locking: the
 * caller serialises visits to one page.  Exported, to KUnit tests only
 * (EXPORT_SYMBOL_IF_KUNIT), so that KUnit tests the code the scanner runs.
 */
#ifndef _VMLAB_SAMEPAGE_POLICY_H
#define _VMLAB_SAMEPAGE_POLICY_H

#include <linux/types.h>

/* Backoff doubles per level: a page at level L sits out 2^L - 1 visits. */
#define SP_MAX_LEVEL 6

/**
 * struct sp_vstate - what the scanner remembers about one page
 * @hash: low 32 bits of the content hash at the last visit that hashed
 *	the page: enough to see a change (the merge compares bytes anyway)
 * @level: volatility level, 0 when the page looks stable
 * @skip: visits left to sit out before the page is hashed again
 * @unchanged: consecutive visits that found the same hash
 * @hashed: @hash is valid
 * @slot_merged: the slot's, not the policy's (see struct sp_slot)
 * @slot_indexed: the slot's, not the policy's
 *
 * Eight bytes, so that a slot is 24: the slot keeps its two flags in the
 * spare bits here, and the policy never reads or writes them.
 */
struct sp_vstate {
	u32 hash;
	u8 level;
	u8 skip;
	u8 unchanged;
	u8 hashed:1;
	u8 slot_merged:1;
	u8 slot_indexed:1;
};

enum sp_verdict {
	SP_SKIP,	/* backing off: do not even hash */
	SP_CHANGED,	/* content changed since the last visit: volatile */
	SP_WAIT,	/* unchanged, but not for stable_scans visits yet */
	SP_CANDIDATE,	/* try to merge */
};

/* Called before hashing: true when this visit must be sat out. */
bool vmlab_sp_visit_skip(struct sp_vstate *v);

/* Called with the page's current hash when vmlab_sp_visit_skip() said no. */
enum sp_verdict vmlab_sp_visit(struct sp_vstate *v, u64 hash,
			       unsigned int stable_scans);

/* A merged page was written (COW break): back off before merging it again. */
void vmlab_sp_penalize(struct sp_vstate *v);

static inline bool sp_vstate_volatile(const struct sp_vstate *v)
{
	return v->level > 0;
}

#endif /* _VMLAB_SAMEPAGE_POLICY_H */
