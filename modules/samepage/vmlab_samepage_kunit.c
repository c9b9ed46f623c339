// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for samepage's indexes, slot layout, volatility policy and
 * merge domains: the code the module runs (exported by vmlab_samepage),
 * driven through its edges.
 */
#include <kunit/test.h>
#include <linux/hash.h>
#include <linux/hashtable.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <vmlab/compat.h>	/* VMLAB_KUNIT_IMPORT_NS() on every kernel */

#include "domain.h"
#include "index.h"
#include "policy.h"
#include "slot.h"
#include "unstable.h"

struct item {
	struct sp_inode n;
	int id;
};

static int count_key(struct sp_index *ix, u64 key, int *ids)
{
	struct sp_inode *pos, *tmp;
	int n = 0;

	for (pos = vmlab_sp_index_first(ix, key); pos; pos = tmp) {
		tmp = vmlab_sp_index_next(pos);
		ids[n++] = container_of(pos, struct item, n)->id;
	}
	return n;
}

/* 128 KiB: too big for the stack, so one shared by the (sequential) cases. */
static struct sp_index test_ix;

/* @n keys other than @key, all in @key's bucket. */
static void bucket_mates(u64 key, u64 *mates, int n)
{
	u32 bucket = hash_min(key, SP_INDEX_BITS);
	u64 k;

	for (k = key + 1; n; k++) {
		if (hash_min(k, SP_INDEX_BITS) == bucket) {
			*mates++ = k;
			n--;
		}
	}
}

/* Keys that share a bucket: lookups still find exactly their own nodes. */
static void index_exact_lookup(struct kunit *test)
{
	struct item it[16];
	u64 mates[16];
	int ids[16], i;

	bucket_mates(3, mates, ARRAY_SIZE(mates));
	vmlab_sp_index_init(&test_ix);
	for (i = 0; i < 16; i++) {
		it[i].id = i;
		sp_inode_init(&it[i].n);
		KUNIT_EXPECT_FALSE(test, sp_inode_hashed(&it[i].n));
		vmlab_sp_index_add(&test_ix, &it[i].n, i % 4 == 3 ? 3 : mates[i]);
		KUNIT_EXPECT_TRUE(test, sp_inode_hashed(&it[i].n));
	}
	KUNIT_EXPECT_EQ(test, test_ix.nr, 16UL);
	KUNIT_EXPECT_EQ(test, count_key(&test_ix, 3, ids), 4);
	KUNIT_EXPECT_EQ(test, count_key(&test_ix, mates[0], ids), 1);
	KUNIT_EXPECT_EQ(test, ids[0], 0);
	/* In the same bucket, never added. */
	KUNIT_EXPECT_EQ(test, count_key(&test_ix, mates[3], ids), 0);
	KUNIT_EXPECT_EQ(test, count_key(&test_ix, mates[15], ids), 0);
	KUNIT_EXPECT_EQ(test, count_key(&test_ix, 0, ids), 0);
	KUNIT_EXPECT_EQ(test, count_key(&test_ix, U64_MAX, ids), 0);
	KUNIT_EXPECT_NULL(test, vmlab_sp_index_first(&test_ix, 42));
}

/* Deleting during a walk, deleting twice, and re-adding under a new key. */
static void index_delete_and_rekey(struct kunit *test)
{
	struct sp_inode *pos, *tmp;
	struct item it[6];
	int ids[6], i;

	vmlab_sp_index_init(&test_ix);
	for (i = 0; i < 6; i++) {
		it[i].id = i;
		sp_inode_init(&it[i].n);
		vmlab_sp_index_add(&test_ix, &it[i].n, 7);
	}
	for (pos = vmlab_sp_index_first(&test_ix, 7); pos; pos = tmp) {
		tmp = vmlab_sp_index_next(pos);
		if (container_of(pos, struct item, n)->id % 2)
			vmlab_sp_index_del(&test_ix, pos);
	}
	KUNIT_EXPECT_EQ(test, test_ix.nr, 3UL);
	KUNIT_EXPECT_EQ(test, count_key(&test_ix, 7, ids), 3);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, ids[i] % 2, 0);

	vmlab_sp_index_del(&test_ix, &it[1].n);
	KUNIT_EXPECT_EQ(test, test_ix.nr, 3UL);
	KUNIT_EXPECT_FALSE(test, sp_inode_hashed(&it[1].n));

	vmlab_sp_index_del(&test_ix, &it[0].n);
	vmlab_sp_index_add(&test_ix, &it[0].n, 8);
	KUNIT_EXPECT_EQ(test, it[0].n.key, 8ULL);
	KUNIT_EXPECT_EQ(test, count_key(&test_ix, 7, ids), 2);
	KUNIT_EXPECT_EQ(test, count_key(&test_ix, 8, ids), 1);
	KUNIT_EXPECT_EQ(test, ids[0], 0);
	KUNIT_EXPECT_EQ(test, test_ix.nr, 3UL);
}

