// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab tlbstat: TLB flush and shootdown counters, shootdown latency and
 * the tasks that cause the most shootdowns, under
 * /sys/kernel/debug/vmlab/tlbstat/.  The probes are attached only while
 * `enable` is 1, so a disabled tlbstat costs nothing on the flush paths.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "tlbstat.h"

static bool enable = true;
module_param(enable, bool, 0400);
MODULE_PARM_DESC(enable, "count from load time (default: yes)");

struct tlbstat_stats tlbstat_stats;
struct tlbstat_top tlbstat_top;
struct vmlab_hist tlbstat_latency;

/* Serialises attach, detach, reset and readers of the probe state. */
static DEFINE_MUTEX(tlbstat_mutex);
static bool tlbstat_attached;
static struct dentry *tlbstat_dir;

static int tlbstat_attach(void)
{
	int ret;

	lockdep_assert_held(&tlbstat_mutex);
	if (tlbstat_attached)
		return 0;
	ret = tlbstat_tp_attach();
	if (ret)
		return ret;
	tlbstat_lat_attach();
	tlbstat_attached = true;
	return 0;
}

static void tlbstat_detach(void)
{
	lockdep_assert_held(&tlbstat_mutex);
	if (!tlbstat_attached)
		return;
	tlbstat_lat_detach();
	tlbstat_tp_detach();
	tlbstat_attached = false;
}

static int tlbstat_enable_set(struct vmlab_tunable *t, u64 val)
{
	int ret = 0;

	mutex_lock(&tlbstat_mutex);
	if (val)
		ret = tlbstat_attach();
	else
		tlbstat_detach();
	mutex_unlock(&tlbstat_mutex);
	return ret;
}

static struct vmlab_tunable tlbstat_enable = {
	.name = "enable",
	.min = 0,
	.max = 1,
	.set = tlbstat_enable_set,
};

static void tlbstat_reset_all(void)
{
	mutex_lock(&tlbstat_mutex);
	vmlab_tlbstat_stats_reset(&tlbstat_stats);
	vmlab_tlbstat_top_reset(&tlbstat_top);
	tlbstat_lat_reset();
	mutex_unlock(&tlbstat_mutex);
}

/* Write "1" to zero everything; the file reads as empty. */
static ssize_t reset_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	u64 val;
	int ret;

	/* One whole write: a partial one must not reset anything. */
	if (*ppos)
		return -EINVAL;
	ret = kstrtou64_from_user(ubuf, count, 0, &val);
	if (!ret && val != 1)
		ret = -ERANGE;
	if (ret) {
		pr_warn_ratelimited("reset: write 1 to reset\n");
		return ret;
	}
	tlbstat_reset_all();
	return count;
}

static ssize_t reset_read(struct file *file, char __user *ubuf, size_t count,
			  loff_t *ppos)
{
	return 0;
}

static const struct file_operations reset_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = reset_read,
	.write = reset_write,
	.llseek = default_llseek,
};

