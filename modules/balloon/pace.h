/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The balloon's pacing policy: how many pages the next inflation step may
 * take, given the guest's reclaim signals, and when the next deflation
 * step runs.  Pure arithmetic with no kernel state, so that KUnit checks
 * the very code the worker runs.
 */
#ifndef _VMLAB_BALLOON_PACE_H
#define _VMLAB_BALLOON_PACE_H

#include <linux/types.h>

/**
 * struct vb_pace_params - the knobs
 * @batch: most pages one step takes, per inflating CPU in full mode
 * @cpus: CPUs that inflate in full mode (0 counts as 1)
 * @rate: pages per second once memory is no longer free (paced mode)
 * @threshold: refaults (or major faults) per second at which inflation
 *	       pauses; 0 disables pausing
 * @free_margin: free pages below which inflation is paced
 * @guard: false inflates at full speed regardless of the signals
 */
struct vb_pace_params {
	u64 batch;
	u64 cpus;
	u64 rate;
	u64 threshold;
	u64 free_margin;
	bool guard;
};

/**
 * struct vb_pace_signals - what the guest reports, per second over the last
 * sampling window, plus the time since the last paced step
 * @refault_rate: workingset refaults (anon + file) per second
 * @majfault_rate: major faults per second
 * @scan_rate: pages scanned by reclaim (kswapd + direct) per second
 * @free_pages: free pages now
 * @elapsed_ms: milliseconds since the last step that took pages
 */
struct vb_pace_signals {
	u64 refault_rate;
	u64 majfault_rate;
	u64 scan_rate;
	u64 free_pages;
	u64 elapsed_ms;
};

enum vb_pace_mode {
	VB_PACE_FULL,	/* memory is free: take a batch per CPU now */
	VB_PACE_PACED,	/* reclaim is running: take rate * elapsed */
	VB_PACE_PAUSED,	/* the working set is refaulting: take nothing */
};

struct vb_pace_step {
	enum vb_pace_mode mode;
	u64 pages;
};

u64 vb_pace_rate(u64 events, u64 ms);
void vb_pace_decide(const struct vb_pace_params *p,
		    const struct vb_pace_signals *s, struct vb_pace_step *out);
const char *vb_pace_mode_name(enum vb_pace_mode mode);
u64 vb_pace_deflate_wait(u64 got, u64 left, u64 retry_ms);

#endif /* _VMLAB_BALLOON_PACE_H */
