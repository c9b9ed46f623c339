// SPDX-License-Identifier: GPL-2.0
/*
 * Inflation, deflation and page migration.  One delayed work item on the
 * balloon's own kthread worker moves the balloon toward its target a batch
 * at a time and requeues itself, so a new target, a pause or a retry never
 * blocks a writer or loops in place.  In virtio mode every page is
 * reported to the host (virtio.c) before it is counted, and after it left.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/swap.h>
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

void vb_meminfo_read(struct vb_meminfo *mi)
{
	struct vb_events e;
	struct sysinfo i;

	si_meminfo(&i);
	vb_events_read(&e);
	mi->total_bytes = (u64)i.totalram * i.mem_unit;
	mi->free_bytes = (u64)i.freeram * i.mem_unit;
	mi->available_bytes = (u64)si_mem_available() << PAGE_SHIFT;
	mi->cache_bytes = (u64)global_node_page_state(NR_FILE_PAGES) << PAGE_SHIFT;
	mi->swap_in_bytes = e.pswpin << PAGE_SHIFT;
	mi->swap_out_bytes = e.pswpout << PAGE_SHIFT;
	mi->major_faults = e.pgmajfault;
	mi->minor_faults = e.pgfault - e.pgmajfault;
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
		[VB_RESERVE] = "reserve",
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

/*
 * Pages on their way into the balloon: allocated, not yet counted or
 * findable by a deflate.  Each inflating context (the worker, a helper)
 * collects up to VB_PFN_BATCH of them, so that a host hears of them in
 * batches, one message each, before the balloon counts them.
 */
struct vb_batch {
	struct list_head pages;
	unsigned int n;		/* pages on the list */
	unsigned long done;	/* pages committed to the balloon */
	bool refused;		/* a message to the host failed: stop */
};

static void vb_batch_init(struct vb_batch *b)
{
	INIT_LIST_HEAD(&b->pages);
	b->n = 0;
	b->done = 0;
	b->refused = false;
}

/*
 * Into the balloon: reported (virtio mode), counted, then on the list.
 * Pages the host was not told of go back to the guest instead.
 */
static void vb_batch_commit(struct vb_batch *b)
{
	struct page *page, *next;
	unsigned int n = b->n;

	if (!n)
		return;
	b->n = 0;
	if (vb_virtio_inflated(&b->pages)) {
		list_for_each_entry_safe(page, next, &b->pages, lru) {
			list_del(&page->lru);
			put_page(page);
		}
		b->refused = true;
		return;
	}
	/* Count first: actual never reads below the pages a deflate can find. */
	atomic_long_add(n, &vb.actual);
	balloon_page_list_enqueue(&vb.bdi, &b->pages);
	b->done += n;
}

static void vb_batch_add(struct vb_batch *b, struct page *page)
{
	list_add_tail(&page->lru, &b->pages);
	if (++b->n == VB_PFN_BATCH)
		vb_batch_commit(b);
}

/* Pages taken so far, committed or still in the batch. */
static unsigned long vb_batch_taken(const struct vb_batch *b)
{
	return b->done + b->n;
}