/* A new index is empty, and deleting every node leaves it empty again. */
static void index_init_and_empty(struct kunit *test)
{
	struct item it[4];
	int i;

	vmlab_sp_index_init(&test_ix);
	KUNIT_EXPECT_TRUE(test, hash_empty(test_ix.ht));
	KUNIT_EXPECT_EQ(test, test_ix.nr, 0UL);
	for (i = 0; i < 4; i++) {
		sp_inode_init(&it[i].n);
		vmlab_sp_index_add(&test_ix, &it[i].n, i);
	}
	KUNIT_EXPECT_FALSE(test, hash_empty(test_ix.ht));
	for (i = 0; i < 4; i++)
		vmlab_sp_index_del(&test_ix, &it[i].n);
	KUNIT_EXPECT_TRUE(test, hash_empty(test_ix.ht));
	KUNIT_EXPECT_EQ(test, test_ix.nr, 0UL);
}

/*
 * How many waiting slots with @hash the index walks to from @key's bucket,
 * in order into @got.
 */
static int unstable_walk(struct sp_unstable *u, u32 key, u32 hash, struct sp_slot **got)
{
	struct sp_slot *slot;
	int n = 0;

	for (slot = vmlab_sp_unstable_first(u, key, hash); slot;
	     slot = vmlab_sp_unstable_next(slot))
		got[n++] = slot;
	return n;
}

/*
 * Hashes that share one bucket (keyed by the hash itself, as in domain 0):
 * each lookup walks exactly its own slots, deleting the head, a middle and
 * the tail unlinks just that slot, a slot that is not waiting is not
 * deleted, and the count follows.
 */
static void unstable_exact_lookup_and_delete(struct kunit *test)
{
	struct sp_unstable *u = vzalloc(sizeof(*u));
	struct sp_slot slot[12] = {}, *got[12];
	u32 hashes[3], h;
	int i, n;

	KUNIT_ASSERT_NOT_NULL(test, u);
	/* Three hashes in one bucket, four slots each, added interleaved. */
	hashes[0] = 7;
	for (n = 1, h = 8; n < 3; h++)
		if (hash_32(h, SP_UNSTABLE_BITS) == hash_32(7, SP_UNSTABLE_BITS))
			hashes[n++] = h;
	for (i = 0; i < 12; i++) {
		slot[i].v.hash = hashes[i % 3];
		vmlab_sp_unstable_add(u, &slot[i], slot[i].v.hash);
		KUNIT_EXPECT_TRUE(test, slot[i].v.slot_indexed);
	}
	KUNIT_EXPECT_EQ(test, u->nr, 12UL);
	for (h = 0; h < 3; h++) {
		n = unstable_walk(u, hashes[h], hashes[h], got);
		KUNIT_EXPECT_EQ(test, n, 4);
		for (i = 0; i < n; i++)
			KUNIT_EXPECT_EQ(test, got[i]->v.hash, hashes[h]);
	}
	KUNIT_EXPECT_NULL(test, vmlab_sp_unstable_first(u, hashes[0], hashes[2] + 1));

	/* Added last, so the head of the chain; then a middle; then the tail. */
	KUNIT_EXPECT_TRUE(test, vmlab_sp_unstable_del(u, &slot[11], slot[11].v.hash));
	KUNIT_EXPECT_TRUE(test, vmlab_sp_unstable_del(u, &slot[5], slot[5].v.hash));
	KUNIT_EXPECT_TRUE(test, vmlab_sp_unstable_del(u, &slot[0], slot[0].v.hash));
	KUNIT_EXPECT_FALSE(test, slot[5].v.slot_indexed);
	KUNIT_EXPECT_FALSE(test, vmlab_sp_unstable_del(u, &slot[5], slot[5].v.hash));
	KUNIT_EXPECT_EQ(test, u->nr, 9UL);
	n = unstable_walk(u, hashes[0], hashes[0], got);
	KUNIT_ASSERT_EQ(test, n, 3);
	KUNIT_EXPECT_PTR_EQ(test, got[0], &slot[9]);
	KUNIT_EXPECT_PTR_EQ(test, got[1], &slot[6]);
	KUNIT_EXPECT_PTR_EQ(test, got[2], &slot[3]);
	KUNIT_EXPECT_EQ(test, unstable_walk(u, hashes[2], hashes[2], got), 2);
	KUNIT_EXPECT_EQ(test, unstable_walk(u, hashes[1], hashes[1], got), 4);

	for (i = 0; i < 12; i++)
		vmlab_sp_unstable_del(u, &slot[i], slot[i].v.hash);
	KUNIT_EXPECT_EQ(test, u->nr, 0UL);
	KUNIT_EXPECT_NULL(test, u->bucket[hash_32(7, SP_UNSTABLE_BITS)]);
	vfree(u);
}

