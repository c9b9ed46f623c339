// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-balloon front end.  With a VIRTIO_ID_BALLOON device bound,
 * the host's target (config num_pages, set by QMP "balloon") drives the
 * same worker and working-set guard that target_pages drives in local
 * mode, and every page that enters or leaves the balloon is reported on
 * the inflate or deflate queue, so the host can take the memory back.
 * See Documentation/balloon.rst, "virtio mode".
 *
 * One device at a time: a machine has one balloon device, and vb.bdi is
 * the one list of pages.  The module has no MODULE_DEVICE_TABLE, so it is
 * never loaded for a device in place of virtio_balloon: it binds where it
 * is loaded and virtio_balloon is not bound, or through sysfs bind.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/page_reporting.h>
#include <linux/ratelimit.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/virtio.h>
#include <linux/virtio_balloon.h>
#include <linux/virtio_config.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "internal.h"

/* The device counts in 4 KiB pages (VIRTIO_BALLOON_PFN_SHIFT) whatever PAGE_SIZE is. */
#define VB_PFNS_PER_PAGE (PAGE_SIZE >> VIRTIO_BALLOON_PFN_SHIFT)

enum vb_vq {
	VB_VQ_INFLATE,
	VB_VQ_DEFLATE,
	VB_VQ_STATS,		/* only with VIRTIO_BALLOON_F_STATS_VQ */
	VB_VQ_REPORTING,	/* only with VIRTIO_BALLOON_F_REPORTING */
	VB_NR_VQS,
};

/* The stats queue's tags, in the order they are sent. */
enum vb_stat {
	VB_STAT_SWAP_IN,
	VB_STAT_SWAP_OUT,
	VB_STAT_MAJFLT,
	VB_STAT_MINFLT,
	VB_STAT_MEMFREE,
	VB_STAT_MEMTOT,
	VB_STAT_AVAIL,
	VB_STAT_CACHES,
	VB_NR_STATS,
};

/*
 * Per bound device, kmalloc'ed: pfns[] and stats[] are handed to the
 * device through scatterlists, which need linear-map memory (module data
 * is vmalloc'ed).
 */
struct vb_dev {
	struct virtio_device *vdev;
	struct virtqueue *vqs[VB_NR_VQS];
	wait_queue_head_t acked;	/* the host used an inflate/deflate buffer */
	struct work_struct config_work;	/* read the host's new target */
	struct work_struct stats_work;	/* refill and return the stats buffer */
	spinlock_t stop_lock;		/* ready and stopping, against the callbacks */
	bool ready;			/* attached: config changes drive the balloon */
	bool stopping;			/* being removed: queue no more work */
	struct page_reporting_dev_info pr;	/* free page reporting */
	bool reporting;			/* pr is registered; under vb_reporting_lock */
	__virtio32 pfns[VB_PFN_BATCH * VB_PFNS_PER_PAGE];
	struct virtio_balloon_stat stats[VB_NR_STATS];
};

/*
 * vb_dev_lock serialises every use of the inflate and deflate queues and
 * of pfns[] (the worker, its helpers, the OOM notifier, the shrinker and
 * compaction may all report pages), and publishes vb_attached: the device
 * pages are reported to, NULL in local mode.  vb_claimed keeps a second
 * device from probing while one is bound or binding.
 *
 * vb_reporting_lock, taken before vb_dev_lock, serialises free page
 * reporting's registration and changes of vb_attached.  Unregistering
 * waits for the core's reporting work, which allocates with GFP_KERNEL:
 * under vb_dev_lock that would deadlock with an OOM notifier or shrinker
 * call that deflates (and so takes vb_dev_lock) for that allocation.
 */
static DEFINE_MUTEX(vb_reporting_lock);
static DEFINE_MUTEX(vb_dev_lock);
static struct vb_dev *vb_attached;
static bool vb_claimed;
/* The free_page_reporting knob as last written, under vb_reporting_lock. */
static bool vb_reporting_wanted;

