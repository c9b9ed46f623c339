// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab samepage: same-page merging for memory that this module hands out.
 * Each open() of /dev/vmlab_samepage is a region; mmap(MAP_SHARED) of it
 * gives zeroed pages on first touch.  A scanner thread merges pages of
 * equal content across all regions into one read-only page; the first
 * write to a merged page gives the writer's slot its own copy.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/memcontrol.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/pagemap.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

#include <vmlab/compat.h>
#include <uapi/vmlab/samepage.h>

#include "samepage.h"

static const char * const sp_counter_names[] = {
	[SP_PAGES_SHARED] = "pages_shared",
	[SP_PAGES_SHARING] = "pages_sharing",
	[SP_PAGES_UNSHARED] = "pages_unshared",
	[SP_PAGES_VOLATILE] = "pages_volatile",
	[SP_ZERO_PAGES] = "zero_pages",
	[SP_BYTES_SAVED] = "bytes_saved",
	[SP_PAGES_RESIDENT] = "pages_resident",
	[SP_REGIONS] = "regions",
	[SP_STABLE_NODES] = "stable_nodes",
	[SP_METADATA_BYTES] = "metadata_bytes",
	[SP_FULL_SCANS] = "full_scans",
	[SP_PAGES_SCANNED] = "pages_scanned",
	[SP_MERGES] = "merges",
	[SP_COW_BREAKS] = "cow_breaks",
	[SP_COW_REUSES] = "cow_reuses",
	[SP_UNMERGES] = "unmerges",
	[SP_HASH_COLLISIONS] = "hash_collisions",
	[SP_MERGE_BUSY] = "merge_busy",
	[SP_MERGE_RACED] = "merge_raced",
	[SP_ALLOC_FAILURES] = "alloc_failures",
};

static_assert(ARRAY_SIZE(sp_counter_names) == SP_NR_COUNTERS);

struct sp_state sp = {
	.lock = __MUTEX_INITIALIZER(sp.lock),
	.regions = LIST_HEAD_INIT(sp.regions),
	.domains = LIST_HEAD_INIT(sp.domains),
	.wait = __WAIT_QUEUE_HEAD_INITIALIZER(sp.wait),
	.reap_work = __WORK_INITIALIZER(sp.reap_work, sp_reap_work),
};

/* No readahead, no writeback: an empty table keeps generic code away. */
static const struct address_space_operations sp_aops = {};

static struct dentry *sp_dir;

static int sp_set_run(struct vmlab_tunable *t, u64 val)
{
	unsigned int old;
	int ret = 0;

	mutex_lock(&sp.lock);
	old = sp.run;
	sp.run = val;
	mutex_unlock(&sp.lock);
	if (val == 2) {
		ret = sp_unmerge_all();
		if (ret) {
			mutex_lock(&sp.lock);
			sp.run = old;
			mutex_unlock(&sp.lock);
		}
	}
	wake_up(&sp.wait);
	return ret;
}

static int sp_set_sleep(struct vmlab_tunable *t, u64 val)
{
	wake_up(&sp.wait);
	return 0;
}

/* Whether any merged page, a zero page included, exists; under sp.lock. */
static bool sp_any_merged(void)
{
	struct sp_domain *d;

	if (sp.stable.nr || sp.all.zero)
		return true;
	list_for_each_entry(d, &sp.domains, node) {
		if (d->zero)
			return true;
	}
	return false;
}

/*
 * merge_across_owners changes only while nothing is merged: a merged page
 * made at 1 would otherwise keep two owners' slots on one page at 0.  The
 * waiting pages leave the unstable index, whose keys name their domains.
 */
static int sp_set_across(struct vmlab_tunable *t, u64 val)
{
	struct sp_region *r;
	int ret = 0;

	mutex_lock(&sp.lock);
	if (sp.across == !!val)
		goto unlock;
	sp_reap();
	if (sp_any_merged()) {
		pr_warn_ratelimited("merge_across_owners: pages are merged; unmerge them first (run=2)\n");
		ret = -EBUSY;
		goto unlock;
	}
	/* Out of the index under the keys of the domains they leave. */
	list_for_each_entry(r, &sp.regions, node)
		sp_region_unindex(r);
	sp.across = val;
unlock:
	mutex_unlock(&sp.lock);
	return ret;
}

#define SP_TUNABLE(id, n, def, lo, hi, fn)				\
	[id] = { .name = n, .val = def, .min = lo, .max = hi, .set = fn }

