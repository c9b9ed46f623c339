// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab_balloon: a guest balloon driven from debugfs (local mode) or by a
 * host through a virtio-balloon device (virtio mode, virtio.c).  A new
 * target, written to target_pages or set by the host, makes a worker
 * inflate (take pages from the guest) or deflate toward it; the
 * working-set guard paces inflation by the guest's refaults, major faults
 * and reclaim, so reclaim evicts cold pages before hot ones.
 * See Documentation/balloon.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/vmstat.h>

#include "internal.h"
#include "target.h"

static const char * const vb_counter_names[] = {
	[VB_INFLATED] = "inflated_pages",
	[VB_DEFLATED] = "deflated_pages",
	[VB_INFLATE_OPS] = "inflate_ops",
	[VB_DEFLATE_OPS] = "deflate_ops",
	[VB_ALLOC_FAILS] = "alloc_failures",
	[VB_OOM_EVENTS] = "oom_events",
	[VB_OOM_DEFLATED] = "oom_deflated_pages",
	[VB_SHRINK_DEFLATED] = "shrinker_deflated_pages",
	[VB_MIGRATED] = "migrated_pages",
	[VB_INFLATE_NS] = "inflate_ns",
	[VB_DEFLATE_NS] = "deflate_ns",
	[VB_STEPS_FULL] = "steps_full",
	[VB_STEPS_PACED] = "steps_paced",
	[VB_GUARD_PAUSES] = "guard_pauses",
	[VB_GUARD_PAUSED_MS] = "guard_paused_ms",
	[VB_HELPER_INFLATED] = "helper_inflated_pages",
	[VB_DEFLATE_BATCHES] = "deflate_batches",
	[VB_DEFLATE_STALLS] = "deflate_stalls",
	[VB_HOST_TARGETS] = "host_targets",
	[VB_HOST_INFLATE_MSGS] = "host_inflate_msgs",
	[VB_HOST_DEFLATE_MSGS] = "host_deflate_msgs",
	[VB_HOST_MIGRATE_MSGS] = "host_migrations",
	[VB_HOST_STATS_REPORTS] = "host_stats_reports",
	[VB_HOST_ERRORS] = "host_errors",
	[VB_HOST_REPORTED] = "host_reported_pages",
};

static_assert(ARRAY_SIZE(vb_counter_names) == VB_NR_COUNTERS);

/* free_page_reporting: registration follows the knob (virtio.c). */
static int vb_set_reporting(struct vmlab_tunable *t, u64 val)
{
	return vb_virtio_set_reporting(val);
}

struct vb_balloon vb = {
	.target_lock = __MUTEX_INITIALIZER(vb.target_lock),
	.tun = {
		[VB_T_BATCH] = { .name = "batch_pages", .val = 1024,
				 .min = 1, .max = 65536 },
		[VB_T_RATE] = { .name = "rate_pages", .val = 2560,
				.min = 1, .max = 1 << 24 },
		[VB_T_THRESHOLD] = { .name = "refault_threshold", .val = 200,
				     .min = 0, .max = 1000000000 },
		[VB_T_FREE_MARGIN] = { .name = "free_margin_pages", .min = 0 },
		[VB_T_GUARD] = { .name = "guard", .val = 1, .min = 0, .max = 1 },
		[VB_T_RETRY_MS] = { .name = "retry_ms", .val = 200,
				    .min = 10, .max = 60000 },
		[VB_T_BACKOFF_MS] = { .name = "backoff_ms", .val = 1000,
				      .min = 0, .max = 600000 },
		[VB_T_OOM_PAGES] = { .name = "oom_pages", .val = 256,
				     .min = 1, .max = 65536 },
		[VB_T_SHRINKER] = { .name = "shrinker", .val = 0,
				    .min = 0, .max = 1 },
		[VB_T_INFLATE_CPUS] = { .name = "inflate_cpus", .val = 4,
					.min = 1, .max = VB_MAX_INFLATE_CPUS },
		[VB_T_HOST_RESERVE] = { .name = "host_reserve_pages", .min = 0 },
		[VB_T_FREE_PAGE_REPORTING] = { .name = "free_page_reporting", .val = 0,
					       .min = 0, .max = 1,
					       .set = vb_set_reporting },
	},
};