/*
 * No device bound: the warm paths of local mode (each inflated batch,
 * each deflated one, each shrinker call) skip vb_dev_lock.  A bind or an
 * unbind changes vb_attached only with the worker stopped and the balloon
 * empty (vb_switch_mode()), so a caller that read NULL just before a bind
 * holds pages the host never had, and a bind waits until they are
 * uncounted.  Taking the mutex per batch there bought nothing (and under
 * lockdep costs a tracked acquisition each time).
 */
static bool vb_virtio_local(void)
{
	return !READ_ONCE(vb_attached);
}

static void vb_release_list(struct list_head *pages)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, pages, lru) {
		list_del(&page->lru);
		put_page(page);
	}
}

/* @page's PFNs in the device's units at pfns[@n]; returns the next free index. */
static unsigned int vb_dev_fill_page(struct vb_dev *d, unsigned int n, struct page *page)
{
	unsigned long pfn = page_to_pfn(page) << (PAGE_SHIFT - VIRTIO_BALLOON_PFN_SHIFT);
	unsigned int i;

	for (i = 0; i < VB_PFNS_PER_PAGE; i++)
		d->pfns[n++] = cpu_to_virtio32(d->vdev, pfn + i);
	return n;
}

/* @pages' PFNs; the callers pass at most VB_PFN_BATCH pages. */
static unsigned int vb_dev_fill(struct vb_dev *d, struct list_head *pages)
{
	unsigned int n = 0;
	struct page *page;

	list_for_each_entry(page, pages, lru) {
		if (WARN_ON_ONCE(n == ARRAY_SIZE(d->pfns)))
			break;
		n = vb_dev_fill_page(d, n, page);
	}
	return n;
}

static bool vb_dev_used(struct virtqueue *vq)
{
	unsigned int len;

	return virtqueue_get_buf(vq, &len) || virtqueue_is_broken(vq);
}

/*
 * One buffer of @nents entries on @vq (for the host to write if @in, to
 * read otherwise), then wait until the host has used it.  Nothing here
 * waits for memory (GFP_NOWAIT; a one-entry buffer needs no indirect
 * table at all), so the OOM notifier may wait for a caller that holds
 * vb_dev_lock.
 *
 * Return: 0 when the host used it; else an errno, counted and logged.
 */
static int vb_dev_transfer(struct vb_dev *d, struct virtqueue *vq,
			   struct scatterlist *sg, unsigned int nents, bool in)
{
	int ret;

	if (in)
		ret = virtqueue_add_inbuf(vq, sg, nents, d, GFP_NOWAIT | __GFP_NOWARN);
	else
		ret = virtqueue_add_outbuf(vq, sg, nents, d, GFP_NOWAIT | __GFP_NOWARN);
	if (!ret) {
		virtqueue_kick(vq);
		/*
		 * The host may still read pfns[] and discard the pages until it
		 * uses the buffer, so there is no giving up on a live device.
		 * A device broken without an interrupt (surprise removal) is
		 * noticed within a second, where wait_event() would sleep on.
		 */
		while (!wait_event_timeout(d->acked, vb_dev_used(vq), HZ))
			;
		if (virtqueue_is_broken(vq))
			ret = -EIO;
	}
	if (ret) {
		vmlab_counter_inc(&vb.counters, VB_HOST_ERRORS);
		dev_warn_ratelimited(&d->vdev->dev, "%s queue: message failed: %d\n",
				     vq->name, ret);
	}
	return ret;
}

/*
 * One message: the first @n entries of pfns[] on @vq, then wait until the
 * host has used it (it has discarded or restored those pages).  Under
 * vb_dev_lock.
 */