static const struct vmlab_tunable sp_tunable_defaults[SPT_NR] = {
	SP_TUNABLE(SPT_RUN, "run", 0, 0, 2, sp_set_run),
	SP_TUNABLE(SPT_PAGES_TO_SCAN, "pages_to_scan", 100, 1, 1 << 20, NULL),
	SP_TUNABLE(SPT_SLEEP_MILLISECS, "sleep_millisecs", 20, 0, 60000, sp_set_sleep),
	SP_TUNABLE(SPT_MAX_PAGE_SHARING, "max_page_sharing", 256, 2, 1 << 20, NULL),
	SP_TUNABLE(SPT_USE_ZERO_PAGES, "use_zero_pages", 0, 0, 1, NULL),
	SP_TUNABLE(SPT_STABLE_SCANS, "stable_scans", 0, 0, 8, NULL),
	SP_TUNABLE(SPT_MAX_REGION_PAGES, "max_region_pages", 65536, 1, 1 << 24, NULL),
	SP_TUNABLE(SPT_MAX_PAGES, "max_pages", 131072, 1, 1 << 26, NULL),
	SP_TUNABLE(SPT_MERGE_ACROSS_OWNERS, "merge_across_owners", 0, 0, 1, sp_set_across),
	SP_TUNABLE(SPT_SERIALISE_FAULTS, "serialise_faults", 0, 0, 1, NULL),
};

/*
 * The opener's memory cgroup, by its cgroup id (the inode number of its
 * directory, never reused), so that no reference to it is held: a region
 * does not keep a removed cgroup alive.
 */
#ifdef CONFIG_MEMCG
static u64 sp_current_memcg(void)
{
	u64 id;

	if (mem_cgroup_disabled())
		return 0;
	rcu_read_lock();
	id = cgroup_id(task_css(current, memory_cgrp_id)->cgroup);
	rcu_read_unlock();
	return id;
}
#else
static u64 sp_current_memcg(void)
{
	return 0;
}
#endif

/* Charged, like the slots: the opener makes domains by opening regions. */
static struct sp_domain *sp_domain_new(u64 key, const struct sp_owner *owner)
{
	struct sp_domain *d = kzalloc(sizeof(*d), GFP_KERNEL_ACCOUNT);

	if (!d)
		return NULL;
	d->id = ++sp.domain_seq;
	d->key = key;
	if (!key)
		d->owner = *owner;
	list_add_tail(&d->node, &sp.domains);
	return d;
}

/* The domain @key (0: @owner's), made if need be; counts one more region. */
static struct sp_domain *sp_domain_get(u64 key, const struct sp_owner *owner)
{
	struct sp_domain *d = vmlab_sp_domain_find(&sp.domains, key, owner);

	if (!d)
		d = sp_domain_new(key, owner);
	if (d)
		d->regions++;
	return d;
}

/*
 * One region fewer.  Its slots are gone, and with the last region every
 * merged page of the domain: a region moves to another domain only while
 * it maps none (sp_ioctl_set_domain()).  Merged pages that died in COW
 * breaks may still wait for sp_reap(), which reads their domain: reaped
 * first.
 */
static void sp_domain_put(struct sp_domain *d)
{
	if (--d->regions)
		return;
	sp_reap();
	WARN_ON_ONCE(atomic_long_read(&d->shared) ||
		     atomic_long_read(&d->sharing) || d->zero);
	list_del(&d->node);
	kfree(d);
}

static int sp_open(struct inode *inode, struct file *file)
{
	struct sp_region *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return -ENOMEM;
	mutex_init(&r->lock);
	address_space_init_once(&r->mapping);
	/* mm reads f_mapping->host on write faults. */
	r->mapping.host = inode;
	r->mapping.a_ops = &sp_aops;
	xa_init(&r->chunks);
	/* The opener's credentials, as they were at open(), and its memcg. */
	r->owner.uid = file->f_cred->euid;
	r->owner.memcg = sp_current_memcg();

	mutex_lock(&sp.lock);
	r->home = sp_domain_get(0, &r->owner);
	if (!r->home)
		goto unlock_free;
	list_add_tail(&r->node, &sp.regions);
	sp.all.regions++;
	sp_gauge(SP_REGIONS, 1);
	mutex_unlock(&sp.lock);
	file->f_mapping = &r->mapping;
	file->private_data = r;
	return 0;

unlock_free:
	mutex_unlock(&sp.lock);
	mutex_destroy(&r->lock);
	kfree(r);
	return -ENOMEM;
}

/*
 * The last file reference: every VMA is gone, so no PTE maps the region
 * and no fault can come; sp.lock keeps the scanner away from its slots.
 */
static int sp_release(struct inode *inode, struct file *file)
{
	struct sp_region *r = file->private_data;
	struct sp_slot *slot;
	pgoff_t idx = 0;

	mutex_lock(&sp.lock);
	sp_scan_forget_region(r);
	list_del(&r->node);
	sp.reserved -= r->reserved;
	while ((slot = sp_region_next_slot(r, &idx))) {
		sp_slot_free(slot);
		cond_resched();
	}
	sp_domain_put(r->home);
	sp.all.regions--;
	sp_gauge(SP_REGIONS, -1);
	mutex_unlock(&sp.lock);
	sp_region_free_chunks(r);
	mutex_destroy(&r->lock);
	kfree(r);
	return 0;
}

