// SPDX-License-Identifier: GPL-2.0
/*
 * samepage merge domains: which domain a region belongs to, and the index
 * key of a page in its domain.
 */
#include <linux/module.h>

#include <vmlab/compat.h>	/* EXPORT_SYMBOL_IF_KUNIT() on every kernel */

#include "domain.h"

/* Two owners are one only when both the uid and the memory cgroup agree. */
bool vmlab_sp_owner_eq(const struct sp_owner *a, const struct sp_owner *b)
{
	return uid_eq(a->uid, b->uid) && a->memcg == b->memcg;
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_sp_owner_eq);

/*
 * Whether @d is the named domain @key, or for @key 0, the owner domain of
 * @owner.  Named and owner domains never match each other.
 */
bool vmlab_sp_domain_is(const struct sp_domain *d, u64 key,
			const struct sp_owner *owner)
{
	if (key || d->key)
		return d->key == key;
	return vmlab_sp_owner_eq(&d->owner, owner);
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_sp_domain_is);

/* A list: there are few domains, and it is walked only by open() and ioctl(). */
struct sp_domain *vmlab_sp_domain_find(struct list_head *domains, u64 key,
				       const struct sp_owner *owner)
{
	struct sp_domain *d;

	list_for_each_entry(d, domains, node) {
		if (vmlab_sp_domain_is(d, key, owner))
			return d;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_sp_domain_find);

/*
 * The index key of a page of content hash @hash in domain @domain_id.
 *
 * The domain enters the match twice.  Here it is folded into the key, so
 * that a lookup walks only its own domain's nodes: with many tenants
 * holding the same common pages, the chain of one content would otherwise
 * grow with the number of domains.  For a fixed @hash the map from
 * @domain_id is a bijection (multiplying by an odd constant, then xor), so
 * equal content in two domains always gets two keys; a key can still meet
 * a node of another domain whose content differs, which the byte compare
 * rejects.  The guarantee does not rest on that arithmetic, though: every
 * candidate a lookup returns is also checked for its domain (sp_merge()),
 * so a page of another domain is never even compared, let alone handed
 * out.  Domain 0, the all-owners domain, keeps the plain content hash.
 */
u64 vmlab_sp_domain_key(u64 hash, u64 domain_id)
{
	return hash ^ (domain_id * 0x9E3779B97F4A7C15ULL);
}
EXPORT_SYMBOL_IF_KUNIT(vmlab_sp_domain_key);
