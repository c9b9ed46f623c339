// SPDX-License-Identifier: GPL-2.0
/*
 * Inflation, deflation and page migration.  One delayed work item on the
 * balloon's own kthread worker moves the balloon toward its target a batch
 * at a time and requeues itself, so a new target, a pause or a retry never
 * blocks a writer or loops in place.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/vmstat.h>

#include "internal.h"

/* The guard's sampling window, and how often a paced or paused balloon looks again. */
#define VB_SAMPLE_MS 100

/*
 * all_vm_events() fills an array of every event (about 1 KiB): keep one
 * static copy rather than put it on the stack of each reader.
 */
static unsigned long vb_events[NR_VM_EVENT_ITEMS];
static DEFINE_MUTEX(vb_events_lock);

void vb_events_read(struct vb_events *e)
{
	mutex_lock(&vb_events_lock);
	all_vm_events(vb_events);
	e->pgfault = vb_events[PGFAULT];
	e->pgmajfault = vb_events[PGMAJFAULT];
	e->pswpin = vb_events[PSWPIN];
	e->pswpout = vb_events[PSWPOUT];
	e->pgscan = vb_events[PGSCAN_KSWAPD] + vb_events[PGSCAN_DIRECT];
	mutex_unlock(&vb_events_lock);
}

void vb_sample_read(struct vb_sample *s)
{
	struct vb_events e;

	vb_events_read(&e);
	s->refaults = global_node_page_state(WORKINGSET_REFAULT_ANON) +
		      global_node_page_state(WORKINGSET_REFAULT_FILE);
	s->majfaults = e.pgmajfault;
	s->scanned = e.pgscan;
	s->when = jiffies;
}

const char *vb_state_name(enum vb_state state)
{
	static const char * const names[] = {
		[VB_IDLE] = "idle",
		[VB_INFLATING] = "inflating",
		[VB_DEFLATING] = "deflating",
		[VB_PACED] = "paced",
		[VB_PAUSED] = "paused",
		[VB_RETRYING] = "retrying",
		[VB_BACKOFF] = "backoff",
	};

	return state < ARRAY_SIZE(names) ? names[state] : "unknown";
}

static void vb_set_state(enum vb_state state)
{
	WRITE_ONCE(vb.state, state);
}

/*
 * Whole free 2 MiB blocks, split into 512 ordinary balloon pages: one trip
 * to the buddy allocator instead of 512.  Same flags as balloon_page_alloc()
 * minus reclaim: this path only takes memory that is already free, and
 * never wakes kswapd for it.
 */
#define VB_BLOCK_ORDER 9
#define VB_BLOCK_PAGES BIT(VB_BLOCK_ORDER)
#define VB_BLOCK_GFP ((GFP_HIGHUSER_MOVABLE & ~__GFP_RECLAIM) | \
		      __GFP_NOMEMALLOC | __GFP_NORETRY | __GFP_NOWARN)

static bool vb_inflate_block(void)
{
	struct page *page = alloc_pages(VB_BLOCK_GFP, VB_BLOCK_ORDER);
	LIST_HEAD(pages);
	unsigned long i;

	if (!page)
		return false;
	split_page(page, VB_BLOCK_ORDER);
	for (i = 0; i < VB_BLOCK_PAGES; i++)
		list_add(&page[i].lru, &pages);
	/* Count first: actual never reads below the pages a deflate can find. */
	atomic_long_add(VB_BLOCK_PAGES, &vb.actual);
	balloon_page_list_enqueue(&vb.bdi, &pages);
	return true;
}

/*
 * Full speed is bound by the page allocator zeroing each page it hands out
 * (init_on_alloc), not by the balloon: helpers on other CPUs take free
 * blocks alongside the worker.  Each helper's share is set before it is
 * queued and read after flush_work(), which orders both.
 */
struct vb_helper {
	struct work_struct work;
	unsigned long want;
	unsigned long got;
};

static struct vb_helper vb_helpers[VB_MAX_INFLATE_CPUS - 1];

/* One page that is free now, as vb_inflate_block() takes blocks: no reclaim. */
static bool vb_inflate_free_page(void)
{
	struct page *page = alloc_page(VB_BLOCK_GFP);

	if (!page)
		return false;
	atomic_long_inc(&vb.actual);
	balloon_page_enqueue(&vb.bdi, page);
	return true;
}

/*
 * A helper's share, in blocks while there are free ones and in single
 * free pages after (memory a workload left fragmented).
 */