/* Reserve the region's pages up to @end against both limits. */
static int sp_reserve(struct sp_region *r, unsigned long end)
{
	int ret = 0;

	mutex_lock(&sp.lock);
	mutex_lock(&r->lock);
	if (end > sp_tun(SPT_MAX_REGION_PAGES)) {
		ret = -ENOMEM;
	} else if (end > r->reserved) {
		if (sp.reserved + (end - r->reserved) > sp_tun(SPT_MAX_PAGES)) {
			ret = -ENOMEM;
		} else {
			sp.reserved += end - r->reserved;
			r->reserved = end;
		}
	}
	mutex_unlock(&r->lock);
	mutex_unlock(&sp.lock);
	return ret;
}

static int sp_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct sp_region *r = file->private_data;
	unsigned long end;
	int ret;

	/*
	 * VM_MAYSHARE, not VM_SHARED: do_mmap() clears VM_SHARED for a
	 * MAP_SHARED mapping of a file opened read-only, and that mapping
	 * can never be written, so it needs no write-notify to be safe.
	 */
	if (!(vma->vm_flags & VM_MAYSHARE)) {
		pr_warn_ratelimited("%s[%d]: MAP_PRIVATE is not supported, use MAP_SHARED\n",
				    current->comm, task_pid_nr(current));
		return -EINVAL;
	}
	if (check_add_overflow(vma->vm_pgoff, vma_pages(vma), &end))
		return -EINVAL;
	ret = sp_reserve(r, end);
	if (ret) {
		pr_warn_ratelimited("%s[%d]: mapping would end at page %lu, past max_region_pages or max_pages\n",
				    current->comm, task_pid_nr(current), end);
		return ret;
	}
	/* Growing by mremap() would bypass the reservation. */
	vm_flags_set(vma, VM_DONTEXPAND);
	vma->vm_ops = &sp_vm_ops;
	return 0;
}

