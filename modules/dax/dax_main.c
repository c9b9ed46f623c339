// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab dax: a DAX-style device over persistent memory the kernel left
 * unclaimed (memmap=SIZE!OFFSET, or a PMEM range), with page-granular
 * dirty tracking for fsync and optional crash injection.  Module set-up,
 * parameters and debugfs live here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/libnvdimm.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/pagemap.h>
#include <linux/pseudo_fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include <vmlab/compat.h>

#include "dax.h"

#define VDAX_FS_MAGIC 0x766d6478	/* "vmdx" */

static const char * const vdax_counter_names[] = {
	[VDAX_FAULT_PTE] = "fault_pte",
	[VDAX_FAULT_PMD] = "fault_pmd",
	[VDAX_MKWRITE_PTE] = "mkwrite_pte",
	[VDAX_MKWRITE_PMD] = "mkwrite_pmd",
	[VDAX_FAULT_SIGBUS] = "fault_sigbus",
	[VDAX_FAULT_OOM] = "fault_oom",
	[VDAX_FAULT_HWPOISON] = "fault_hwpoison",
	[VDAX_FB_VMA_RANGE] = "pmd_fallback_vma_range",
	[VDAX_FB_UNALIGNED] = "pmd_fallback_unaligned",
	[VDAX_FB_PAST_END] = "pmd_fallback_past_end",
	[VDAX_FB_NO_PMD] = "pmd_fallback_no_pmd_support",
	[VDAX_FB_CRASH] = "pmd_fallback_crash_inject",
	[VDAX_FB_POISON] = "pmd_fallback_poison",
	[VDAX_FB_BUSY] = "pmd_fallback_busy",
	[VDAX_BYTES_MAPPED] = "bytes_mapped",
	[VDAX_PAGES_DIRTIED] = "pages_dirtied",
	[VDAX_FSYNC] = "fsync_calls",
	[VDAX_FSYNC_CLEAN] = "fsync_clean",
	[VDAX_FLUSH_BYTES] = "flush_bytes",
	[VDAX_READ_BYTES] = "read_bytes",
	[VDAX_WRITE_BYTES] = "write_bytes",
	[VDAX_SHADOWED] = "crash_pages_tracked",
	[VDAX_REVERTED] = "crash_pages_reverted",
	[VDAX_POWER_LOSS] = "power_loss_injections",
};

static_assert(ARRAY_SIZE(vdax_counter_names) == VDAX_NR_COUNTERS);

struct vdax_dev vdax = {
	.lock = __MUTEX_INITIALIZER(vdax.lock),
	.state = VDAX_LOADING,
};

static ulong phys_start;
module_param(phys_start, ulong, 0400);
MODULE_PARM_DESC(phys_start, "physical start of the backing (with phys_size; default: search iomem)");

static ulong phys_size;
module_param(phys_size, ulong, 0400);
MODULE_PARM_DESC(phys_size, "bytes of backing at phys_start (0: search iomem)");

static ulong ram_size = 64UL << 20;
module_param(ram_size, ulong, 0400);
MODULE_PARM_DESC(ram_size, "bytes of (volatile) RAM when no persistent memory is free, default 64 MiB");

static bool crash_inject;

/*
 * The parameter's sysfs file is not tied to the device: the module core
 * creates it before vdax_init() runs and removes it only after vdax_exit()
 * returned, and a write to it takes no module reference.  What it does
 * take is the module's kernel_param_lock(), around every ->set() (insmod
 * arguments and sysfs writes alike), so init and exit take that lock to
 * change vdax.state: a write sees the device either whole or not at all.
 * This keeps the interface (a parameter that insmod and sysfs both set)
 * and needs no lock of our own.  Lock order: kernel_param_lock, then
 * vdax.lock.
 */
static int vdax_crash_param_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int ret = kstrtobool(val, &on);

	if (ret)
		return ret;
	switch (vdax.state) {
	case VDAX_LOADING:
		/* vdax_init() applies it once the device is whole. */
		break;
	case VDAX_LIVE:
		vdax_set_crash_inject(&vdax, on);
		break;
	case VDAX_GONE:
		return -ENODEV;
	}
	crash_inject = on;
	return 0;
}

static const struct kernel_param_ops vdax_crash_param_ops = {
	.set = vdax_crash_param_set,
	.get = param_get_bool,
};
module_param_cb(crash_inject, &vdax_crash_param_ops, &crash_inject, 0600);
MODULE_PARM_DESC(crash_inject, "keep durable copies of written pages for inject_power_loss (default off)");