/*
 * One content in 64 domains: the module's keys (vmlab_sp_domain_key() cut
 * to 32 bits) spread it over buckets, so no bucket holds more than a few
 * of its copies, and each domain's lookup finds its own copy.
 */
static void unstable_domains_spread_one_content(struct kunit *test)
{
	struct sp_unstable *u = vzalloc(sizeof(*u));
	/* 2 KiB together: off the stack, which KASAN builds keep small. */
	struct sp_slot *slot = kunit_kcalloc(test, 64, sizeof(*slot), GFP_KERNEL);
	struct sp_slot **got = kunit_kcalloc(test, 64, sizeof(*got), GFP_KERNEL);
	u32 hash = 0x5eed, key;
	int d, i, n, longest = 0;

	KUNIT_ASSERT_NOT_NULL(test, slot);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_ASSERT_NOT_NULL(test, u);
	for (d = 0; d < 64; d++) {
		slot[d].v.hash = hash;
		vmlab_sp_unstable_add(u, &slot[d], (u32)vmlab_sp_domain_key(hash, d));
	}
	for (d = 0; d < 64; d++) {
		key = (u32)vmlab_sp_domain_key(hash, d);
		n = unstable_walk(u, key, hash, got);
		longest = max(longest, n);
		for (i = 0; i < n && got[i] != &slot[d]; i++)
			;
		KUNIT_EXPECT_LT(test, i, n);
	}
	KUNIT_EXPECT_LE(test, longest, 3);
	for (d = 0; d < 64; d++)
		KUNIT_EXPECT_TRUE(test, vmlab_sp_unstable_del(u, &slot[d],
							      (u32)vmlab_sp_domain_key(hash, d)));
	KUNIT_EXPECT_EQ(test, u->nr, 0UL);
	vfree(u);
}

/*
 * Every slot of a chunk finds the chunk by its own address, hence its
 * region and page offset; and a slot is 24 bytes on 64-bit, 84 a chunk.
 */
static void slot_finds_its_chunk(struct kunit *test)
{
	struct sp_region *region = (struct sp_region *)test;
	struct sp_chunk *c = kunit_kzalloc(test, SP_CHUNK_BYTES, GFP_KERNEL_ACCOUNT);
	unsigned long i;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_TRUE(test, IS_ALIGNED((unsigned long)c, SP_CHUNK_BYTES));
	if (IS_ENABLED(CONFIG_64BIT)) {
		KUNIT_EXPECT_EQ(test, sizeof(struct sp_slot), (size_t)24);
		KUNIT_EXPECT_EQ(test, SP_CHUNK_SLOTS, (size_t)84);
	}
	c->region = region;
	c->first = 5 * SP_CHUNK_SLOTS;
	for (i = 0; i < SP_CHUNK_SLOTS; i++) {
		KUNIT_EXPECT_PTR_EQ(test, sp_slot_chunk(&c->slots[i]), c);
		KUNIT_EXPECT_PTR_EQ(test, sp_slot_region(&c->slots[i]), region);
		KUNIT_EXPECT_EQ(test, sp_slot_index(&c->slots[i]), 5 * SP_CHUNK_SLOTS + i);
	}
}