static int top_show(struct seq_file *m, void *unused)
{
	struct tlbstat_top_entry *e;
	unsigned int i, nr;
	u64 evictions;

	e = kmalloc_array(TLBSTAT_TOP_MAX, sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	nr = vmlab_tlbstat_top_snapshot(&tlbstat_top, e, &evictions);
	seq_printf(m, "# size %u evictions %llu\n", tlbstat_top.size, evictions);
	seq_puts(m, "# pid shootdowns error pages full pages_per_shootdown_x100 comm\n");
	for (i = 0; i < nr; i++) {
		/* Batching per task: pages per ranged round, as in batching. */
		u64 ranged = e[i].shootdowns - e[i].error - e[i].full;

		seq_printf(m, "%d %llu %llu %llu %llu %llu %s\n", e[i].pid,
			   e[i].shootdowns, e[i].error, e[i].pages, e[i].full,
			   ranged ? div64_u64(e[i].pages * 100, ranged) : 0,
			   e[i].comm);
	}
	kfree(e);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(top);

/*
 * Batching efficiency: how many pages each shootdown round covered.  Full
 * flushes have no page count, so the ratio is over ranged rounds only; the
 * receivers per round say how many CPUs each round interrupted.
 */
static int batching_show(struct seq_file *m, void *unused)
{
	struct vmlab_counters *c = &tlbstat_stats.ctr;
	u64 sent = vmlab_counters_read(c, TS_SENT);
	u64 full = vmlab_counters_read(c, TS_SENT_FULL);
	u64 pages = vmlab_counters_read(c, TS_SENT_PAGES);
	u64 recv = vmlab_counters_read(c, TS_RECEIVED);
	u64 ranged = sent > full ? sent - full : 0;

	seq_printf(m, "shootdowns %llu\nshootdowns_ranged %llu\nshootdowns_full %llu\n",
		   sent, ranged, full);
	seq_printf(m, "pages_ranged %llu\n", pages);
	seq_printf(m, "pages_per_shootdown_x100 %llu\n",
		   ranged ? div64_u64(pages * 100, ranged) : 0);
	seq_printf(m, "received_per_shootdown_x100 %llu\n",
		   sent ? div64_u64(recv * 100, sent) : 0);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(batching);

/* Events by CPU, to set beside the per-CPU TLB row of /proc/interrupts. */
static int percpu_show(struct seq_file *m, void *unused)
{
	static const int cols[] = {
		TS_TASK_SWITCH, TS_RECEIVED, TS_LOCAL, TS_LOCAL_MM, TS_SENT,
	};
	struct vmlab_counters *c = &tlbstat_stats.ctr;
	unsigned int i;
	int cpu;

	seq_puts(m, "# cpu");
	for (i = 0; i < ARRAY_SIZE(cols); i++)
		seq_printf(m, " %s", c->names[cols[i]]);
	seq_putc(m, '\n');
	for_each_possible_cpu(cpu) {
		seq_printf(m, "%d", cpu);
		for (i = 0; i < ARRAY_SIZE(cols); i++)
			seq_printf(m, " %llu", *per_cpu_ptr(&c->vals[cols[i]], cpu));
		seq_putc(m, '\n');
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(percpu);

static int latency_probe_show(struct seq_file *m, void *unused)
{
	mutex_lock(&tlbstat_mutex);
	tlbstat_lat_show(m);
	mutex_unlock(&tlbstat_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(latency_probe);

static int tlbstat_debugfs(void)
{
	static const char * const hist_names[TLBSTAT_NR_HISTS] = {
		[TLBSTAT_HIST_SENT] = "pages_sent",
		[TLBSTAT_HIST_RECEIVED] = "pages_received",
		[TLBSTAT_HIST_LOCAL] = "pages_local",
	};
	struct dentry *d;
	int i;

	tlbstat_dir = vmlab_debugfs_dir("tlbstat");
	if (IS_ERR(tlbstat_dir))
		return PTR_ERR(tlbstat_dir);

	d = vmlab_counters_debugfs("stats", tlbstat_dir, &tlbstat_stats.ctr);
	if (IS_ERR(d))
		goto err;
	for (i = 0; i < TLBSTAT_NR_HISTS; i++) {
		d = vmlab_hist_debugfs(hist_names[i], tlbstat_dir, &tlbstat_stats.pages[i]);
		if (IS_ERR(d))
			goto err;
	}
	d = vmlab_hist_debugfs("latency", tlbstat_dir, &tlbstat_latency);
	if (IS_ERR(d))
		goto err;
	d = debugfs_create_file("latency_probe", 0400, tlbstat_dir, NULL,
				&latency_probe_fops);
	if (IS_ERR(d))
		goto err;
	d = debugfs_create_file("percpu", 0400, tlbstat_dir, NULL, &percpu_fops);
	if (IS_ERR(d))
		goto err;
	d = debugfs_create_file("top", 0400, tlbstat_dir, NULL, &top_fops);
	if (IS_ERR(d))
		goto err;
	d = debugfs_create_file("batching", 0400, tlbstat_dir, NULL, &batching_fops);
	if (IS_ERR(d))
		goto err;
	d = debugfs_create_file("reset", 0600, tlbstat_dir, NULL, &reset_fops);
	if (IS_ERR(d))
		goto err;
	tlbstat_enable.val = tlbstat_attached;
	d = vmlab_tunable_debugfs(&tlbstat_enable, tlbstat_dir);
	if (IS_ERR(d))
		goto err;
	return 0;

err:
	debugfs_remove_recursive(tlbstat_dir);
	return PTR_ERR(d);
}

static int __init tlbstat_init(void)
{
	int ret;

	ret = tlbstat_tp_find();
	if (ret)
		return ret;
	ret = vmlab_tlbstat_stats_init(&tlbstat_stats);
	if (ret)
		return ret;
	ret = vmlab_hist_init(&tlbstat_latency, "ns");
	if (ret)
		goto err_stats;
	vmlab_tlbstat_top_init(&tlbstat_top, TLBSTAT_TOP_MAX);

	if (enable) {
		mutex_lock(&tlbstat_mutex);
		ret = tlbstat_attach();
		mutex_unlock(&tlbstat_mutex);
		if (ret)
			goto err_latency;
	}
	ret = tlbstat_debugfs();
	if (ret)
		goto err_detach;
	pr_info("loaded, counting %s\n", tlbstat_attached ? "on" : "off");
	return 0;

err_detach:
	mutex_lock(&tlbstat_mutex);
	tlbstat_detach();
	mutex_unlock(&tlbstat_mutex);
err_latency:
	vmlab_hist_destroy(&tlbstat_latency);
err_stats:
	vmlab_tlbstat_stats_destroy(&tlbstat_stats);
	return ret;
}

static void __exit tlbstat_exit(void)
{
	/* No writer of enable or reset can run once the files are gone. */
	debugfs_remove_recursive(tlbstat_dir);
	mutex_lock(&tlbstat_mutex);
	tlbstat_detach();
	mutex_unlock(&tlbstat_mutex);
	vmlab_hist_destroy(&tlbstat_latency);
	vmlab_tlbstat_stats_destroy(&tlbstat_stats);
}

module_init(tlbstat_init);
module_exit(tlbstat_exit);
MODULE_DESCRIPTION("vmlab tlbstat: TLB flush, shootdown and batching counters");
MODULE_LICENSE("GPL");
MODULE_VERSION(VMLAB_VERSION);