static void vb_helper_fn(struct work_struct *work)
{
	struct vb_helper *h = container_of(work, struct vb_helper, work);
	bool blocks = true;

	h->got = 0;
	while (h->got < h->want) {
		if (blocks && h->want - h->got >= VB_BLOCK_PAGES) {
			blocks = vb_inflate_block();
			if (blocks) {
				h->got += VB_BLOCK_PAGES;
				continue;
			}
		}
		if (!vb_inflate_free_page())
			break;
		if (!(++h->got % 256))
			cond_resched();
	}
	vmlab_counter_add(&vb.counters, VB_INFLATED, h->got);
	vmlab_counter_add(&vb.counters, VB_HELPER_INFLATED, h->got);
}

/*
 * Hand whole blocks of @nr to up to inflate_cpus - 1 other online CPUs.
 * Return: the number of helpers queued; each has a share in ->want.
 */
static unsigned int vb_helpers_start(unsigned long *nr)
{
	unsigned int cpus = min_t(u64, vb_tunable(VB_T_INFLATE_CPUS), num_online_cpus());
	unsigned long share = rounddown(*nr / cpus, VB_BLOCK_PAGES);
	unsigned int n = 0, cpu, self;

	if (cpus < 2 || !share)
		return 0;
	self = get_cpu();
	for_each_online_cpu(cpu) {
		if (cpu == self)
			continue;
		if (n == cpus - 1)
			break;
		vb_helpers[n].want = share;
		queue_work_on(cpu, system_highpri_wq, &vb_helpers[n].work);
		*nr -= share;
		n++;
	}
	put_cpu();
	return n;
}

static unsigned long vb_helpers_wait(unsigned int n)
{
	unsigned long got = 0;

	while (n--) {
		flush_work(&vb_helpers[n].work);
		got += vb_helpers[n].got;
	}
	return got;
}

/*
 * Allocate and enqueue up to @nr pages.  balloon_page_alloc() never wakes
 * the OOM killer and never dips into reserves (__GFP_NORETRY |
 * __GFP_NOMEMALLOC | __GFP_NOWARN), so a failure here is an answer, not
 * an emergency.  No lock is held while allocating: reclaim may call our
 * shrinker or OOM notifier.
 */
static unsigned long vb_inflate(unsigned long nr)
{
	unsigned long done = 0;
	bool blocks = true;
	struct page *page;

	while (done < nr) {
		if (blocks && nr - done >= VB_BLOCK_PAGES) {
			blocks = vb_inflate_block();
			if (blocks) {
				done += VB_BLOCK_PAGES;
				cond_resched();
				continue;
			}
		}
		page = balloon_page_alloc();
		if (!page)
			break;
		atomic_long_inc(&vb.actual);
		balloon_page_enqueue(&vb.bdi, page);
		done++;
		if (!(done % 256))
			cond_resched();
	}
	vmlab_counter_add(&vb.counters, VB_INFLATED, done);
	return done;
}

/*
 * Pages taken off the list per hold of the balloon's list lock.  The
 * dequeue runs with interrupts off (spin_lock_irqsave()), so taking a
 * multi-GiB balloon in one hold would keep them off for seconds: RCU
 * stalls and the hard-lockup detector.  256 pages is 1 MiB, the same as
 * the default oom_pages.
 */
#define VB_DEFLATE_BATCH 256

/* One hold of the list lock: up to @nr pages off the list, then freed. */
static size_t vb_deflate_batch(size_t nr)
{
	struct page *page, *next;
	LIST_HEAD(pages);
	size_t n;

	n = balloon_page_list_dequeue(&vb.bdi, &pages, nr);
	if (!n)
		return 0;
	list_for_each_entry_safe(page, next, &pages, lru) {
		list_del(&page->lru);
		put_page(page);
	}
	atomic_long_sub(n, &vb.actual);
	vmlab_counter_inc(&vb.counters, VB_DEFLATE_BATCHES);
	return n;
}

/**
 * vb_deflate - give up to @nr pages back to the page allocator
 * @nr: pages wanted
 * @cause: who asked, for the counters
 *
 * Safe from any sleeping context (the worker, the OOM notifier chain,
 * which is a blocking one, reclaim's shrinker calls, unload) and
 * concurrently with itself: the list variant of dequeue takes what is
 * there and skips pages that compaction holds, instead of treating an
 * empty list as a bug.  Pages go in batches of VB_DEFLATE_BATCH, with a
 * chance to reschedule between them.
 *
 * Return: pages freed, possibly fewer than @nr.
 */