/* stable_scans=0 merges on the first visit; 1 waits one visit, like KSM. */
static void policy_first_visit(struct kunit *test)
{
	struct sp_vstate v = {};

	KUNIT_EXPECT_FALSE(test, vmlab_sp_visit_skip(&v));
	KUNIT_EXPECT_EQ(test, vmlab_sp_visit(&v, 5, 0), SP_CANDIDATE);
	KUNIT_EXPECT_EQ(test, vmlab_sp_visit(&v, 5, 0), SP_CANDIDATE);

	v = (struct sp_vstate){};
	KUNIT_EXPECT_EQ(test, vmlab_sp_visit(&v, 5, 1), SP_WAIT);
	KUNIT_EXPECT_EQ(test, vmlab_sp_visit(&v, 5, 1), SP_CANDIDATE);

	v = (struct sp_vstate){};
	KUNIT_EXPECT_EQ(test, vmlab_sp_visit(&v, 5, 8), SP_WAIT);
	KUNIT_EXPECT_EQ(test, v.unchanged, 0);
	/* A hash of 0 is a hash like any other. */
	v = (struct sp_vstate){};
	KUNIT_EXPECT_EQ(test, vmlab_sp_visit(&v, 0, 1), SP_WAIT);
	KUNIT_EXPECT_EQ(test, vmlab_sp_visit(&v, 0, 1), SP_CANDIDATE);
}

/* Skipped visits after the n-th consecutive change: 1, 3, 7 ... 63, then capped. */
static void policy_backoff_doubles_and_caps(struct kunit *test)
{
	static const u8 skips[] = { 1, 3, 7, 15, 31, 63, 63, 63 };
	struct sp_vstate v = {};
	unsigned int i, s;

	vmlab_sp_visit(&v, 0, 0);
	for (i = 0; i < ARRAY_SIZE(skips); i++) {
		KUNIT_EXPECT_EQ(test, vmlab_sp_visit(&v, i + 1, 0), SP_CHANGED);
		KUNIT_EXPECT_TRUE(test, sp_vstate_volatile(&v));
		KUNIT_EXPECT_EQ(test, v.skip, skips[i]);
		for (s = 0; s < skips[i]; s++)
			KUNIT_EXPECT_TRUE(test, vmlab_sp_visit_skip(&v));
		KUNIT_EXPECT_FALSE(test, vmlab_sp_visit_skip(&v));
	}
	KUNIT_EXPECT_EQ(test, v.level, SP_MAX_LEVEL);
}

/* Unchanged visits calm a page down one level each, and it may merge meanwhile. */
static void policy_calms_down(struct kunit *test)
{
	struct sp_vstate v = {};
	int i;

	vmlab_sp_visit(&v, 1, 0);
	KUNIT_EXPECT_EQ(test, vmlab_sp_visit(&v, 2, 0), SP_CHANGED);
	KUNIT_EXPECT_EQ(test, vmlab_sp_visit(&v, 3, 0), SP_CHANGED);
	KUNIT_EXPECT_EQ(test, v.level, 2);
	v.skip = 0;
	KUNIT_EXPECT_EQ(test, vmlab_sp_visit(&v, 3, 0), SP_CANDIDATE);
	KUNIT_EXPECT_EQ(test, v.level, 1);
	KUNIT_EXPECT_EQ(test, v.unchanged, 1);
	/* Unchanged visits count on from there: 2 < 3, then 3. */
	KUNIT_EXPECT_EQ(test, vmlab_sp_visit(&v, 3, 3), SP_WAIT);
	KUNIT_EXPECT_EQ(test, v.level, 0);
	KUNIT_EXPECT_FALSE(test, sp_vstate_volatile(&v));
	KUNIT_EXPECT_EQ(test, vmlab_sp_visit(&v, 3, 3), SP_CANDIDATE);
	KUNIT_EXPECT_EQ(test, v.level, 0);
	/* The unchanged count saturates instead of wrapping to 0. */
	for (i = 0; i < 300; i++)
		vmlab_sp_visit(&v, 3, 8);
	KUNIT_EXPECT_EQ(test, v.unchanged, U8_MAX);
	KUNIT_EXPECT_EQ(test, vmlab_sp_visit(&v, 3, 8), SP_CANDIDATE);
}