static int vb_dev_send(struct vb_dev *d, enum vb_vq which, unsigned int n)
{
	struct scatterlist sg;
	int ret;

	if (!n)
		return 0;
	sg_init_one(&sg, d->pfns, n * sizeof(d->pfns[0]));
	ret = vb_dev_transfer(d, d->vqs[which], &sg, 1, false);
	if (ret)
		return ret;
	vmlab_counter_inc(&vb.counters, which == VB_VQ_INFLATE ?
			  VB_HOST_INFLATE_MSGS : VB_HOST_DEFLATE_MSGS);
	return 0;
}

static void vb_dev_ack(struct virtqueue *vq)
{
	struct vb_dev *d = vq->vdev->priv;

	wake_up(&d->acked);
}

/**
 * vb_virtio_inflated - report newly allocated pages before they are counted
 * @pages: at most VB_PFN_BATCH pages, not yet on the balloon list
 *
 * Return: 0 when the host has them (or in local mode); else an errno, and
 * the caller gives the pages back to the guest instead of counting them.
 */
int vb_virtio_inflated(struct list_head *pages)
{
	struct vb_dev *d;
	int ret = 0;

	/*
	 * Local mode takes no lock (see vb_virtio_local()): only the worker
	 * and its helpers inflate, and a bind stops them first.
	 */
	if (vb_virtio_local())
		return 0;
	mutex_lock(&vb_dev_lock);
	d = vb_attached;
	if (d)
		ret = vb_dev_send(d, VB_VQ_INFLATE, vb_dev_fill(d, pages));
	mutex_unlock(&vb_dev_lock);
	return ret;
}

/**
 * vb_virtio_release - give pages that left the balloon back to the guest
 * @pages: at most VB_PFN_BATCH pages, off the balloon list and uncounted
 *
 * With VIRTIO_BALLOON_F_MUST_TELL_HOST the host hears of them before the
 * guest may use them; without it they are freed first and the host is
 * told after, so that memory reaches a guest under pressure sooner.  The
 * pages are freed even if the message fails: the guest needs them, and a
 * broken device cannot be told anything.
 */
void vb_virtio_release(struct list_head *pages)
{
	unsigned int n;
	struct vb_dev *d;

	/*
	 * Pages dequeued in local mode were never the host's; a bind waits
	 * for this deflate to finish (the pages are still counted).
	 */
	if (vb_virtio_local()) {
		vb_release_list(pages);
		return;
	}
	mutex_lock(&vb_dev_lock);
	d = vb_attached;
	if (!d) {
		mutex_unlock(&vb_dev_lock);
		vb_release_list(pages);
		return;
	}
	n = vb_dev_fill(d, pages);
	if (virtio_has_feature(d->vdev, VIRTIO_BALLOON_F_MUST_TELL_HOST)) {
		vb_dev_send(d, VB_VQ_DEFLATE, n);
		vb_release_list(pages);
	} else {
		vb_release_list(pages);
		vb_dev_send(d, VB_VQ_DEFLATE, n);
	}
	mutex_unlock(&vb_dev_lock);
}

/**
 * vb_virtio_migrate - tell the host that @newpage replaced @page
 * @newpage: the page joining the balloon
 * @page: the page leaving it
 *
 * Compaction calls this from ->migratepage().  It gives up rather than
 * wait for the lock: the inflating worker may hold it while it triggered
 * this very compaction, and compaction retries a page later anyway.
 *
 * Return: 0, or -EAGAIN to have compaction retry.
 */
int vb_virtio_migrate(struct page *newpage, struct page *page)
{
	struct vb_dev *d;

	if (!mutex_trylock(&vb_dev_lock))
		return -EAGAIN;
	d = vb_attached;
	if (d) {
		/* The new page is the host's before the old one is the guest's. */
		vb_dev_send(d, VB_VQ_INFLATE, vb_dev_fill_page(d, 0, newpage));
		vb_dev_send(d, VB_VQ_DEFLATE, vb_dev_fill_page(d, 0, page));
		vmlab_counter_inc(&vb.counters, VB_HOST_MIGRATE_MSGS);
	}
	mutex_unlock(&vb_dev_lock);
	return 0;
}