unsigned long vb_deflate(unsigned long nr, enum vb_cause cause)
{
	u64 start = ktime_get_ns();
	unsigned long done = 0;
	size_t n, want;

	might_sleep();
	while (done < nr) {
		want = min_t(unsigned long, nr - done, VB_DEFLATE_BATCH);
		n = vb_deflate_batch(want);
		done += n;
		/* Fewer than asked: the rest is isolated, or already gone. */
		if (n < want)
			break;
		cond_resched();
	}

	vmlab_counter_add(&vb.counters, VB_DEFLATED, done);
	vmlab_counter_inc(&vb.counters, VB_DEFLATE_OPS);
	vmlab_counter_add(&vb.counters, VB_DEFLATE_NS, ktime_get_ns() - start);
	if (cause == VB_CAUSE_OOM)
		vmlab_counter_add(&vb.counters, VB_OOM_DEFLATED, done);
	else if (cause == VB_CAUSE_SHRINKER)
		vmlab_counter_add(&vb.counters, VB_SHRINK_DEFLATED, done);
	return done;
}

/* Unload: every page goes back, including any compaction holds right now. */
void vb_deflate_all(void)
{
	while (atomic_long_read(&vb.actual) > 0) {
		if (!vb_deflate(LONG_MAX, VB_CAUSE_UNLOAD))
			usleep_range(1000, 2000); /* isolated pages come back */
	}
}

/*
 * Compaction moved one of our pages: @newpage (isolated by the core)
 * replaces @page, whose contents nobody reads.  The count does not change.
 * Returning 0 lets the balloon core put @newpage on the list and free
 * @page (vmlab_balloon_migrated() does that on kernels whose core leaves
 * it to the driver); from then on unload can find @newpage, so nothing
 * here may touch module data after it.
 */
static int vb_migratepage(struct balloon_dev_info *bdi, struct page *newpage,
			  struct page *page, enum migrate_mode mode)
{
	vmlab_counter_inc(&vb.counters, VB_MIGRATED);
	return vmlab_balloon_migrated(bdi, newpage, page);
}

/* Rates over the window once it is VB_SAMPLE_MS long. */
static void vb_update_signals(void)
{
	unsigned int ms = jiffies_to_msecs(jiffies - vb.window.when);
	struct vb_sample now;

	if (ms < VB_SAMPLE_MS)
		return;
	vb_sample_read(&now);
	vb.signals.refault_rate = vb_pace_rate(now.refaults - vb.window.refaults, ms);
	vb.signals.majfault_rate = vb_pace_rate(now.majfaults - vb.window.majfaults, ms);
	vb.signals.scan_rate = vb_pace_rate(now.scanned - vb.window.scanned, ms);
	vb.window = now;
}

/* A fresh start after idling: old activity says nothing about now. */
static void vb_reset_signals(void)
{
	vb_sample_read(&vb.window);
	vb.signals = (struct vb_pace_signals){};
	vb.last_step = jiffies;
}

static void vb_leave_pause(void)
{
	if (!vb.paused)
		return;
	vb.paused = false;
	vmlab_counter_add(&vb.counters, VB_GUARD_PAUSED_MS,
			  jiffies_to_msecs(jiffies - vb.pause_start));
}

static void vb_enter_pause(void)
{
	if (vb.paused)
		return;
	vb.paused = true;
	vb.pause_start = jiffies;
	vmlab_counter_inc(&vb.counters, VB_GUARD_PAUSES);
}