static ssize_t vb_target_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	char buf[VB_TARGET_MAX_INPUT];
	u64 pages;
	int ret;

	/* The text itself, not a number: suffixes and hex are parsed below. */
	if (*ppos || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	ret = vb_parse_target(buf, count, &pages);
	if (ret) {
		pr_warn_ratelimited("target_pages: '%s' is %s\n", strim(buf),
				    ret == -ERANGE ? "too large" :
				    "not a page count or a size");
		return ret;
	}
	/*
	 * Writers in order: the last write is the target the worker ends at.
	 * A new target is a new request and ends any OOM/shrinker hold-off.
	 * While a device is bound the host owns the target: a local write
	 * would be undone at the host's next config change, and the host
	 * would see a balloon it did not ask for, so it is refused.
	 */
	mutex_lock(&vb.target_lock);
	if (vb_virtio_bound()) {
		mutex_unlock(&vb.target_lock);
		pr_warn_ratelimited("target_pages: a virtio device is bound, the host sets the target\n");
		return -EBUSY;
	}
	WRITE_ONCE(vb.target, pages);
	WRITE_ONCE(vb.backoff_until, jiffies);
	vb_kick();
	mutex_unlock(&vb.target_lock);
	return count;
}

/**
 * vb_set_host_target - the bound device's config num_pages changed
 * @pages: the host's target, in guest pages
 *
 * The same request as a local write: the worker and the guard move the
 * balloon there.  A target beyond RAM is taken as far as allocation goes,
 * like a local one, and ends in state retrying (or reserve, see
 * host_reserve_pages) with failed_at_pages set.
 */
void vb_set_host_target(unsigned long pages)
{
	if (pages > totalram_pages())
		pr_info_ratelimited("host target %lu pages exceeds RAM (%lu pages): inflating what can be taken\n",
				    pages, totalram_pages());
	mutex_lock(&vb.target_lock);
	vmlab_counter_inc(&vb.counters, VB_HOST_TARGETS);
	WRITE_ONCE(vb.target, pages);
	WRITE_ONCE(vb.backoff_until, jiffies);
	vb_kick();
	mutex_unlock(&vb.target_lock);
}

static ssize_t vb_target_read(struct file *file, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	char buf[24];
	int len = scnprintf(buf, sizeof(buf), "%lu\n", READ_ONCE(vb.target));

	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations vb_target_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = vb_target_read,
	.write = vb_target_write,
	.llseek = default_llseek,
};

static int vb_actual_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "%ld\n", atomic_long_read(&vb.actual));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vb_actual);

/* Where the worker is and why: the answer to "why has it not got there?". */
static int vb_status_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "state %s\n", vb_state_name(READ_ONCE(vb.state)));
	seq_printf(m, "guard_mode %s\n", vb_pace_mode_name(READ_ONCE(vb.mode)));
	seq_printf(m, "target_pages %lu\n", READ_ONCE(vb.target));
	seq_printf(m, "actual_pages %ld\n", atomic_long_read(&vb.actual));
	seq_printf(m, "isolated_pages %lu\n", READ_ONCE(vb.bdi.isolated_pages));
	seq_printf(m, "failed_at_pages %lu\n", READ_ONCE(vb.failed_at));
	seq_printf(m, "refault_rate %llu\n", READ_ONCE(vb.signals.refault_rate));
	seq_printf(m, "majfault_rate %llu\n", READ_ONCE(vb.signals.majfault_rate));
	seq_printf(m, "scan_rate %llu\n", READ_ONCE(vb.signals.scan_rate));
	seq_printf(m, "worker_pid %d\n", task_pid_nr(vb.worker->task));
	vb_virtio_status(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vb_status);

/* The figures a host polls from a virtio balloon, in the same units. */
static int vb_meminfo_show(struct seq_file *m, void *unused)
{
	struct vb_meminfo mi;
	struct vb_events e;

	vb_meminfo_read(&mi);
	vb_events_read(&e);
	seq_printf(m, "total_bytes %llu\n", mi.total_bytes);
	seq_printf(m, "free_bytes %llu\n", mi.free_bytes);
	seq_printf(m, "available_bytes %llu\n", mi.available_bytes);
	seq_printf(m, "cache_bytes %llu\n", mi.cache_bytes);
	seq_printf(m, "swap_in_bytes %llu\n", mi.swap_in_bytes);
	seq_printf(m, "swap_out_bytes %llu\n", mi.swap_out_bytes);
	seq_printf(m, "major_faults %llu\n", mi.major_faults);
	seq_printf(m, "minor_faults %llu\n", mi.minor_faults);
	seq_printf(m, "workingset_refaults %lu\n",
		   global_node_page_state(WORKINGSET_REFAULT_ANON) +
		   global_node_page_state(WORKINGSET_REFAULT_FILE));
	seq_printf(m, "reclaim_scanned %llu\n", e.pgscan);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vb_meminfo);

