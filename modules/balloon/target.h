/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a write to target_pages means, as a pure function, so that KUnit
 * checks the very parser the debugfs file runs.
 */
#ifndef _VMLAB_BALLOON_TARGET_H
#define _VMLAB_BALLOON_TARGET_H

#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/types.h>

/* Largest target: its size in bytes still fits in a u64 (2^52 - 1 pages). */
#define VB_MAX_TARGET (U64_MAX >> PAGE_SHIFT)

/* Longest write accepted, trailing newline included, plus the NUL. */
#define VB_TARGET_MAX_INPUT 32

int vb_parse_target(const char *buf, size_t count, u64 *pages);

#endif /* _VMLAB_BALLOON_TARGET_H */
