// SPDX-License-Identifier: GPL-2.0
/*
 * samepage scanner: a freezable kthread that visits pages_to_scan pages of
 * all regions every sleep_millisecs, in region order, resuming where it
 * stopped.  A batch ends early at the end of a full scan, as in KSM.
 * Each visit holds sp.lock and the visited slot's region lock, so faults
 * in every other region go on meanwhile.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/freezer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/rcupdate.h>
#include <linux/ktime.h>
#include <linux/sched.h>

#include "samepage.h"

/* The next slot to visit, or NULL at the end of a full scan. */
static struct sp_slot *sp_next_slot(void)
{
	struct sp_slot *slot;

	if (!sp.cursor) {
		if (list_empty(&sp.regions))
			return NULL;
		sp.cursor = list_first_entry(&sp.regions, struct sp_region, node);
		sp.cursor_index = 0;
	}
	for (;;) {
		slot = sp_region_next_slot(sp.cursor, &sp.cursor_index);
		if (slot)
			return slot;
		if (list_is_last(&sp.cursor->node, &sp.regions)) {
			sp.cursor = NULL;
			sp_count(SP_FULL_SCANS);
			return NULL;
		}
		sp.cursor = list_next_entry(sp.cursor, node);
		sp.cursor_index = 0;
	}
}

/* A region is being released: move the cursor off it. */
void sp_scan_forget_region(struct sp_region *r)
{
	if (sp.cursor != r)
		return;
	if (list_is_last(&r->node, &sp.regions)) {
		sp.cursor = NULL;
		sp_count(SP_FULL_SCANS);
	} else {
		sp.cursor = list_next_entry(r, node);
		sp.cursor_index = 0;
	}
}

static void sp_visit(struct sp_slot *slot)
{
	bool was = sp_vstate_volatile(&slot->v);
	enum sp_verdict verdict;
	u64 hash;

	sp_count(SP_PAGES_SCANNED);
	if (slot->v.slot_merged || vmlab_sp_visit_skip(&slot->v))
		return;
	hash = sp_page_hash(slot->page);
	/* Its unstable bucket's key holds its hash: it leaves before that changes. */
	if ((u32)hash != slot->v.hash)
		sp_unstable_del(slot);
	verdict = vmlab_sp_visit(&slot->v, hash, sp_tun(SPT_STABLE_SCANS));
	sp_slot_volatile_adjust(slot, was);
	if (verdict == SP_CANDIDATE)
		sp_merge(slot, hash);
}

/* Returns false at the end of a full scan or when told to stop. */
static bool sp_scan_one(void)
{
	struct sp_slot *slot;
	u64 start;

	mutex_lock(&sp.lock);
	if (sp.run != 1) {
		mutex_unlock(&sp.lock);
		return false;
	}
	sp_reap();
	slot = sp_next_slot();
	if (slot) {
		struct sp_region *r = sp_slot_region(slot);

		start = ktime_get_ns();
		mutex_lock(&r->lock);
		sp_visit(slot);
		mutex_unlock(&r->lock);
		vmlab_hist_record(&sp.scan_ns, ktime_get_ns() - start);
	}
	mutex_unlock(&sp.lock);
	return slot;
}

static void sp_scan_batch(void)
{
	u64 n = sp_tun(SPT_PAGES_TO_SCAN);

	while (n-- && !kthread_should_stop() && !freezing(current)) {
		if (!sp_scan_one())
			break;
		cond_resched();
	}
}

static int sp_scan_thread(void *unused)
{
	/*
	 * Below the processes whose pages it merges, as ksmd is: at
	 * sleep_millisecs=0 it is always runnable, and a fault it woke on
	 * its own CPU (by handing over a region lock) may otherwise wait for
	 * the next tick to run (samepage.rst, "Parallel faults").
	 */
	set_user_nice(current, 5);
	set_freezable();
	while (!kthread_should_stop()) {
		if (READ_ONCE(sp.run) == 1) {
			sp_scan_batch();
			/*
			 * sleep_millisecs=0 never sleeps, and cond_resched()
			 * either does nothing (full preemption) or schedules as
			 * a preemption, which RCU Tasks does not count: without
			 * this report the thread never passes an RCU Tasks
			 * quiescent state, and every synchronize_rcu_tasks()
			 * (the kprobe optimizer, ftrace) waits until the
			 * scanner stops.
			 */
			cond_resched_tasks_rcu_qs();
			long timeout = msecs_to_jiffies(sp_tun(SPT_SLEEP_MILLISECS));

			wait_event_freezable_timeout(sp.wait, kthread_should_stop() ||
						     READ_ONCE(sp.run) != 1, timeout);
		} else {
			wait_event_freezable(sp.wait, kthread_should_stop() ||
					     READ_ONCE(sp.run) == 1);
		}
	}
	return 0;
}

int sp_scan_start(void)
{
	struct task_struct *t = kthread_run(sp_scan_thread, NULL, "vmlab_samepaged");

	if (IS_ERR(t))
		return PTR_ERR(t);
	sp.thread = t;
	return 0;
}

void sp_scan_stop(void)
{
	kthread_stop(sp.thread);
}
