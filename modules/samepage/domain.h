/* SPDX-License-Identifier: GPL-2.0 */
/*
 * samepage merge domains.  Every region belongs to one domain: the domain
 * of its owner (the credentials and memory cgroup of the process that
 * opened it), or a named domain it joined with VMLAB_SAMEPAGE_IOC_SET_DOMAIN.
 * With merge_across_owners=0 a page merges only with pages of its own
 * domain; with 1 every region is in one domain, as before domains existed.
 *
 * The helpers here are pure logic, no locking (the caller serialises), and
 * exported to KUnit tests only (EXPORT_SYMBOL_IF_KUNIT).
 */
#ifndef _VMLAB_SAMEPAGE_DOMAIN_H
#define _VMLAB_SAMEPAGE_DOMAIN_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/types.h>
#include <linux/uidgid.h>

struct sp_stable;

/**
 * struct sp_owner - who opened a region
 * @uid: effective uid of the opener's credentials (file->f_cred)
 * @memcg: cgroup id of the opener's memory cgroup; 0 without memcg
 */
struct sp_owner {
	kuid_t uid;
	u64 memcg;
};

/**
 * struct sp_domain - a set of regions whose pages may merge with each other
 * @node: in sp.domains (not for the all-owners domain)
 * @id: unique while the module is loaded; 0 is the all-owners domain
 * @key: the key of a named domain; 0 for an owner domain
 * @owner: the owner of an owner domain
 * @regions: regions in the domain; the domain is freed when it reaches 0
 * @shared: merged pages of the domain in use, not counting @zero; atomic,
 *	since COW breaks change it under no common lock
 * @sharing: slots mapping them, minus one per merged page; atomic too
 * @zero: the domain's all-zero merged page (use_zero_pages), if any
 */
struct sp_domain {
	struct list_head node;
	u64 id;
	u64 key;
	struct sp_owner owner;
	unsigned long regions;
	atomic_long_t shared;
	atomic_long_t sharing;
	struct sp_stable *zero;
};

bool vmlab_sp_owner_eq(const struct sp_owner *a, const struct sp_owner *b);
bool vmlab_sp_domain_is(const struct sp_domain *d, u64 key,
			const struct sp_owner *owner);
struct sp_domain *vmlab_sp_domain_find(struct list_head *domains, u64 key,
				       const struct sp_owner *owner);
u64 vmlab_sp_domain_key(u64 hash, u64 domain_id);

#endif /* _VMLAB_SAMEPAGE_DOMAIN_H */