/* A COW break backs off, and the new content after it is not a "change". */
static void policy_penalize_after_cow(struct kunit *test)
{
	struct sp_vstate v = {};

	vmlab_sp_visit(&v, 9, 0);
	vmlab_sp_penalize(&v);
	KUNIT_EXPECT_EQ(test, v.level, 1);
	KUNIT_EXPECT_EQ(test, v.skip, 1);
	KUNIT_EXPECT_TRUE(test, vmlab_sp_visit_skip(&v));
	KUNIT_EXPECT_FALSE(test, vmlab_sp_visit_skip(&v));
	KUNIT_EXPECT_EQ(test, vmlab_sp_visit(&v, 10, 0), SP_CANDIDATE);
	KUNIT_EXPECT_EQ(test, v.level, 1);
	vmlab_sp_penalize(&v);
	KUNIT_EXPECT_EQ(test, v.level, 2);
	KUNIT_EXPECT_EQ(test, v.skip, 3);
	KUNIT_EXPECT_EQ(test, v.unchanged, 0);
}

#define OWNER(u, m) ((struct sp_owner){ .uid = KUIDT_INIT(u), .memcg = (m) })

/* An owner is the pair: the same uid in another memcg is another owner. */
static void domain_owner_is_uid_and_memcg(struct kunit *test)
{
	struct sp_owner a = OWNER(1000, 5), b;

	b = OWNER(1000, 5);
	KUNIT_EXPECT_TRUE(test, vmlab_sp_owner_eq(&a, &b));
	b = OWNER(1001, 5);
	KUNIT_EXPECT_FALSE(test, vmlab_sp_owner_eq(&a, &b));
	b = OWNER(1000, 6);
	KUNIT_EXPECT_FALSE(test, vmlab_sp_owner_eq(&a, &b));
	b = OWNER(1000, 0);
	KUNIT_EXPECT_FALSE(test, vmlab_sp_owner_eq(&a, &b));
	/* Without memcg (0) the uid alone decides. */
	a = OWNER(0, 0);
	b = OWNER(0, 0);
	KUNIT_EXPECT_TRUE(test, vmlab_sp_owner_eq(&a, &b));
	b = OWNER(1, 0);
	KUNIT_EXPECT_FALSE(test, vmlab_sp_owner_eq(&a, &b));
}

/* Named and owner domains never stand for each other. */
static void domain_is_named_or_owner(struct kunit *test)
{
	struct sp_owner o = OWNER(1000, 5), other = OWNER(1001, 5);
	struct sp_domain owned = { .owner = o };
	struct sp_domain named = { .key = 42 };

	KUNIT_EXPECT_TRUE(test, vmlab_sp_domain_is(&owned, 0, &o));
	KUNIT_EXPECT_FALSE(test, vmlab_sp_domain_is(&owned, 0, &other));
	KUNIT_EXPECT_FALSE(test, vmlab_sp_domain_is(&owned, 42, &o));
	/* A named domain is its key, whoever asks. */
	KUNIT_EXPECT_TRUE(test, vmlab_sp_domain_is(&named, 42, &o));
	KUNIT_EXPECT_TRUE(test, vmlab_sp_domain_is(&named, 42, &other));
	KUNIT_EXPECT_FALSE(test, vmlab_sp_domain_is(&named, 43, &o));
	KUNIT_EXPECT_FALSE(test, vmlab_sp_domain_is(&named, 0, &o));
	/* Even an owner that happens to equal the named domain's zero owner. */
	o = OWNER(0, 0);
	KUNIT_EXPECT_FALSE(test, vmlab_sp_domain_is(&named, 0, &o));
}

