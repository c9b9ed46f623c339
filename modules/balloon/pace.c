// SPDX-License-Identifier: GPL-2.0
/*
 * Pacing policy of the working-set guard (see pace.h and
 * Documentation/balloon.rst, "The working-set guard"), and the worker's
 * wait after a deflation step that found nothing to take.
 */
#include <linux/export.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/overflow.h>

#include <vmlab/compat.h>	/* EXPORT_SYMBOL_IF_KUNIT() on every kernel */

#include "pace.h"

/* @events over @ms as events per second, saturating, 0 for an empty window. */
u64 vb_pace_rate(u64 events, u64 ms)
{
	if (!ms)
		return 0;
	if (events > div64_u64(U64_MAX, 1000))
		return div64_u64(events, ms) > div64_u64(U64_MAX, 1000) ?
			U64_MAX : div64_u64(events, ms) * 1000;
	return div64_u64(events * 1000, ms);
}
EXPORT_SYMBOL_IF_KUNIT(vb_pace_rate);

/* rate * ms / 1000 without overflowing for any u64 inputs. */
static u64 vb_pace_budget(u64 rate, u64 ms)
{
	u64 whole = div64_u64(ms, 1000), part = ms - whole * 1000;
	u64 a, b;

	if (whole && rate > div64_u64(U64_MAX, whole))
		return U64_MAX;
	a = rate * whole;
	b = rate > div64_u64(U64_MAX, 1000) ? div64_u64(rate, 1000) * part :
		div64_u64(rate * part, 1000);
	return a > U64_MAX - b ? U64_MAX : a + b;
}

void vb_pace_decide(const struct vb_pace_params *p,
		    const struct vb_pace_signals *s, struct vb_pace_step *out)
{
	u64 pressure = max(s->refault_rate, s->majfault_rate);
	u64 budget, full;

	if (check_mul_overflow(p->batch, max_t(u64, p->cpus, 1), &full))
		full = U64_MAX;
	if (!p->guard) {
		out->mode = VB_PACE_FULL;
		out->pages = full;
		return;
	}
	/* The hot set is being evicted: stop until it settles. */
	if (p->threshold && pressure >= p->threshold) {
		out->mode = VB_PACE_PAUSED;
		out->pages = 0;
		return;
	}
	/* Free memory costs nobody anything: take it at full speed. */
	if (s->free_pages > p->free_margin && !s->scan_rate) {
		out->mode = VB_PACE_FULL;
		out->pages = min(full, s->free_pages - p->free_margin);
		return;
	}
	/*
	 * Reclaim is running: take pages no faster than @rate, slowed in
	 * proportion to how close the refault rate is to the threshold, so
	 * that reclaim has time to find cold pages first.
	 */
	budget = vb_pace_budget(p->rate, s->elapsed_ms);
	if (p->threshold && pressure)
		budget = mul_u64_u64_div_u64(budget, p->threshold - pressure,
					     p->threshold);
	out->mode = VB_PACE_PACED;
	out->pages = min(budget, p->batch);
}
EXPORT_SYMBOL_IF_KUNIT(vb_pace_decide);

/**
 * vb_pace_deflate_wait - how long the worker waits after a deflation step
 * @got: pages the step gave back
 * @left: pages still above the target after it
 * @retry_ms: the retry_ms knob
 *
 * A step that gave back nothing while pages are left found every one of
 * them isolated by compaction (or locked on their way there); they come
 * back when the migration ends, not sooner for asking, so running again
 * at once would only spin the worker's CPU until then.
 *
 * Return: 0 to run again at once, else @retry_ms.
 */
u64 vb_pace_deflate_wait(u64 got, u64 left, u64 retry_ms)
{
	return !got && left ? retry_ms : 0;
}
EXPORT_SYMBOL_IF_KUNIT(vb_pace_deflate_wait);

const char *vb_pace_mode_name(enum vb_pace_mode mode)
{
	switch (mode) {
	case VB_PACE_FULL:
		return "full";
	case VB_PACE_PACED:
		return "paced";
	case VB_PACE_PAUSED:
		return "paused";
	}
	return "unknown";
}
EXPORT_SYMBOL_IF_KUNIT(vb_pace_mode_name);
