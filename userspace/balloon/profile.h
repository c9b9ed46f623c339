/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-testable logic of the balloon programs: the target syntax (the same
 * rule as the module's target_pages), profile lines and percentiles.
 */
#ifndef _VMLAB_BALLOON_PROFILE_H
#define _VMLAB_BALLOON_PROFILE_H

#include <stddef.h>
#include <stdint.h>

/* A page count, or a size with K/M/G/T, rounded up to 4 KiB pages. */
int vbp_parse_target(const char *s, uint64_t *pages);

/* One profile step: at @ms after the start, set the target to @pages. */
struct vbp_step {
	uint64_t ms;
	uint64_t pages;
};

/*
 * "SECONDS TARGET", e.g. "2.5 256M"; '#' starts a comment.  Returns 0 for a
 * step, 1 for a blank or comment line, -EINVAL otherwise.
 */
int vbp_parse_line(const char *line, struct vbp_step *step);

/* Nearest-rank percentile of @n values (sorted in place); 0 when n == 0. */
uint64_t vbp_percentile(uint64_t *v, size_t n, unsigned int pct);

#endif
