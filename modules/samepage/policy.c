// SPDX-License-Identifier: GPL-2.0
/*
 * samepage volatility policy.  A page that changed since the scanner last
 * saw it, or that was written soon after a merge, backs off exponentially
 * (1, 3, 7 ... 63 visits); each visit that finds it unchanged lowers the
 * level again.  With stable_scans=0 a page merges on its first visit, so
 * the scanner converges in one full scan where KSM needs two.
 */
#include <linux/minmax.h>
#include <linux/module.h>

#include <vmlab/compat.h>	/* EXPORT_SYMBOL_IF_KUNIT() on every kernel */

#include "policy.h"

static void sp_raise(struct sp_vstate *v)
{
	v->level = min_t(u8, v->level + 1, SP_MAX_LEVEL);
	v->skip = (1U << v->level) - 1;
	v->unchanged = 0;
}

bool vmlab_sp_visit_skip(struct sp_vstate *v)
{
	if (!v->skip)
		return false;
	v->skip--;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_sp_visit_skip);

enum sp_verdict vmlab_sp_visit(struct sp_vstate *v, u64 hash,
			       unsigned int stable_scans)
{
	if (v->hashed && v->hash != (u32)hash) {
		v->hash = (u32)hash;
		sp_raise(v);
		return SP_CHANGED;
	}
	if (v->hashed) {
		if (v->unchanged < U8_MAX)
			v->unchanged++;
		if (v->level)
			v->level--;
	}
	v->hash = (u32)hash;
	v->hashed = 1;
	return v->unchanged >= stable_scans ? SP_CANDIDATE : SP_WAIT;
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_sp_visit);

void vmlab_sp_penalize(struct sp_vstate *v)
{
	sp_raise(v);
	/* The next visit after the backoff sees new content: not a change. */
	v->hashed = 0;
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_sp_penalize);
