/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmlab_balloon internals shared by main.c (debugfs, life cycle), worker.c
 * (inflate, deflate, migration), pressure.c (OOM notifier, shrinker) and
 * virtio.c (the virtio-balloon front end).
 */
#ifndef _VMLAB_BALLOON_INTERNAL_H
#define _VMLAB_BALLOON_INTERNAL_H

#include <linux/atomic.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>

#include <vmlab/compat.h>	/* linux/balloon.h or its predecessor */
#include <vmlab/stats.h>

#include "pace.h"

/* Counters in "stats"; names in main.c. */
enum vb_counter {
	VB_INFLATED,
	VB_DEFLATED,
	VB_INFLATE_OPS,
	VB_DEFLATE_OPS,
	VB_ALLOC_FAILS,
	VB_OOM_EVENTS,
	VB_OOM_DEFLATED,
	VB_SHRINK_DEFLATED,
	VB_MIGRATED,
	VB_INFLATE_NS,
	VB_DEFLATE_NS,
	VB_STEPS_FULL,
	VB_STEPS_PACED,
	VB_GUARD_PAUSES,
	VB_GUARD_PAUSED_MS,
	VB_HELPER_INFLATED,
	VB_DEFLATE_BATCHES,
	VB_DEFLATE_STALLS,
	VB_HOST_TARGETS,
	VB_HOST_INFLATE_MSGS,
	VB_HOST_DEFLATE_MSGS,
	VB_HOST_MIGRATE_MSGS,
	VB_HOST_STATS_REPORTS,
	VB_HOST_ERRORS,
	VB_HOST_REPORTED,
	VB_NR_COUNTERS,
};

/* Why the worker is not (or no longer) moving toward the target. */
enum vb_state {
	VB_IDLE,		/* actual == target */
	VB_INFLATING,
	VB_DEFLATING,
	VB_PACED,		/* inflating at the guard's rate */
	VB_PAUSED,		/* guard: refault rate at or above threshold */
	VB_RETRYING,		/* allocation failed; retry after retry_ms */
	VB_BACKOFF,		/* OOM or shrinker deflated us; wait before refilling */
	VB_RESERVE,		/* virtio, no DEFLATE_ON_OOM: host_reserve_pages reached */
};

/* Where a deflation comes from, for the counters. */
enum vb_cause {
	VB_CAUSE_TARGET,
	VB_CAUSE_OOM,
	VB_CAUSE_SHRINKER,
	VB_CAUSE_UNLOAD,	/* unload, and a switch between local and virtio mode */
};

enum vb_tunable_id {
	VB_T_BATCH,
	VB_T_RATE,
	VB_T_THRESHOLD,
	VB_T_FREE_MARGIN,
	VB_T_GUARD,
	VB_T_RETRY_MS,
	VB_T_BACKOFF_MS,
	VB_T_OOM_PAGES,
	VB_T_SHRINKER,
	VB_T_INFLATE_CPUS,
	VB_T_HOST_RESERVE,
	VB_T_FREE_PAGE_REPORTING,
	VB_NR_TUNABLES,
};

/* CPUs that take free 2 MiB blocks at once in full mode (inflate_cpus). */
#define VB_MAX_INFLATE_CPUS 8

/* The vm events the balloon reports or paces by. */
struct vb_events {
	u64 pgfault;
	u64 pgmajfault;
	u64 pswpin;
	u64 pswpout;
	u64 pgscan;	/* kswapd + direct */
};

/*
 * The figures a host polls from a balloon's stats queue, in its units
 * (bytes, or events): the "meminfo" file and the stats queue both read them.
 */
struct vb_meminfo {
	u64 total_bytes;
	u64 free_bytes;
	u64 available_bytes;
	u64 cache_bytes;
	u64 swap_in_bytes;
	u64 swap_out_bytes;
	u64 major_faults;
	u64 minor_faults;
};

/*
 * Pages reported to a host in one message on the inflate or deflate queue:
 * the batch virtio_balloon sends, and the most some device models accept.
 * A deflation holds the list lock for this many pages at a time too.
 */
#define VB_PFN_BATCH 256

/* Cumulative guest counters, for rates over a window. */
struct vb_sample {
	u64 refaults;
	u64 majfaults;
	u64 scanned;
	unsigned long when;	/* jiffies */
};

struct vb_balloon {
	struct balloon_dev_info bdi;
	atomic_long_t actual;		/* pages in the balloon, isolated ones too */
	unsigned long target;		/* pages; written under target_lock */
	struct mutex target_lock;
	/*
	 * One named kthread of our own rather than a shared kworker, so that
	 * fail_page_alloc's task filter can aim at the balloon alone.
	 */
	struct kthread_worker *worker;
	struct kthread_delayed_work work;
	bool stopping;

	/* Worker-only state (the work item never runs concurrently with itself). */
	struct vb_sample window;	/* start of the current sampling window */
	struct vb_pace_signals signals;	/* rates over the last full window */
	unsigned long last_step;	/* jiffies of the last paced step */
	unsigned long backoff_until;	/* jiffies; set by OOM and shrinker */
	bool paused;
	unsigned long pause_start;	/* jiffies */

	/* What the status file reports; written by the worker. */
	enum vb_state state;
	enum vb_pace_mode mode;
	unsigned long failed_at;	/* actual when allocation last failed */

	struct vmlab_counters counters;
	struct vmlab_tunable tun[VB_NR_TUNABLES];
	struct dentry *dir;
	struct notifier_block oom_nb;
	struct shrinker *shrinker;
};

extern struct vb_balloon vb;

static inline u64 vb_tunable(enum vb_tunable_id id)
{
	return READ_ONCE(vb.tun[id].val);
}

/* main.c */
void vb_set_host_target(unsigned long pages);
void vb_switch_mode(void (*publish)(void *arg), void *arg);

/* worker.c */
void vb_worker_init(void);
void vb_kick(void);
unsigned long vb_deflate(unsigned long nr, enum vb_cause cause);
void vb_deflate_all(void);
void vb_sample_read(struct vb_sample *s);
void vb_events_read(struct vb_events *e);
void vb_meminfo_read(struct vb_meminfo *mi);
const char *vb_state_name(enum vb_state state);

/* pressure.c */
int vb_pressure_init(void);
void vb_pressure_exit(void);

/* virtio.c: in local mode (no device bound) each call is a no-op or a plain free. */
int vb_virtio_init(void);
void vb_virtio_exit(void);
bool vb_virtio_bound(void);
bool vb_virtio_may_deflate_on_pressure(void);
int vb_virtio_inflated(struct list_head *pages);
void vb_virtio_release(struct list_head *pages);
int vb_virtio_migrate(struct page *newpage, struct page *page);
void vb_virtio_update_actual(void);
void vb_virtio_status(struct seq_file *m);
int vb_virtio_set_reporting(bool on);

#endif /* _VMLAB_BALLOON_INTERNAL_H */