static bool vb_inflate_block(struct vb_batch *b)
{
	struct page *page = alloc_pages(VB_BLOCK_GFP, VB_BLOCK_ORDER);
	unsigned long i;

	if (!page)
		return false;
	split_page(page, VB_BLOCK_ORDER);
	for (i = 0; i < VB_BLOCK_PAGES; i++) {
		if (b->refused)
			__free_page(&page[i]);	/* the rest of the block goes back */
		else
			vb_batch_add(b, &page[i]);
	}
	return !b->refused;
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

/*
 * A helper's share, in blocks while there are free ones and in single
 * free pages after (memory a workload left fragmented); single pages with
 * the blocks' flags: no reclaim.
 */
static void vb_helper_fn(struct work_struct *work)
{
	struct vb_helper *h = container_of(work, struct vb_helper, work);
	bool blocks = true;
	struct vb_batch b;
	struct page *page;

	vb_batch_init(&b);
	while (!b.refused && vb_batch_taken(&b) < h->want) {
		if (blocks && h->want - vb_batch_taken(&b) >= VB_BLOCK_PAGES) {
			blocks = vb_inflate_block(&b);
			if (blocks || b.refused)
				continue;
		}
		page = alloc_page(VB_BLOCK_GFP);
		if (!page)
			break;
		vb_batch_add(&b, page);
		if (!(vb_batch_taken(&b) % 256))
			cond_resched();
	}
	vb_batch_commit(&b);
	h->got = b.done;
	vmlab_counter_add(&vb.counters, VB_INFLATED, b.done);
	vmlab_counter_add(&vb.counters, VB_HELPER_INFLATED, b.done);
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
	bool blocks = true;
	struct vb_batch b;
	struct page *page;

	vb_batch_init(&b);
	while (!b.refused && vb_batch_taken(&b) < nr) {
		if (blocks && nr - vb_batch_taken(&b) >= VB_BLOCK_PAGES) {
			blocks = vb_inflate_block(&b);
			if (blocks || b.refused) {
				cond_resched();
				continue;
			}
		}
		page = balloon_page_alloc();
		if (!page)
			break;
		vb_batch_add(&b, page);
		if (!(vb_batch_taken(&b) % 256))
			cond_resched();
	}
	vb_batch_commit(&b);
	vmlab_counter_add(&vb.counters, VB_INFLATED, b.done);
	return b.done;
}

/*
 * Pages taken off the list per hold of the balloon's list lock.  The
 * dequeue runs with interrupts off (spin_lock_irqsave()), so taking a
 * multi-GiB balloon in one hold would keep them off for seconds: RCU
 * stalls and the hard-lockup detector.  256 pages is 1 MiB, the same as
 * the default oom_pages, and one message to a host.
 */
#define VB_DEFLATE_BATCH VB_PFN_BATCH

/*
 * One hold of the list lock: up to @nr pages off the list, then freed, and
 * in virtio mode reported on the deflate queue.
 */
static size_t vb_deflate_batch(size_t nr)
{
	LIST_HEAD(pages);
	size_t n;

	n = balloon_page_list_dequeue(&vb.bdi, &pages, nr);
	if (!n)
		return 0;
	vb_virtio_release(&pages);
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
 * -EAGAIN (the host could not be told now) leaves @page in the balloon
 * and compaction tries again later.
 * Returning 0 lets the balloon core put @newpage on the list and free
 * @page (vmlab_balloon_migrated() does that on kernels whose core leaves
 * it to the driver); from then on unload can find @newpage, so nothing
 * here may touch module data after it.
 */
static int vb_migratepage(struct balloon_dev_info *bdi, struct page *newpage,
			  struct page *page, enum migrate_mode mode)
{
	/* In virtio mode the host takes @newpage and gives @page back first. */
	if (vb_virtio_migrate(newpage, page))
		return -EAGAIN;
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
/*
 * What the guest could still give without the OOM killer: MemAvailable,
 * plus the anonymous memory that reclaim could swap out, which
 * MemAvailable leaves out.  Without the swap term a guest with swap and a
 * busy workload stopped short of a host target it could reach by swapping
 * (tools/bench/balloon.sh: 650 MiB of 1 GiB, swap almost empty), since
 * nothing else made reclaim run.
 */
static u64 vb_spare_pages(void)
{
	long anon = global_node_page_state(NR_ACTIVE_ANON) +
		    global_node_page_state(NR_INACTIVE_ANON);

	return max(si_mem_available(), 0L) +
	       max(min(anon, get_nr_swap_pages()), 0L);
}

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
	u64 start, reserve, avail;
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
	/*
	 * A guest that may not take pages back under pressure (virtio mode
	 * without DEFLATE_ON_OOM) keeps host_reserve_pages spare: the
	 * balloon's own allocations never invoke the OOM killer, but a host
	 * target beyond what the guest can spare would leave nothing for the
	 * next fork, and nothing the OOM notifier may give back.
	 */
	if (!vb_virtio_may_deflate_on_pressure()) {
		avail = vb_spare_pages();
		reserve = vb_tunable(VB_T_HOST_RESERVE);
		if (avail <= reserve) {
			WRITE_ONCE(vb.failed_at, atomic_long_read(&vb.actual));
			vb_set_state(VB_RESERVE);
			return msecs_to_jiffies(vb_tunable(VB_T_RETRY_MS));
		}
		want = min_t(u64, want, avail - reserve);
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
		/* An OOM or shrinker deflation may have changed it since. */
		vb_virtio_update_actual();
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
	/* The host reads the size it is given back from config "actual". */
	vb_virtio_update_actual();
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

/**
 * vb_switch_mode - move between local and virtio mode
 * @publish: makes the new mode current (virtio.c)
 * @arg: its argument
 *
 * The worker is stopped and the balloon emptied in between, through the
 * old device's deflate queue if there is one, so that every page in the
 * balloon was reported to the device now bound, or to none, and an
 * inflation step never sees the mode change under it.  The target is 0
 * afterwards; a device's config work sets the host's.
 */
void vb_switch_mode(void (*publish)(void *arg), void *arg)
{
	mutex_lock(&vb.target_lock);
	WRITE_ONCE(vb.target, 0);
	/* Only writers (under target_lock) and the worker itself queue it. */
	kthread_cancel_delayed_work_sync(&vb.work);
	vb_deflate_all();
	publish(arg);
	vb_leave_pause();
	vb_set_state(VB_IDLE);
	mutex_unlock(&vb.target_lock);
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
