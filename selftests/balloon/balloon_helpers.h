/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers and the fixture shared by the balloon suites: /proc figures,
 * the balloon's files, and a fixture that starts and ends every test with
 * an empty balloon and the knobs as they were.
 */
#ifndef _BALLOON_HELPERS_H
#define _BALLOON_HELPERS_H

#include <sys/mman.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "vmlab_test.h"

#define M "balloon"
#define MODULE_KO "/vmlab/modules/vmlab_balloon.ko"
/*
 * Pages the rest of the guest may allocate or free while a test runs:
 * slab, page tables, the test's own stack and buffers, and on the debug
 * kernel KASAN's quarantine of freed objects and kmemleak's metadata
 * (measured there: up to ~320 pages over one inflate/deflate cycle).
 * 4 MiB, an eighth of the 32 MiB the test inflates, so a balloon that
 * miscounts by more than that fails.
 */
#define NOISE_PAGES 1024

static inline long page_kb(void)
{
	return sysconf(_SC_PAGESIZE) / 1024;
}

/* One field of a "name value" file such as /proc/vmstat. */
static inline uint64_t file_field(const char *path, const char *name)
{
	char line[256];
	size_t n = strlen(name);
	uint64_t v = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && (line[n] == ' ' || line[n] == ':')) {
			v = strtoull(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

#define PROC_VMSTAT "/proc/vmstat"

static inline uint64_t vmstat(const char *name)
{
	return file_field(PROC_VMSTAT, name);
}

static inline uint64_t meminfo_pages(const char *name)
{
	return file_field("/proc/meminfo", name) / page_kb();
}

/*
 * Free pages, counting those parked on the per-CPU lists too: the
 * allocator refills those lists from the free pool in batches, so MemFree
 * alone moves by up to a batch per CPU more or less than what was taken.
 */
static inline uint64_t free_pages(void)
{
	char line[256];
	uint64_t total = 0;
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " ");

		if (!strncmp(p, "nr_free_pages ", 14))
			total += strtoull(p + 14, NULL, 10);
		else if (!strncmp(p, "count: ", 7))
			total += strtoull(p + 7, NULL, 10);
	}
	fclose(f);
	return total;
}

static inline uint64_t target(void)
{
	uint64_t v = UINT64_MAX;

	vmlab_read_u64(M, "target_pages", &v);
	return v;
}

static inline uint64_t stat_of(const char *name)
{
	uint64_t v = 0;

	vmlab_stat(M, "stats", name, &v);
	return v;
}

static inline uint64_t field_of_status(const char *name)
{
	uint64_t v = UINT64_MAX;

	vmlab_stat(M, "status", name, &v);
	return v;
}

static inline uint64_t actual(void)
{
	uint64_t v = UINT64_MAX;

	vmlab_read_u64(M, "actual_pages", &v);
	return v;
}

static inline int state_is(const char *want)
{
	char buf[1024], line[64];

	if (vmlab_read(M, "status", buf, sizeof(buf)) < 0)
		return 0;
	snprintf(line, sizeof(line), "state %s\n", want);
	return !strncmp(buf, line, strlen(line));
}

static inline void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Wait for the worker to reach @pages and go idle. */
static inline int wait_actual(uint64_t pages, int seconds)
{
	int i;

	for (i = 0; i < seconds * 100; i++) {
		if (actual() == pages && state_is("idle"))
			return 0;
		sleep_ms(10);
	}
	return -ETIMEDOUT;
}

/*
 * Wait for a balloon with an unreachable target to stop: it is retrying
 * after an allocation failure, or backing off after the OOM notifier or
 * the shrinker took pages back.
 */
static inline int wait_full(int seconds)
{
	int i;

	for (i = 0; i < seconds * 10; i++) {
		if (state_is("retrying") || state_is("backoff"))
			return 0;
		sleep_ms(100);
	}
	return -ETIMEDOUT;
}

static const char * const knobs[] = {
	"batch_pages", "rate_pages", "refault_threshold", "free_margin_pages",
	"guard", "retry_ms", "backoff_ms", "oom_pages", "shrinker", "inflate_cpus",
	"host_reserve_pages", "free_page_reporting",
};