/* Config "actual": what QMP query-balloon reports as the balloon's size. */
static void vb_dev_write_actual(struct vb_dev *d, long pages)
{
	u32 actual = max(pages, 0L) * VB_PFNS_PER_PAGE;

	virtio_cwrite_le(d->vdev, struct virtio_balloon_config, actual, &actual);
}

void vb_virtio_update_actual(void)
{
	mutex_lock(&vb_dev_lock);
	if (vb_attached)
		vb_dev_write_actual(vb_attached, atomic_long_read(&vb.actual));
	mutex_unlock(&vb_dev_lock);
}

bool vb_virtio_bound(void)
{
	return READ_ONCE(vb_attached);
}

/*
 * The OOM notifier and the shrinker may take pages back in local mode
 * always, and from a device only when it agreed to it: without
 * VIRTIO_BALLOON_F_DEFLATE_ON_OOM the host expects the balloon to hold
 * its target whatever the guest's pressure.
 */
bool vb_virtio_may_deflate_on_pressure(void)
{
	bool ok;

	if (vb_virtio_local())
		return true;
	mutex_lock(&vb_dev_lock);
	ok = !vb_attached ||
	     virtio_has_feature(vb_attached->vdev, VIRTIO_BALLOON_F_DEFLATE_ON_OOM);
	mutex_unlock(&vb_dev_lock);
	return ok;
}

void vb_virtio_status(struct seq_file *m)
{
	mutex_lock(&vb_dev_lock);
	if (vb_attached) {
		seq_puts(m, "mode virtio\n");
		seq_printf(m, "device %s\n", dev_name(&vb_attached->vdev->dev));
		seq_printf(m, "features 0x%llx\n", (u64)vb_attached->vdev->features);
	} else {
		seq_puts(m, "mode local\n");
		seq_puts(m, "device -\n");
		seq_puts(m, "features 0x0\n");
	}
	mutex_unlock(&vb_dev_lock);
}

/* The host set a new target: it counts in 4 KiB pages. */
static void vb_config_work(struct work_struct *work)
{
	struct vb_dev *d = container_of(work, struct vb_dev, config_work);
	u32 num;

	virtio_cread_le(d->vdev, struct virtio_balloon_config, num_pages, &num);
	vb_set_host_target(DIV_ROUND_UP(num, VB_PFNS_PER_PAGE));
}

/* Called from the device's interrupt: only queue work. */
static void vb_config_changed(struct virtio_device *vdev)
{
	struct vb_dev *d = vdev->priv;
	unsigned long flags;

	spin_lock_irqsave(&d->stop_lock, flags);
	if (d->ready && !d->stopping)
		queue_work(system_freezable_wq, &d->config_work);
	spin_unlock_irqrestore(&d->stop_lock, flags);
}

static void vb_stats_fill(struct vb_dev *d)
{
	static const u16 tags[VB_NR_STATS] = {
		[VB_STAT_SWAP_IN] = VIRTIO_BALLOON_S_SWAP_IN,
		[VB_STAT_SWAP_OUT] = VIRTIO_BALLOON_S_SWAP_OUT,
		[VB_STAT_MAJFLT] = VIRTIO_BALLOON_S_MAJFLT,
		[VB_STAT_MINFLT] = VIRTIO_BALLOON_S_MINFLT,
		[VB_STAT_MEMFREE] = VIRTIO_BALLOON_S_MEMFREE,
		[VB_STAT_MEMTOT] = VIRTIO_BALLOON_S_MEMTOT,
		[VB_STAT_AVAIL] = VIRTIO_BALLOON_S_AVAIL,
		[VB_STAT_CACHES] = VIRTIO_BALLOON_S_CACHES,
	};
	struct vb_meminfo mi;
	u64 val[VB_NR_STATS];
	unsigned int i;

	vb_meminfo_read(&mi);
	val[VB_STAT_SWAP_IN] = mi.swap_in_bytes;
	val[VB_STAT_SWAP_OUT] = mi.swap_out_bytes;
	val[VB_STAT_MAJFLT] = mi.major_faults;
	val[VB_STAT_MINFLT] = mi.minor_faults;
	val[VB_STAT_MEMFREE] = mi.free_bytes;
	val[VB_STAT_MEMTOT] = mi.total_bytes;
	val[VB_STAT_AVAIL] = mi.available_bytes;
	val[VB_STAT_CACHES] = mi.cache_bytes;
	for (i = 0; i < VB_NR_STATS; i++) {
		d->stats[i].tag = cpu_to_virtio16(d->vdev, tags[i]);
		d->stats[i].val = cpu_to_virtio64(d->vdev, val[i]);
	}
}