static int vdax_info_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "backing %s\n", vdax_backing_name(vdax.kind));
	seq_printf(m, "persistent %d\n", vdax.persistent);
	seq_printf(m, "struct_pages %d\n", vdax.devmap);
	seq_printf(m, "pmd_capable %d\n", vdax.pmd);
	seq_printf(m, "phys_start %#llx\n", (u64)vdax.phys);
	seq_printf(m, "phys_end %#llx\n", vdax.phys ? (u64)vdax.phys + vdax.size - 1 : 0);
	seq_printf(m, "size %llu\n", vdax.size);
	seq_printf(m, "crash_inject %d\n", READ_ONCE(vdax.crash_inject));
	seq_printf(m, "dirty_pages %lu\n", READ_ONCE(vdax.nr_dirty));
	seq_printf(m, "shadow_pages %lu\n", READ_ONCE(vdax.nr_shadow));
	seq_printf(m, "poisoned_pages %ld\n", atomic_long_read(&vdax.nr_poison));
	seq_printf(m, "pmd_folios %lu\n", vdax_nr_folded(&vdax));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vdax_info);

static ssize_t vdax_inject_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	unsigned long reverted;
	u64 go;
	int ret;

	/* Strictly "1": anything else is refused before crash_inject is asked. */
	ret = kstrtou64_from_user(ubuf, count, 0, &go);
	if (ret || go != 1) {
		pr_warn_ratelimited("inject_power_loss: write 1\n");
		return ret ? ret : -EINVAL;
	}
	ret = vdax_inject_power_loss(&vdax, &reverted);
	if (ret == -EOPNOTSUPP) {
		pr_warn_ratelimited("inject_power_loss: crash_inject is off\n");
		return ret;
	}
	pr_info("power loss injected: %lu pages reverted\n", reverted);
	return ret ? ret : count;
}

static const struct file_operations vdax_inject_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = vdax_inject_write,
};

static int vdax_debugfs_init(void)
{
	struct dentry *dir = vmlab_debugfs_dir("dax");

	if (IS_ERR(dir))
		return PTR_ERR(dir);
	vdax.dir = dir;
	debugfs_create_file("info", 0400, dir, NULL, &vdax_info_fops);
	vmlab_counters_debugfs("stats", dir, &vdax.ctr);
	vmlab_hist_debugfs("fault_latency_pte", dir, &vdax.lat_pte);
	vmlab_hist_debugfs("fault_latency_pmd", dir, &vdax.lat_pmd);
	debugfs_create_file("inject_power_loss", 0200, dir, NULL, &vdax_inject_fops);
	return 0;
}

/* An S_DAX inode of our own, so that huge faults reach us (vma_is_dax). */
static int vdax_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, VDAX_FS_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type vdax_fs_type = {
	.name = "vmlab_dax",
	.init_fs_context = vdax_init_fs_context,
	.kill_sb = kill_anon_super,
};

/*
 * As device-dax's: a normal page of the device mapped writable is marked
 * dirty on its first write and when it is unmapped dirty; nothing is
 * written back (durability is fsync's, dax_track.c).
 */
static const struct address_space_operations vdax_aops = {
	.dirty_folio = noop_dirty_folio,
};

static int vdax_inode_init(void)
{
	vdax.mnt = kern_mount(&vdax_fs_type);
	if (IS_ERR(vdax.mnt))
		return PTR_ERR(vdax.mnt);
	vdax.inode = alloc_anon_inode(vdax.mnt->mnt_sb);
	if (IS_ERR(vdax.inode)) {
		kern_unmount(vdax.mnt);
		return PTR_ERR(vdax.inode);
	}
	vdax.inode->i_flags |= S_DAX;
	/*
	 * A character device's mapping, as device-dax's: memory_failure()
	 * (dax_lock_page) then relies on the dev_pagemap pin and does not
	 * look for page cache entries, which this mapping never has.
	 */
	vdax.inode->i_mode |= S_IFCHR;
	vdax.inode->i_mapping->a_ops = &vdax_aops;
	return 0;
}

static void vdax_inode_exit(void)
{
	iput(vdax.inode);
	kern_unmount(vdax.mnt);
}