#define NR_KNOBS ARRAY_SIZE(knobs)

/*
 * Swap areas a test turned off, to be turned back on.  A fill until
 * allocation fails turns swap off first: with swap, reaching the failure
 * point means paging the whole guest out to disk first, which tests the
 * disk, not the balloon, and takes minutes under KASAN.
 */
#define MAX_SWAPS 4

struct swaps {
	int n;
	char path[MAX_SWAPS][256];
};

static inline int swaps_off(struct swaps *s)
{
	FILE *f = fopen("/proc/swaps", "r");
	char line[512];
	int ret = 0;

	if (!f)
		return 0;	/* no swap support at all */
	if (!fgets(line, sizeof(line), f))	/* the header */
		line[0] = 0;
	while (!ret && s->n < MAX_SWAPS && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s", s->path[s->n]) != 1)
			continue;
		ret = swapoff(s->path[s->n]) ? -errno : 0;
		if (!ret)
			s->n++;
	}
	fclose(f);
	return ret;
}

static inline void swaps_on(struct swaps *s)
{
	while (s->n > 0)
		swapon(s->path[--s->n], 0);
}

FIXTURE(balloon) {
	uint64_t saved[NR_KNOBS];
	struct swaps swaps;
};

FIXTURE_SETUP(balloon)
{
	unsigned int i;

	if (!vmlab_loaded(M))
		SKIP(return, "vmlab_balloon is not loaded");
	for (i = 0; i < NR_KNOBS; i++)
		ASSERT_EQ(0, vmlab_read_u64(M, knobs[i], &self->saved[i]));
	ASSERT_EQ(0, vmlab_write(M, "target_pages", "0"));
	ASSERT_EQ(0, wait_actual(0, 60));
}

FIXTURE_TEARDOWN(balloon)
{
	unsigned int i;

	swaps_on(&self->swaps);
	if (!vmlab_loaded(M))
		return;
	vmlab_write(M, "target_pages", "0");
	for (i = 0; i < NR_KNOBS; i++)
		vmlab_write_u64(M, knobs[i], self->saved[i]);
	EXPECT_EQ(0, wait_actual(0, 60));
}

/* In a child: @len bytes of anonymous memory, every page touched, or exit 2. */
static inline char *child_anon_touched(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t i;

	if (p == MAP_FAILED)
		_exit(2);
	for (i = 0; i < len; i += 4096)
		p[i] = 1;
	return p;
}

/*
 * A child holding @len bytes of anonymous memory with every other page
 * freed: single free pages between used ones, which is where balloon
 * pages must sit for compaction to move them.  It waits until
 * holes_release(), so the balloon can fill the holes first.
 */
struct holes {
	pid_t pid;
	int ready[2];
	int go[2];
};

static inline void holes_close(struct holes *h)
{
	close(h->ready[0]);
	close(h->ready[1]);
	close(h->go[0]);
	close(h->go[1]);
}

/* 0 once the child has made its holes, else -1. */
static inline int holes_make(struct holes *h, size_t len)
{
	char c;

	if (pipe(h->ready))
		return -1;
	if (pipe(h->go)) {
		close(h->ready[0]);
		close(h->ready[1]);
		return -1;
	}
	h->pid = fork();
	if (h->pid < 0) {
		holes_close(h);
		return -1;
	}
	if (h->pid == 0) {
		char *p = child_anon_touched(len);
		size_t i;

		for (i = 0; i < len; i += 8192)
			madvise(p + i, 4096, MADV_DONTNEED);
		if (write(h->ready[1], "r", 1) != 1 || read(h->go[0], &c, 1) != 1)
			_exit(3);
		_exit(0);
	}
	return read(h->ready[0], &c, 1) == 1 ? 0 : -1;
}

/* The child exits and frees the rest; its exit status, or -1. */
static inline int holes_release(struct holes *h)
{
	int status = -1;

	if (write(h->go[1], "g", 1) != 1 || waitpid(h->pid, &status, 0) != h->pid)
		status = -1;
	holes_close(h);
	return status;
}

/* Touch @mb MiB of anonymous memory in a child; its exit status. */
static inline int child_touch(long mb)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		child_anon_touched((size_t)mb << 20);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#endif
