/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host unit tests of vmlab's user-space code print TAP, one line per check,
 * and close with "N passed, N failed", which make check adds to its totals.
 */
#ifndef _VMLAB_TAP_H
#define _VMLAB_TAP_H

#include <stdio.h>

static int tap_passed, tap_failed, tap_nr;

static inline void check(int ok, const char *what)
{
	printf("%sok %d %s\n", ok ? "" : "not ", ++tap_nr, what);
	if (ok)
		tap_passed++;
	else
		tap_failed++;
}

/* The closing line; returns the exit status. */
static inline int tap_done(void)
{
	printf("%d passed, %d failed\n", tap_passed, tap_failed);
	return tap_failed ? 1 : 0;
}

#endif /* _VMLAB_TAP_H */