/* The stats buffer goes to the host, which returns it when it wants more. */
static int vb_stats_give(struct vb_dev *d)
{
	struct virtqueue *vq = d->vqs[VB_VQ_STATS];
	struct scatterlist sg;
	int ret;

	vb_stats_fill(d);
	sg_init_one(&sg, d->stats, sizeof(d->stats));
	ret = virtqueue_add_outbuf(vq, &sg, 1, d, GFP_KERNEL);
	if (ret)
		return ret;
	virtqueue_kick(vq);
	return 0;
}

static void vb_stats_work(struct work_struct *work)
{
	struct vb_dev *d = container_of(work, struct vb_dev, stats_work);
	struct virtqueue *vq = d->vqs[VB_VQ_STATS];
	unsigned int len;
	int ret;

	/* The host returned the one buffer; a spurious call finds none. */
	if (!virtqueue_get_buf(vq, &len))
		return;
	ret = vb_stats_give(d);
	if (ret) {
		vmlab_counter_inc(&vb.counters, VB_HOST_ERRORS);
		dev_warn_ratelimited(&d->vdev->dev, "stats queue: refill failed: %d\n", ret);
		return;
	}
	vmlab_counter_inc(&vb.counters, VB_HOST_STATS_REPORTS);
}

/* The host asks for stats (from its interrupt): answer from a work item. */
static void vb_stats_request(struct virtqueue *vq)
{
	struct vb_dev *d = vq->vdev->priv;
	unsigned long flags;

	spin_lock_irqsave(&d->stop_lock, flags);
	if (!d->stopping)
		queue_work(system_freezable_wq, &d->stats_work);
	spin_unlock_irqrestore(&d->stop_lock, flags);
}

/*
 * Free page reporting: the page allocator hands over free blocks of at
 * least pageblock_order, and the host discards them until the guest uses
 * them again.  These are the guest's free pages, never the balloon's.
 */
static int vb_report(struct page_reporting_dev_info *pr, struct scatterlist *sg,
		     unsigned int nents)
{
	struct vb_dev *d = container_of(pr, struct vb_dev, pr);
	unsigned long pages = 0;
	struct scatterlist *s;
	unsigned int i;
	int ret;

	ret = vb_dev_transfer(d, d->vqs[VB_VQ_REPORTING], sg, nents, true);
	if (ret)
		return ret;
	for_each_sg(sg, s, nents, i)
		pages += s->length >> PAGE_SHIFT;
	vmlab_counter_add(&vb.counters, VB_HOST_REPORTED, pages);
	return 0;
}

/* Register or unregister @d's reporting as wanted; under vb_reporting_lock. */
static int vb_reporting_apply(struct vb_dev *d, bool on)
{
	int ret;

	if (on == d->reporting)
		return 0;
	if (!on) {
		page_reporting_unregister(&d->pr);
		d->reporting = false;
		return 0;
	}
	if (!virtio_has_feature(d->vdev, VIRTIO_BALLOON_F_REPORTING))
		return 0;	/* the knob waits for a device that offers it */
	ret = page_reporting_register(&d->pr);
	if (ret) {
		dev_warn_ratelimited(&d->vdev->dev, "free page reporting: %d\n", ret);
		return ret;
	}
	d->reporting = true;
	return 0;
}