/* One inflation step; returns the delay before the next one, in jiffies. */
static unsigned long vb_inflate_step(unsigned long want)
{
	struct vb_pace_params p = {
		.batch = vb_tunable(VB_T_BATCH),
		.cpus = min_t(u64, vb_tunable(VB_T_INFLATE_CPUS), num_online_cpus()),
		.rate = vb_tunable(VB_T_RATE),
		.threshold = vb_tunable(VB_T_THRESHOLD),
		.free_margin = vb_tunable(VB_T_FREE_MARGIN),
		.guard = vb_tunable(VB_T_GUARD),
	};
	unsigned long sample = msecs_to_jiffies(VB_SAMPLE_MS), got, own;
	u64 start;
	unsigned int helpers;
	struct vb_pace_step step;

	vb_update_signals();
	vb.signals.free_pages = global_zone_page_state(NR_FREE_PAGES);
	vb.signals.elapsed_ms = jiffies_to_msecs(jiffies - vb.last_step);
	vb_pace_decide(&p, &vb.signals, &step);
	WRITE_ONCE(vb.mode, step.mode);

	if (step.mode == VB_PACE_PAUSED) {
		vb_enter_pause();
		vb_set_state(VB_PAUSED);
		return sample;
	}
	vb_leave_pause();
	want = min_t(u64, want, step.pages);
	if (!want) {
		/* Paced, and the budget has not yet grown to a page. */
		vb_set_state(VB_PACED);
		return sample;
	}
	start = ktime_get_ns();
	if (step.mode == VB_PACE_FULL) {
		own = want;
		helpers = vb_helpers_start(&own);
		got = vb_inflate(own);
		got += vb_helpers_wait(helpers);
		/* A helper found no free page: this one may still reclaim. */
		if (helpers && got < want)
			got += vb_inflate(want - got);
	} else {
		got = vb_inflate(want);
	}
	/* One op per step, however many CPUs took part. */
	vmlab_counter_inc(&vb.counters, VB_INFLATE_OPS);
	vmlab_counter_add(&vb.counters, VB_INFLATE_NS, ktime_get_ns() - start);
	vb.last_step = jiffies;
	vmlab_counter_inc(&vb.counters, step.mode == VB_PACE_FULL ?
			  VB_STEPS_FULL : VB_STEPS_PACED);
	if (got < want) {
		vmlab_counter_inc(&vb.counters, VB_ALLOC_FAILS);
		WRITE_ONCE(vb.failed_at, atomic_long_read(&vb.actual));
		vb_set_state(VB_RETRYING);
		return msecs_to_jiffies(vb_tunable(VB_T_RETRY_MS));
	}
	if (step.mode == VB_PACE_PACED) {
		vb_set_state(VB_PACED);
		return sample;
	}
	vb_set_state(VB_INFLATING);
	return 0;
}

/*
 * One deflation step; returns the delay before the next one, in jiffies.
 * Pages that compaction holds isolated stay counted in actual but cannot
 * be dequeued: when they are all that is left, requeueing at once would
 * spin the worker until compaction puts them back.
 */
static unsigned long vb_deflate_step(unsigned long over)
{
	unsigned long got;
	long left;
	u64 ms;

	got = vb_deflate(min_t(u64, over, vb_tunable(VB_T_BATCH)), VB_CAUSE_TARGET);
	/* Afresh: the OOM notifier or the shrinker may have deflated too. */
	left = atomic_long_read(&vb.actual) - (long)READ_ONCE(vb.target);
	ms = vb_pace_deflate_wait(got, max(left, 0L), vb_tunable(VB_T_RETRY_MS));
	if (ms)
		vmlab_counter_inc(&vb.counters, VB_DEFLATE_STALLS);
	return msecs_to_jiffies(ms);
}

static void vb_work_fn(struct kthread_work *work)
{
	long actual = atomic_long_read(&vb.actual);
	unsigned long target = READ_ONCE(vb.target);
	unsigned long until, delay = 0;

	if (READ_ONCE(vb.stopping))
		return;
	if (READ_ONCE(vb.state) == VB_IDLE)
		vb_reset_signals();

	if (actual == target) {
		vb_leave_pause();
		vb_set_state(VB_IDLE);
		return;
	}
	if (actual > target) {
		vb_leave_pause();
		vb_set_state(VB_DEFLATING);
		delay = vb_deflate_step(actual - target);
	} else {
		until = READ_ONCE(vb.backoff_until);
		if (time_before(jiffies, until)) {
			vb_set_state(VB_BACKOFF);
			delay = until - jiffies;
		} else {
			delay = vb_inflate_step(target - actual);
		}
	}
	kthread_queue_delayed_work(vb.worker, &vb.work, delay);
	/*
	 * With no delay the worker runs the next step without sleeping, so
	 * it may never switch voluntarily while it moves a large balloon
	 * (cond_resched() is a no-op or a preemption, which RCU Tasks does
	 * not count): report an RCU Tasks quiescent state so that
	 * synchronize_rcu_tasks() does not wait for the whole move.
	 */
	if (!delay)
		cond_resched_tasks_rcu_qs();
}

/* A new target (or knob): look now rather than after any pending delay. */
void vb_kick(void)
{
	if (!READ_ONCE(vb.stopping))
		kthread_mod_delayed_work(vb.worker, &vb.work, 0);
}

void vb_worker_init(void)
{
	unsigned int i;

	balloon_devinfo_init(&vb.bdi);
	vb.bdi.migratepage = vb_migratepage;
	kthread_init_delayed_work(&vb.work, vb_work_fn);
	for (i = 0; i < ARRAY_SIZE(vb_helpers); i++)
		INIT_WORK(&vb_helpers[i].work, vb_helper_fn);
	vb.state = VB_IDLE;
}
