// SPDX-License-Identifier: GPL-2.0
/*
 * Tunables: one u64 per debugfs file, range-checked, with an optional
 * setter.  Each file is the kernel's debugfs attribute, so it parses as
 * every other u64 knob in debugfs does (kstrtoull, base 0: decimal, 0x
 * hex or 0 octal, one trailing newline) and a write that races with the
 * directory's removal is waited for.  A refused write leaves the value
 * exactly as it was.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mutex.h>

#include <vmlab/stats.h>

static int vmlab_tunable_get(void *data, u64 *val)
{
	struct vmlab_tunable *t = data;

	*val = READ_ONCE(t->val);
	return 0;
}

static int vmlab_tunable_set(void *data, u64 val)
{
	struct vmlab_tunable *t = data;
	int ret;

	if (val < t->min || val > t->max) {
		pr_warn_ratelimited("vmlab: %s: %llu is outside [%llu, %llu]\n",
				    t->name, val, t->min, t->max);
		return -ERANGE;
	}
	mutex_lock(&t->lock);
	ret = t->set ? t->set(t, val) : 0;
	if (!ret)
		WRITE_ONCE(t->val, val);
	mutex_unlock(&t->lock);
	return ret;
}

DEFINE_DEBUGFS_ATTRIBUTE(vmlab_tunable_fops, vmlab_tunable_get, vmlab_tunable_set,
			 "%llu\n");

/*
 * The file belongs to the caller's directory.  The attribute's read and
 * write take the debugfs file reference themselves, so the file needs no
 * proxy (hence _unsafe), and debugfs_remove_recursive() of the directory
 * still waits for them before it returns.
 */
struct dentry *vmlab_tunable_debugfs(struct vmlab_tunable *t, struct dentry *dir)
{
	mutex_init(&t->lock);
	return debugfs_create_file_unsafe(t->name, 0600, dir, t, &vmlab_tunable_fops);
}
EXPORT_SYMBOL_GPL(vmlab_tunable_debugfs);