static void domain_find_exact(struct kunit *test)
{
	struct sp_domain d[4] = {
		{ .id = 1, .owner = OWNER(1000, 0) },
		{ .id = 2, .owner = OWNER(1000, 7) },
		{ .id = 3, .key = 99 },
		{ .id = 4, .key = U64_MAX },
	};
	struct sp_owner o;
	LIST_HEAD(list);
	unsigned int i;

	o = OWNER(1000, 7);
	KUNIT_EXPECT_NULL(test, vmlab_sp_domain_find(&list, 0, &o));
	for (i = 0; i < ARRAY_SIZE(d); i++)
		list_add_tail(&d[i].node, &list);
	KUNIT_EXPECT_PTR_EQ(test, vmlab_sp_domain_find(&list, 0, &o), &d[1]);
	o = OWNER(1000, 0);
	KUNIT_EXPECT_PTR_EQ(test, vmlab_sp_domain_find(&list, 0, &o), &d[0]);
	KUNIT_EXPECT_PTR_EQ(test, vmlab_sp_domain_find(&list, 99, &o), &d[2]);
	KUNIT_EXPECT_PTR_EQ(test, vmlab_sp_domain_find(&list, U64_MAX, &o), &d[3]);
	KUNIT_EXPECT_NULL(test, vmlab_sp_domain_find(&list, 98, &o));
	o = OWNER(1001, 0);
	KUNIT_EXPECT_NULL(test, vmlab_sp_domain_find(&list, 0, &o));
}

/*
 * Equal content in two domains never gets one key: for a fixed hash the
 * key is a bijection of the domain id.  Domain 0 keeps the plain hash.
 */
static void domain_key_separates_domains(struct kunit *test)
{
	static const u64 hashes[] = { 0, 1, 0x9E3779B97F4A7C15ULL, U64_MAX };
	u64 keys[64];
	unsigned int h, i, j;

	for (h = 0; h < ARRAY_SIZE(hashes); h++) {
		KUNIT_EXPECT_EQ(test, vmlab_sp_domain_key(hashes[h], 0), hashes[h]);
		for (i = 0; i < ARRAY_SIZE(keys); i++) {
			/* Small ids, as the module hands them out, and huge ones. */
			u64 id = i < 32 ? i : U64_MAX - i;

			keys[i] = vmlab_sp_domain_key(hashes[h], id);
			KUNIT_EXPECT_EQ(test, keys[i], vmlab_sp_domain_key(hashes[h], id));
		}
		for (i = 0; i < ARRAY_SIZE(keys); i++)
			for (j = i + 1; j < ARRAY_SIZE(keys); j++)
				KUNIT_EXPECT_NE(test, keys[i], keys[j]);
	}
}

static struct kunit_case sp_cases[] = {
	KUNIT_CASE(index_exact_lookup),
	KUNIT_CASE(index_delete_and_rekey),
	KUNIT_CASE(index_init_and_empty),
	KUNIT_CASE(unstable_exact_lookup_and_delete),
	KUNIT_CASE(unstable_domains_spread_one_content),
	KUNIT_CASE(slot_finds_its_chunk),
	KUNIT_CASE(policy_first_visit),
	KUNIT_CASE(policy_backoff_doubles_and_caps),
	KUNIT_CASE(policy_calms_down),
	KUNIT_CASE(policy_penalize_after_cow),
	KUNIT_CASE(domain_owner_is_uid_and_memcg),
	KUNIT_CASE(domain_is_named_or_owner),
	KUNIT_CASE(domain_find_exact),
	KUNIT_CASE(domain_key_separates_domains),
	{}
};

static struct kunit_suite sp_suite = {
	.name = "vmlab_samepage",
	.test_cases = sp_cases,
};

kunit_test_suite(sp_suite);

MODULE_DESCRIPTION("KUnit tests for the vmlab samepage indexes, slots, volatility policy and domains");
MODULE_LICENSE("GPL");
/* The internals under test are exported only to KUnit tests. */
VMLAB_KUNIT_IMPORT_NS();
