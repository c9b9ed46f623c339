/* SPDX-License-Identifier: GPL-2.0 */
/*
 * samepage: a hash index of pages by content hash.  Several nodes may hold
 * the same key (equal content past max_page_sharing, or a hash collision);
 * lookups walk exactly the nodes with the key asked for.  No locking: the
 * caller serialises.  Exported so that KUnit tests the code the module runs.
 */
#ifndef _VMLAB_SAMEPAGE_INDEX_H
#define _VMLAB_SAMEPAGE_INDEX_H

#include <linux/list.h>
#include <linux/types.h>

struct sp_index {
	struct hlist_head *buckets;
	unsigned int bits;
	unsigned long nr;
};

struct sp_inode {
	struct hlist_node node;
	u64 key;
};

int vmlab_sp_index_init(struct sp_index *ix, unsigned int bits);
void vmlab_sp_index_destroy(struct sp_index *ix);
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
