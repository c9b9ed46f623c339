/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the samepage selftests: tunables, stats, regions and page
 * patterns.  Tests compare stats against a baseline taken in setup, so
 * they do not depend on what ran before them.
 */
#ifndef _SAMEPAGE_TEST_H
#define _SAMEPAGE_TEST_H

#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>

#include "vmlab/samepage.h"
#include "vmlab_test.h"

#define SP "samepage"
#define PG 4096UL

static inline uint64_t sp_stat(const char *name)
{
	uint64_t v = ~0ULL;

	if (vmlab_stat(SP, "stats", name, &v))
		return ~0ULL;
	return v;
}

static inline uint64_t sp_get(const char *knob)
{
	uint64_t v = ~0ULL;

	vmlab_read_u64(SP, knob, &v);
	return v;
}

static inline int sp_set(const char *knob, uint64_t v)
{
	return vmlab_write_u64(SP, knob, v);
}

/*
 * Fast scanning, KSM-like defaults otherwise; the scanner stopped.
 * merge_across_owners can go back to 0 only with nothing merged (EBUSY).
 */
static inline int sp_test_defaults(void)
{
	return sp_set("run", 0) || sp_set("pages_to_scan", 1000) ||
	       sp_set("sleep_millisecs", 1) || sp_set("max_page_sharing", 256) ||
	       sp_set("use_zero_pages", 0) || sp_set("stable_scans", 0) ||
	       sp_set("max_region_pages", 65536) || sp_set("max_pages", 131072) ||
	       sp_set("merge_across_owners", 0) || sp_set("serialise_faults", 0);
}

static inline double sp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Start the scanner and wait for @n full scans to complete; the first may
 * have started before the call, so ask for 2 to be sure every page was
 * visited after it.  Stops the scanner again.  Returns 0 or -ETIMEDOUT.
 */
static inline int sp_scan(int n)
{
	uint64_t start = sp_stat("full_scans");
	double deadline = sp_now() + 60;

	if (sp_set("run", 1))
		return -EIO;
	while (sp_stat("full_scans") < start + n) {
		if (sp_now() > deadline) {
			sp_set("run", 0);
			return -ETIMEDOUT;
		}
		usleep(2000);
	}
	return sp_set("run", 0) ? -EIO : 0;
}

/* A region of @pages pages, mapped shared; *fd keeps it open. */
static inline uint8_t *sp_region(size_t pages, int *fd)
{
	void *p;

	*fd = open(VMLAB_SAMEPAGE_DEV, O_RDWR);
	if (*fd < 0)
		return NULL;
	p = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
	if (p == MAP_FAILED) {
		close(*fd);
		*fd = -1;
		return NULL;
	}
	return p;
}

static inline int sp_info(int fd, struct vmlab_samepage_info *info)
{
	return ioctl(fd, VMLAB_SAMEPAGE_IOC_INFO, info);
}

/* Page content derived from @seed: equal seeds, equal pages. */
static inline void sp_fill(uint8_t *page, uint64_t seed)
{
	uint64_t *w = (uint64_t *)page;
	size_t i;

	for (i = 0; i < PG / 8; i++)
		w[i] = (seed + 1) * 0x9E3779B97F4A7C15ULL ^ (i * 0xBF58476D1CE4E5B9ULL);
}

/* Index of the first wrong word, or -1 when the page holds @seed's pattern. */
static inline long sp_check(const uint8_t *page, uint64_t seed)
{
	const uint64_t *w = (const uint64_t *)page;
	size_t i;

	for (i = 0; i < PG / 8; i++)
		if (w[i] != ((seed + 1) * 0x9E3779B97F4A7C15ULL ^ (i * 0xBF58476D1CE4E5B9ULL)))
			return i;
	return -1;
}

static inline bool sp_loaded(void)
{
	return vmlab_loaded(SP) && access(VMLAB_SAMEPAGE_DEV, F_OK) == 0;
}

#endif /* _SAMEPAGE_TEST_H */
