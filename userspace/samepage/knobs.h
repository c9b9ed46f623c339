/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The files a merging scanner is driven and watched through: its
 * tunables, its stats (one file per stat as in /sys/kernel/mm/ksm, or
 * one "name value" file as in samepage's debugfs) and its kthread's CPU
 * time in /proc; and the two helpers every driver needs, die() and
 * now().  Shared by the subcommands of vmlab-samepage.
 */
#ifndef _SAMEPAGE_KNOBS_H
#define _SAMEPAGE_KNOBS_H

#include <stddef.h>

#define SP_DIR "/sys/kernel/debug/vmlab/samepage"
#define KSM_DIR "/sys/kernel/mm/ksm"

/* 0, or -errno: @v written to @dir/@knob. */
int knob_write(const char *dir, const char *knob, unsigned long v);
/* 0 and @buf NUL-terminated, or -1 (errno set). */
int file_read(const char *path, char *buf, size_t len);
/*
 * Stat @name from @stats ("name value" lines) or, when @stats is NULL,
 * from the file @dir/@name; ~0 when there is no such stat.
 */
unsigned long long stat_read(const char *dir, const char *stats, const char *name);
/* utime + stime in seconds of the first thread whose comm is @comm; -1 if none. */
double kthread_cpu_s(const char *comm);
/* perror(@msg) and exit(1): for a driver whose setup cannot go on. */
void die(const char *msg);
/* CLOCK_MONOTONIC in seconds. */
double now(void);

#endif /* _SAMEPAGE_KNOBS_H */
