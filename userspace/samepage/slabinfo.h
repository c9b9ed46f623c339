/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/slabinfo (version 2.1) as numbers, and what a cache grew by
 * between two readings: how the samepage benchmarks tell the memory a
 * scanner's bookkeeping costs per page.  Pure parsing, tested on the host
 * by test_slabinfo.
 */
#ifndef _SAMEPAGE_SLABINFO_H
#define _SAMEPAGE_SLABINFO_H

#include <stddef.h>

struct slab_cache {
	char name[64];
	long long active_objs, num_objs, objsize, pagesperslab, num_slabs;
};

struct slab_snapshot {
	struct slab_cache *caches;
	size_t n;
};

/* What one cache grew by: objects, their bytes, and whole slabs' bytes. */
struct slab_growth {
	long long objs, obj_bytes, slab_bytes;
};

/* 0, or -1 when @text is not slabinfo 2.1 (or out of memory). */
int slab_parse(const char *text, struct slab_snapshot *s);
/* 0, or -1: /proc/slabinfo read and parsed into @s. */
int slab_read(struct slab_snapshot *s);
const struct slab_cache *slab_find(const struct slab_snapshot *s, const char *name);
/*
 * @name's growth from @before to @after with @page_size-byte pages; a
 * cache missing from one reading counts as empty there.
 */
struct slab_growth slab_grew(const struct slab_snapshot *before,
			     const struct slab_snapshot *after, const char *name,
			     long long page_size);
void slab_free(struct slab_snapshot *s);

#endif /* _SAMEPAGE_SLABINFO_H */
