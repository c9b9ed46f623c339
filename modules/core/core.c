// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab core: owns /sys/kernel/debug/vmlab/ and the helpers every vmlab
 * module shares.  Feature modules depend on it by symbol, so it loads first
 * and unloads last; they load and unload among themselves in any order.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/utsname.h>

#include <vmlab/stats.h>

static struct dentry *vmlab_root;

/**
 * vmlab_debugfs_dir - create /sys/kernel/debug/vmlab/@name/
 * @name: the module's short name, e.g. "tlbstat"
 *
 * Return: the directory, or an ERR_PTR; the caller removes it with
 * debugfs_remove_recursive() on unload.
 */
struct dentry *vmlab_debugfs_dir(const char *name)
{
	return debugfs_create_dir(name, vmlab_root);
}
EXPORT_SYMBOL_GPL(vmlab_debugfs_dir);

static int version_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "vmlab %s on %s\n", VMLAB_VERSION, init_utsname()->release);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(version);

static int __init vmlab_core_init(void)
{
	struct dentry *d;

	vmlab_root = debugfs_create_dir("vmlab", NULL);
	if (IS_ERR(vmlab_root)) {
		pr_err("cannot create debugfs directory: %ld\n", PTR_ERR(vmlab_root));
		return PTR_ERR(vmlab_root);
	}
	d = debugfs_create_file("version", 0400, vmlab_root, NULL, &version_fops);
	if (IS_ERR(d)) {
		debugfs_remove_recursive(vmlab_root);
		return PTR_ERR(d);
	}
	pr_info("loaded, debugfs at vmlab/\n");
	return 0;
}

static void __exit vmlab_core_exit(void)
{
	debugfs_remove_recursive(vmlab_root);
}

module_init(vmlab_core_init);
module_exit(vmlab_core_exit);
MODULE_DESCRIPTION("vmlab core: debugfs root, per-CPU counters, histograms, tunables");
MODULE_LICENSE("GPL");
MODULE_VERSION(VMLAB_VERSION);
