/* SPDX-License-Identifier: GPL-2.0 */
/*
 * samepage: a hash index of pages by content hash, on <linux/hashtable.h>.
 * Several nodes may hold the same key (equal content past
 * max_page_sharing, or a hash collision); lookups walk exactly the nodes
 * with the key asked for.  No locking: the caller serialises.  Exported,
 * to KUnit tests only (EXPORT_SYMBOL_IF_KUNIT), so that KUnit tests the
 * code the module runs.
 */
#ifndef _VMLAB_SAMEPAGE_INDEX_H
#define _VMLAB_SAMEPAGE_INDEX_H

#include <linux/hashtable.h>
#include <linux/types.h>

/*
 * 16384 buckets (128 KiB): the stable index holds one node per merged
 * page, at most half of max_pages; a longer chain only costs key compares.
 * (The unstable index is unstable.h's, chained through the slots.)
 */
#define SP_INDEX_BITS 14

struct sp_index {
	DECLARE_HASHTABLE(ht, SP_INDEX_BITS);
	unsigned long nr;
};

struct sp_inode {
	struct hlist_node node;
	u64 key;
};

void vmlab_sp_index_init(struct sp_index *ix);
void vmlab_sp_index_add(struct sp_index *ix, struct sp_inode *n, u64 key);
void vmlab_sp_index_del(struct sp_index *ix, struct sp_inode *n);
struct sp_inode *vmlab_sp_index_first(struct sp_index *ix, u64 key);
struct sp_inode *vmlab_sp_index_next(struct sp_inode *n);

static inline void sp_inode_init(struct sp_inode *n)
{
	INIT_HLIST_NODE(&n->node);
}

static inline bool sp_inode_hashed(const struct sp_inode *n)
{
	return !hlist_unhashed(&n->node);
}

#endif /* _VMLAB_SAMEPAGE_INDEX_H */