static int vb_debugfs_init(void)
{
	struct dentry *d;
	int i;

	vb.dir = vmlab_debugfs_dir("balloon");
	if (IS_ERR(vb.dir))
		return PTR_ERR(vb.dir);
	d = debugfs_create_file("target_pages", 0600, vb.dir, NULL, &vb_target_fops);
	if (IS_ERR(d))
		return PTR_ERR(d);
	d = debugfs_create_file("actual_pages", 0400, vb.dir, NULL, &vb_actual_fops);
	if (IS_ERR(d))
		return PTR_ERR(d);
	d = debugfs_create_file("status", 0400, vb.dir, NULL, &vb_status_fops);
	if (IS_ERR(d))
		return PTR_ERR(d);
	d = debugfs_create_file("meminfo", 0400, vb.dir, NULL, &vb_meminfo_fops);
	if (IS_ERR(d))
		return PTR_ERR(d);
	d = vmlab_counters_debugfs("stats", vb.dir, &vb.counters);
	if (IS_ERR(d))
		return PTR_ERR(d);
	for (i = 0; i < VB_NR_TUNABLES; i++) {
		d = vmlab_tunable_debugfs(&vb.tun[i], vb.dir);
		if (IS_ERR(d))
			return PTR_ERR(d);
	}
	return 0;
}

static int __init vb_init(void)
{
	unsigned long ram = totalram_pages();
	int ret;

	/* Pace once less than 1/16 of RAM is free (128 MiB of 2 GiB). */
	vb.tun[VB_T_FREE_MARGIN].val = ram / 16;
	vb.tun[VB_T_FREE_MARGIN].max = ram;
	/* 16 MiB of 1 GiB: room for forks and page tables, not for a workload. */
	vb.tun[VB_T_HOST_RESERVE].val = ram / 64;
	vb.tun[VB_T_HOST_RESERVE].max = ram;
	vb_worker_init();

	ret = vmlab_counters_init(&vb.counters, vb_counter_names, VB_NR_COUNTERS);
	if (ret)
		return ret;
	/*
	 * Started now: since 6.14 kthread_create_worker() leaves the thread
	 * unstarted in D state, which the hung-task detector reports when no
	 * target comes within two minutes.
	 */
	vb.worker = kthread_run_worker(KTW_FREEZABLE, "vmlab_balloon");
	if (IS_ERR(vb.worker)) {
		ret = PTR_ERR(vb.worker);
		goto err_counters;
	}
	ret = vb_pressure_init();
	if (ret)
		goto err_worker;
	ret = vb_debugfs_init();
	if (ret)
		goto err_debugfs;
	/* Last: a device binds at once and its target drives the worker. */
	ret = vb_virtio_init();
	if (ret)
		goto err_debugfs;
	pr_info("loaded: %lu pages of RAM, free margin %llu pages\n", ram,
		vb_tunable(VB_T_FREE_MARGIN));
	return 0;

err_debugfs:
	debugfs_remove_recursive(vb.dir);
	/* A write may have started the worker before a later file failed. */
	WRITE_ONCE(vb.stopping, true);
	kthread_cancel_delayed_work_sync(&vb.work);
	vb_pressure_exit();
	vb_deflate_all();
err_worker:
	kthread_destroy_worker(vb.worker);
err_counters:
	vmlab_counters_destroy(&vb.counters);
	return ret;
}

static void __exit vb_exit(void)
{
	/*
	 * No new targets; unbinding a device returns its pages through the
	 * deflate queue while the device is there; then no worker, then
	 * every page back.
	 */
	debugfs_remove_recursive(vb.dir);
	vb_virtio_exit();
	WRITE_ONCE(vb.stopping, true);
	kthread_cancel_delayed_work_sync(&vb.work);
	kthread_destroy_worker(vb.worker);
	vb_pressure_exit();
	vb_deflate_all();
	pr_info("unloaded: %llu pages inflated, %llu deflated over the module's life\n",
		vmlab_counters_read(&vb.counters, VB_INFLATED),
		vmlab_counters_read(&vb.counters, VB_DEFLATED));
	vmlab_counters_destroy(&vb.counters);
}

module_init(vb_init);
module_exit(vb_exit);
MODULE_DESCRIPTION("vmlab balloon: a guest balloon with a working-set guard");
MODULE_LICENSE("GPL");
MODULE_VERSION(VMLAB_VERSION);