/*
 * The free_page_reporting knob.  A device that does not offer the feature
 * keeps the knob's value for the next one; registering can fail with
 * -EBUSY (another driver reports) and then the value stays as it was.
 */
int vb_virtio_set_reporting(bool on)
{
	int ret = 0;

	/* vb_attached changes only under vb_reporting_lock too. */
	mutex_lock(&vb_reporting_lock);
	if (vb_attached)
		ret = vb_reporting_apply(vb_attached, on);
	if (!ret)
		vb_reporting_wanted = on;
	mutex_unlock(&vb_reporting_lock);
	return ret;
}

static int vb_find_vqs(struct vb_dev *d)
{
	/*
	 * Queues the device does not have get no name: the transport skips
	 * them, and the next one takes its index (the reporting queue is the
	 * third one without a stats queue).
	 */
	const char *stats = virtio_has_feature(d->vdev, VIRTIO_BALLOON_F_STATS_VQ) ?
			    "stats" : NULL;
	const char *reporting = virtio_has_feature(d->vdev, VIRTIO_BALLOON_F_REPORTING) ?
				"reporting" : NULL;
	struct virtqueue_info info[VB_NR_VQS] = {
		[VB_VQ_INFLATE] = { "inflate", vb_dev_ack },
		[VB_VQ_DEFLATE] = { "deflate", vb_dev_ack },
		[VB_VQ_STATS] = { stats, vb_stats_request },
		[VB_VQ_REPORTING] = { reporting, vb_dev_ack },
	};

	return vmlab_virtio_find_vqs(d->vdev, VB_NR_VQS, d->vqs, info, NULL);
}

/* vb_switch_mode() callbacks: the balloon is empty and its worker stopped. */
static void vb_publish(void *arg)
{
	struct vb_dev *d = arg;
	struct vb_dev *old;

	mutex_lock(&vb_reporting_lock);
	old = vb_attached;
	/* Outside vb_dev_lock: see vb_reporting_lock. */
	if (old)
		vb_reporting_apply(old, false);
	mutex_lock(&vb_dev_lock);
	/* Leaving: the host sees an empty balloon before the device resets. */
	if (old)
		vb_dev_write_actual(old, 0);
	WRITE_ONCE(vb_attached, d);
	/* Arriving: whatever an earlier driver left there, it is empty. */
	if (d)
		vb_dev_write_actual(d, 0);
	mutex_unlock(&vb_dev_lock);
	/* Failing is not fatal: the balloon works without it, and says why. */
	if (d)
		vb_reporting_apply(d, vb_reporting_wanted);
	mutex_unlock(&vb_reporting_lock);
}

/* No more work from the callbacks, and none running. */
static void vb_dev_stop(struct vb_dev *d)
{
	spin_lock_irq(&d->stop_lock);
	d->stopping = true;
	spin_unlock_irq(&d->stop_lock);
	cancel_work_sync(&d->config_work);
	cancel_work_sync(&d->stats_work);
}