static long sp_ioctl_info(struct sp_region *r, void __user *arg)
{
	struct vmlab_samepage_info info;

	mutex_lock(&r->lock);
	info.reserved_pages = r->reserved;
	info.resident_pages = r->resident;
	info.merged_pages = r->merged;
	info.zero_pages = r->zero;
	mutex_unlock(&r->lock);
	/* Copied out after the unlock: the buffer may be our own mapping. */
	if (copy_to_user(arg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

/*
 * Join the named domain @key, or with 0 go back to the owner's domain.
 * Asking for the domain the region is in succeeds and changes nothing.  A
 * region that maps merged pages (zero pages included) cannot move: they
 * belong to its domain (-EBUSY).  No error changes anything.
 */
static long sp_ioctl_set_domain(struct sp_region *r, u64 __user *arg)
{
	struct sp_domain *d;
	long ret = 0;
	u64 key;

	/* Read before sp.lock: the buffer may be our own mapping. */
	if (get_user(key, arg))
		return -EFAULT;
	mutex_lock(&sp.lock);
	mutex_lock(&r->lock);
	if (vmlab_sp_domain_is(r->home, key, &r->owner))
		goto unlock;
	if (r->merged || r->zero) {
		pr_warn_ratelimited("%s[%d]: SET_DOMAIN: the region maps %lu merged pages; unmerge them first (run=2)\n",
				    current->comm, task_pid_nr(current),
				    r->merged + r->zero);
		ret = -EBUSY;
		goto unlock;
	}
	d = sp_domain_get(key, &r->owner);
	if (!d) {
		ret = -ENOMEM;
		goto unlock;
	}
	sp_region_unindex(r);
	sp_domain_put(r->home);
	r->home = d;
unlock:
	mutex_unlock(&r->lock);
	mutex_unlock(&sp.lock);
	return ret;
}

static long sp_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct sp_region *r = file->private_data;

	switch (cmd) {
	case VMLAB_SAMEPAGE_IOC_INFO:
		return sp_ioctl_info(r, (void __user *)arg);
	case VMLAB_SAMEPAGE_IOC_SET_DOMAIN:
		return sp_ioctl_set_domain(r, (u64 __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations sp_fops = {
	.owner = THIS_MODULE,
	.open = sp_open,
	.release = sp_release,
	.mmap = sp_mmap,
	.unlocked_ioctl = sp_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice sp_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vmlab_samepage",
	.fops = &sp_fops,
	.mode = 0600,
};

/* "id regions pages_shared pages_sharing what" */
static void sp_domain_show(struct seq_file *m, const struct sp_domain *d)
{
	seq_printf(m, "%llu %lu %ld %ld ", d->id, d->regions,
		   atomic_long_read(&d->shared), atomic_long_read(&d->sharing));
	if (d == &sp.all)
		seq_puts(m, "all\n");
	else if (d->key)
		seq_printf(m, "key=%llu\n", d->key);
	else
		seq_printf(m, "uid=%u,memcg=%llu\n",
			   from_kuid_munged(seq_user_ns(m), d->owner.uid),
			   d->owner.memcg);
}

/* The domains pages merge in now: at merge_across_owners=1, one of all. */
static int sp_domains_show(struct seq_file *m, void *unused)
{
	struct sp_domain *d;

	mutex_lock(&sp.lock);
	if (sp.across) {
		sp_domain_show(m, &sp.all);
	} else {
		list_for_each_entry(d, &sp.domains, node)
			sp_domain_show(m, d);
	}
	mutex_unlock(&sp.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sp_domains);

static int sp_debugfs_init(void)
{
	struct dentry *d;
	int i;

	sp_dir = vmlab_debugfs_dir("samepage");
	if (IS_ERR(sp_dir))
		return PTR_ERR(sp_dir);
	for (i = 0; i < SPT_NR; i++) {
		d = vmlab_tunable_debugfs(&sp.tun[i], sp_dir);
		if (IS_ERR(d))
			goto fail;
	}
	d = vmlab_counters_debugfs("stats", sp_dir, &sp.stats);
	if (IS_ERR(d))
		goto fail;
	d = debugfs_create_file("domains", 0400, sp_dir, NULL, &sp_domains_fops);
	if (IS_ERR(d))
		goto fail;
	d = vmlab_hist_debugfs("scan_latency_ns", sp_dir, &sp.scan_ns);
	if (IS_ERR(d))
		goto fail;
	d = vmlab_hist_debugfs("cow_break_latency_ns", sp_dir, &sp.cow_ns);
	if (IS_ERR(d))
		goto fail;
	return 0;
fail:
	debugfs_remove_recursive(sp_dir);
	return PTR_ERR(d);
}

static int __init sp_init(void)
{
	int ret;

	memcpy(sp.tun, sp_tunable_defaults, sizeof(sp.tun));
	ret = vmlab_counters_init(&sp.stats, sp_counter_names, SP_NR_COUNTERS);
	if (ret)
		return ret;
	ret = vmlab_hist_init(&sp.scan_ns, "ns");
	if (ret)
		goto free_stats;
	ret = vmlab_hist_init(&sp.cow_ns, "ns");
	if (ret)
		goto free_scan_ns;
	vmlab_sp_index_init(&sp.stable);
	/* The two index tables are metadata too, however little is merged. */
	sp_gauge(SP_METADATA_BYTES, sizeof(sp.stable) + sizeof(sp.unstable));
	ret = sp_scan_start();
	if (ret)
		goto free_cow_ns;
	ret = sp_debugfs_init();
	if (ret)
		goto stop_scan;
	ret = misc_register(&sp_misc);
	if (ret)
		goto remove_debugfs;
	pr_info("loaded: /dev/%s, debugfs vmlab/samepage/\n", sp_misc.name);
	return 0;

remove_debugfs:
	debugfs_remove_recursive(sp_dir);
stop_scan:
	sp_scan_stop();
free_cow_ns:
	vmlab_hist_destroy(&sp.cow_ns);
free_scan_ns:
	vmlab_hist_destroy(&sp.scan_ns);
free_stats:
	vmlab_counters_destroy(&sp.stats);
	return ret;
}

/*
 * No region can be left: each open file holds a module reference.  So both
 * indexes must be empty, and a node left in one is a page that leaked.
 */
static void __exit sp_exit(void)
{
	misc_deregister(&sp_misc);
	debugfs_remove_recursive(sp_dir);
	sp_scan_stop();
	/* No region is left to queue more; reap what the last ones did. */
	flush_work(&sp.reap_work);
	mutex_lock(&sp.lock);
	sp_reap();
	mutex_unlock(&sp.lock);
	WARN(sp.stable.nr || sp.unstable.nr || sp.all.zero ||
	     !list_empty(&sp.domains),
	     "leaked %lu merged and %lu waiting pages%s%s\n", sp.stable.nr,
	     sp.unstable.nr, sp.all.zero ? " and a zero page" : "",
	     list_empty(&sp.domains) ? "" : " and domains");
	vmlab_hist_destroy(&sp.cow_ns);
	vmlab_hist_destroy(&sp.scan_ns);
	vmlab_counters_destroy(&sp.stats);
}

module_init(sp_init);
module_exit(sp_exit);
MODULE_DESCRIPTION("vmlab samepage: same-page merging of module-owned memory");
MODULE_LICENSE("GPL");
MODULE_VERSION(VMLAB_VERSION);
