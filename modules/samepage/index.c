// SPDX-License-Identifier: GPL-2.0
/*
 * samepage hash index: a fixed array of hlist buckets.  Keys are content
 * hashes already, but hash_64() spreads them anyway so that a table with
 * few bits still uses every bucket.
 */
#include <linux/hash.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "index.h"

int vmlab_sp_index_init(struct sp_index *ix, unsigned int bits)
{
	if (!bits || bits > 24)
		return -EINVAL;
	ix->buckets = kvcalloc(1UL << bits, sizeof(*ix->buckets), GFP_KERNEL);
	if (!ix->buckets)
		return -ENOMEM;
	ix->bits = bits;
	ix->nr = 0;
	return 0;
}
EXPORT_SYMBOL_GPL(vmlab_sp_index_init);

void vmlab_sp_index_destroy(struct sp_index *ix)
{
	kvfree(ix->buckets);
	ix->buckets = NULL;
}
EXPORT_SYMBOL_GPL(vmlab_sp_index_destroy);

void vmlab_sp_index_add(struct sp_index *ix, struct sp_inode *n, u64 key)
{
	n->key = key;
	hlist_add_head(&n->node, &ix->buckets[hash_64(key, ix->bits)]);
	ix->nr++;
}
EXPORT_SYMBOL_GPL(vmlab_sp_index_add);

void vmlab_sp_index_del(struct sp_index *ix, struct sp_inode *n)
{
	if (!sp_inode_hashed(n))
		return;
	hlist_del_init(&n->node);
	ix->nr--;
}
EXPORT_SYMBOL_GPL(vmlab_sp_index_del);

static struct sp_inode *sp_index_scan(struct hlist_node *pos, u64 key)
{
	for (; pos; pos = pos->next) {
		struct sp_inode *n = hlist_entry(pos, struct sp_inode, node);

		if (n->key == key)
			return n;
	}
	return NULL;
}

struct sp_inode *vmlab_sp_index_first(struct sp_index *ix, u64 key)
{
	return sp_index_scan(ix->buckets[hash_64(key, ix->bits)].first, key);
}
EXPORT_SYMBOL_GPL(vmlab_sp_index_first);

struct sp_inode *vmlab_sp_index_next(struct sp_inode *n)
{
	return sp_index_scan(n->node.next, n->key);
}
EXPORT_SYMBOL_GPL(vmlab_sp_index_next);
