// SPDX-License-Identifier: GPL-2.0
/*
 * samepage hash index on <linux/hashtable.h>.  Keys are content hashes
 * already; hash_add() spreads them with hash_64() anyway, which costs
 * nothing worth avoiding.  Lookups filter a bucket's chain by the full
 * key, so keys that share a bucket never see each other's nodes.
 */
#include <linux/module.h>

#include <vmlab/compat.h>	/* EXPORT_SYMBOL_IF_KUNIT() on every kernel */

#include "index.h"

void vmlab_sp_index_init(struct sp_index *ix)
{
	hash_init(ix->ht);
	ix->nr = 0;
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_sp_index_init);

void vmlab_sp_index_add(struct sp_index *ix, struct sp_inode *n, u64 key)
{
	n->key = key;
	hash_add(ix->ht, &n->node, key);
	ix->nr++;
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_sp_index_add);

/* Deleting a node that is not in the index is allowed and does nothing. */
void vmlab_sp_index_del(struct sp_index *ix, struct sp_inode *n)
{
	if (!hash_hashed(&n->node))
		return;
	hash_del(&n->node);
	ix->nr--;
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_sp_index_del);

struct sp_inode *vmlab_sp_index_first(struct sp_index *ix, u64 key)
{
	struct sp_inode *n;

	hash_for_each_possible(ix->ht, n, node, key) {
		if (n->key == key)
			return n;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_sp_index_first);

/* The next node after @n with @n's key: the rest of @n's bucket. */
struct sp_inode *vmlab_sp_index_next(struct sp_inode *n)
{
	u64 key = n->key;

	hlist_for_each_entry_continue(n, node) {
		if (n->key == key)
			return n;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_sp_index_next);
