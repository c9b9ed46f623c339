// SPDX-License-Identifier: GPL-2.0
/*
 * Giving memory back under pressure: an OOM notifier (always) and a
 * shrinker (only when the "shrinker" knob is set).  Either one also holds
 * off re-inflation for backoff_ms, so the balloon does not refill straight
 * into the pressure that emptied it.  In virtio mode both act only when
 * the device negotiated VIRTIO_BALLOON_F_DEFLATE_ON_OOM, and the pages
 * they free are reported on the deflate queue.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/oom.h>
#include <linux/shrinker.h>

#include <vmlab/compat.h>

#include "internal.h"

static void vb_backoff(void)
{
	WRITE_ONCE(vb.backoff_until,
		   jiffies + msecs_to_jiffies(vb_tunable(VB_T_BACKOFF_MS)));
}

/*
 * Called before the OOM killer picks a victim; pages freed here (added to
 * *parm) make out_of_memory() return without killing anything.  The
 * worker never holds a lock while allocating, so nothing here can wait on it.
 */
static int vb_oom_notify(struct notifier_block *nb, unsigned long unused,
			 void *parm)
{
	unsigned long *freed = parm;

	if (!vb_virtio_may_deflate_on_pressure())
		return NOTIFY_DONE;
	vmlab_counter_inc(&vb.counters, VB_OOM_EVENTS);
	vb_backoff();
	*freed += vb_deflate(vb_tunable(VB_T_OOM_PAGES), VB_CAUSE_OOM);
	vb_virtio_update_actual();
	return NOTIFY_OK;
}

static unsigned long vb_shrink_count(struct shrinker *s,
				     struct shrink_control *sc)
{
	long actual = atomic_long_read(&vb.actual);

	if (!vb_tunable(VB_T_SHRINKER) || !vb_virtio_may_deflate_on_pressure())
		return 0;
	return actual > 0 ? actual : SHRINK_EMPTY;
}

static unsigned long vb_shrink_scan(struct shrinker *s,
				    struct shrink_control *sc)
{
	unsigned long freed;

	if (!vb_tunable(VB_T_SHRINKER) || !vb_virtio_may_deflate_on_pressure())
		return SHRINK_STOP;
	vb_backoff();
	freed = vb_deflate(sc->nr_to_scan, VB_CAUSE_SHRINKER);
	vb_virtio_update_actual();
	return freed ? freed : SHRINK_STOP;
}

int vb_pressure_init(void)
{
	int ret;

	vb.oom_nb.notifier_call = vb_oom_notify;
	ret = register_oom_notifier(&vb.oom_nb);
	if (ret)
		return ret;
	vb.shrinker = vmlab_shrinker_create(vb_shrink_count, vb_shrink_scan,
					    "vmlab-balloon");
	if (IS_ERR(vb.shrinker)) {
		ret = PTR_ERR(vb.shrinker);
		unregister_oom_notifier(&vb.oom_nb);
		return ret;
	}
	return 0;
}

void vb_pressure_exit(void)
{
	vmlab_shrinker_destroy(vb.shrinker);
	unregister_oom_notifier(&vb.oom_nb);
}