static int vb_probe(struct virtio_device *vdev)
{
	struct vb_dev *d;
	int ret;

	/* The config space carries the target; a transport without it cannot. */
	if (!vdev->config->get) {
		dev_err(&vdev->dev, "no config space access: cannot read a target\n");
		return -EINVAL;
	}
	mutex_lock(&vb_dev_lock);
	ret = vb_claimed ? -EBUSY : 0;
	vb_claimed = true;
	mutex_unlock(&vb_dev_lock);
	if (ret) {
		dev_warn(&vdev->dev, "another balloon device is bound to vmlab_balloon\n");
		return ret;
	}

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d) {
		ret = -ENOMEM;
		goto err_unclaim;
	}
	d->vdev = vdev;
	vdev->priv = d;
	init_waitqueue_head(&d->acked);
	INIT_WORK(&d->config_work, vb_config_work);
	INIT_WORK(&d->stats_work, vb_stats_work);
	spin_lock_init(&d->stop_lock);
	d->pr.report = vb_report;
	/* pageblock_order, as 6.1 takes 0 and 7.2 "unspecified" to mean. */
	d->pr.order = pageblock_order;
	ret = vb_find_vqs(d);
	if (ret)
		goto err_free;
	/* A report is up to PAGE_REPORTING_CAPACITY buffers at once. */
	if (d->vqs[VB_VQ_REPORTING] &&
	    virtqueue_get_vring_size(d->vqs[VB_VQ_REPORTING]) < PAGE_REPORTING_CAPACITY) {
		ret = -ENOSPC;
		goto err_del_vqs;
	}
	virtio_device_ready(vdev);
	if (d->vqs[VB_VQ_STATS] && virtio_has_feature(vdev, VIRTIO_BALLOON_F_STATS_VQ)) {
		ret = vb_stats_give(d);
		if (ret)
			goto err_reset;
	}

	/* A local balloon is emptied: the host's target applies from here. */
	vb_switch_mode(vb_publish, d);
	spin_lock_irq(&d->stop_lock);
	d->ready = true;
	spin_unlock_irq(&d->stop_lock);
	queue_work(system_freezable_wq, &d->config_work);
	dev_info(&vdev->dev, "bound: virtio mode, features 0x%llx\n", (u64)vdev->features);
	return 0;

err_reset:
	vb_dev_stop(d);
	virtio_reset_device(vdev);
err_del_vqs:
	vdev->config->del_vqs(vdev);
err_free:
	vdev->priv = NULL;
	kfree(d);
err_unclaim:
	mutex_lock(&vb_dev_lock);
	vb_claimed = false;
	mutex_unlock(&vb_dev_lock);
	return ret;
}

/* Unbind or unload: every page back to the guest, the host told of each. */
static void vb_remove(struct virtio_device *vdev)
{
	struct vb_dev *d = vdev->priv;

	vb_dev_stop(d);
	/* Empties the balloon through the deflate queue, then goes local. */
	vb_switch_mode(vb_publish, NULL);
	virtio_reset_device(vdev);
	vdev->config->del_vqs(vdev);
	vdev->priv = NULL;
	kfree(d);
	mutex_lock(&vb_dev_lock);
	vb_claimed = false;
	mutex_unlock(&vb_dev_lock);
	dev_info(&vdev->dev, "unbound: local mode\n");
}

static unsigned int vb_features[] = {
	VIRTIO_BALLOON_F_MUST_TELL_HOST,
	VIRTIO_BALLOON_F_STATS_VQ,
	VIRTIO_BALLOON_F_DEFLATE_ON_OOM,
	VIRTIO_BALLOON_F_REPORTING,
};

static const struct virtio_device_id vb_id_table[] = {
	{ VIRTIO_ID_BALLOON, VIRTIO_DEV_ANY_ID },
	{ 0 },
};

static struct virtio_driver vb_virtio_driver = {
	.feature_table = vb_features,
	.feature_table_size = ARRAY_SIZE(vb_features),
	.driver.name = KBUILD_MODNAME,
	.driver.owner = THIS_MODULE,
	.id_table = vb_id_table,
	.probe = vb_probe,
	.remove = vb_remove,
	.config_changed = vb_config_changed,
};

/* Last in module init: a device may bind, and so drive the worker, at once. */
int vb_virtio_init(void)
{
	return register_virtio_driver(&vb_virtio_driver);
}

/* First in module exit: unbinding returns every page while the worker exists. */
void vb_virtio_exit(void)
{
	unregister_virtio_driver(&vb_virtio_driver);
}