static int __init vdax_init(void)
{
	int ret;

	/* The inode first: page->mapping points at it while the pages live. */
	ret = vdax_inode_init();
	if (ret)
		return ret;
	ret = vdax_backing_init(&vdax, phys_start, phys_size, ram_size);
	if (ret) {
		pr_err("no backing: %d\n", ret);
		goto err_inode;
	}
	vdax.npages = vdax.size >> PAGE_SHIFT;
	vdax.inode->i_size = vdax.size;
	vdax_backing_set_mapping(&vdax, vdax.inode->i_mapping);
	/*
	 * Huge faults only reach DAX VMAs, and S_DAX is 0 without FS_DAX; a
	 * kernel without devmap pfns maps a PMD-order folio or nothing
	 * (compat.h).
	 */
	vdax.pmd = vdax.devmap && VMLAB_DAX_PMD_MAPS &&
		   IS_ENABLED(CONFIG_FS_DAX) &&
		   IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE);
	ret = vdax_track_init(&vdax);
	if (ret)
		goto err_backing;
	ret = vmlab_counters_init(&vdax.ctr, vdax_counter_names, VDAX_NR_COUNTERS);
	if (ret)
		goto err_track;
	ret = vmlab_hist_init(&vdax.lat_pte, "ns");
	if (ret)
		goto err_counters;
	ret = vmlab_hist_init(&vdax.lat_pmd, "ns");
	if (ret)
		goto err_hist_pte;
	ret = vdax_debugfs_init();
	if (ret)
		goto err_hist_pmd;
	/* Nothing is mapped or dirty yet: the insmod argument holds as is. */
	kernel_param_lock(THIS_MODULE);
	vdax.crash_inject = crash_inject;
	kernel_param_unlock(THIS_MODULE);
	vdax.misc.minor = MISC_DYNAMIC_MINOR;
	vdax.misc.name = "vmlab_dax0";
	vdax.misc.fops = &vdax_fops;
	vdax.misc.mode = 0600;
	ret = misc_register(&vdax.misc);
	if (ret)
		goto err_debugfs;
	/*
	 * Last: from here on a write reaches the device.  One that came in
	 * since misc_register() (the device may be open and written already)
	 * only recorded its value; apply it the way a live write does, which
	 * drains the device when crash injection turns on.
	 */
	kernel_param_lock(THIS_MODULE);
	vdax.state = VDAX_LIVE;
	vdax_set_crash_inject(&vdax, crash_inject);
	kernel_param_unlock(THIS_MODULE);
	pr_info("%s backing %#llx+%llu MiB, persistent: %d, pmd: %d, crash_inject: %d\n",
		vdax_backing_name(vdax.kind), (u64)vdax.phys, vdax.size >> 20,
		vdax.persistent, vdax.pmd, READ_ONCE(vdax.crash_inject));
	return 0;

err_debugfs:
	debugfs_remove_recursive(vdax.dir);
err_hist_pmd:
	vmlab_hist_destroy(&vdax.lat_pmd);
err_hist_pte:
	vmlab_hist_destroy(&vdax.lat_pte);
err_counters:
	vmlab_counters_destroy(&vdax.ctr);
err_track:
	vdax_track_exit(&vdax);
err_backing:
	vdax_backing_exit(&vdax);
err_inode:
	vdax_inode_exit();
	return ret;
}

/* No file is open and nothing is mapped: each holds a module reference. */
static void __exit vdax_exit(void)
{
	/* First: no parameter write reaches what is torn down below. */
	kernel_param_lock(THIS_MODULE);
	vdax.state = VDAX_GONE;
	kernel_param_unlock(THIS_MODULE);
	misc_deregister(&vdax.misc);
	debugfs_remove_recursive(vdax.dir);
	vmlab_hist_destroy(&vdax.lat_pmd);
	vmlab_hist_destroy(&vdax.lat_pte);
	vmlab_counters_destroy(&vdax.ctr);
	vdax_track_exit(&vdax);
	/* Dirty lines reach the medium before the mapping goes away. */
	arch_wb_cache_pmem(vdax.kaddr, vdax.size);
	vdax_backing_exit(&vdax);
	vdax_inode_exit();
}

module_init(vdax_init);
module_exit(vdax_exit);
MODULE_DESCRIPTION("vmlab dax: DAX-style persistent memory device with crash injection");
MODULE_LICENSE("GPL");
MODULE_VERSION(VMLAB_VERSION);
