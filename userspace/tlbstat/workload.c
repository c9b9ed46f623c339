// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab-tlbstat scenarios.  Each one maps and touches its pages first, so
 * that the measured calls really have translations to invalidate, and
 * unmaps them afterwards outside the measurement.
 */
#include <errno.h>
#include <stdlib.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "workload.h"

#define PAGE 4096UL
#define MAX_WORKERS 256

const char * const tlb_scenario_names[SC_NR] = {
	[SC_MUNMAP] = "munmap",
	[SC_MPROTECT] = "mprotect",
	[SC_MADVISE] = "madvise",
	[SC_JIT] = "jit",
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static long one_range(enum tlb_scenario sc, char *a, size_t len)
{
	int ret;

	if (sc == SC_MUNMAP)
		ret = munmap(a, len);
	else if (sc == SC_MPROTECT)
		ret = mprotect(a, len, PROT_READ);
	else
		ret = madvise(a, len, MADV_DONTNEED);
	return ret ? -errno : 0;
}

/*
 * A JIT's W^X cycle: write a function (here one "ret") into RW pages, then
 * flip them to RX; no page is ever writable and executable at once.  Per
 * page: one mprotect per function.  Batched: write a group of functions,
 * then one mprotect for the group.
 */
static long jit(char *p, int pages, int group, uint64_t *ns, tlb_mark_fn mark,
		void *ctx)
{
	static const unsigned char ret_insn = 0xc3;
	long calls = 0;
	uint64_t t0;
	int i, j;

	if (group < 1)
		group = 1;
	mark(ctx, 0);
	t0 = now_ns();
	for (i = 0; i < pages; i += group) {
		int n = pages - i < group ? pages - i : group;

		for (j = 0; j < n; j++)
			memcpy(p + (i + j) * PAGE, &ret_insn, 1);
		if (mprotect(p + i * PAGE, n * PAGE, PROT_READ | PROT_EXEC))
			return -errno;
		calls++;
#if defined(__x86_64__)
		for (j = 0; j < n; j++)
			((void (*)(void))(p + (i + j) * PAGE))();
#endif
	}
	*ns = now_ns() - t0;
	mark(ctx, 1);
	return calls;
}

long tlb_scenario_run(enum tlb_scenario sc, int pages, bool batched, int group,
		      uint64_t *ns, tlb_mark_fn mark, void *ctx)
{
	char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long calls = 0, ret = 0;
	uint64_t t0;
	int i;

	if (p == MAP_FAILED)
		return -errno;
	for (i = 0; i < pages; i++)
		p[i * PAGE] = 1;

	if (sc == SC_JIT) {
		ret = jit(p, pages, batched ? group : 1, ns, mark, ctx);
		calls = ret;
	} else if (batched) {
		mark(ctx, 0);
		t0 = now_ns();
		ret = one_range(sc, p, pages * PAGE);
		*ns = now_ns() - t0;
		mark(ctx, 1);
		calls = 1;
	} else {
		mark(ctx, 0);
		t0 = now_ns();
		for (i = 0; i < pages && !ret; i++, calls++)
			ret = one_range(sc, p + i * PAGE, PAGE);
		*ns = now_ns() - t0;
		mark(ctx, 1);
	}
	munmap(p, pages * PAGE);
	return ret < 0 ? ret : calls;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int tlb_munmap_call_times(int pages, uint64_t *ns)
{
	char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t t0;
	int i;

	if (p == MAP_FAILED)
		return -errno;
	for (i = 0; i < pages; i++)
		p[i * PAGE] = 1;
	for (i = 0; i < pages; i++) {
		t0 = now_ns();
		if (munmap(p + i * PAGE, PAGE))
			return -errno;
		ns[i] = now_ns() - t0;
	}
	qsort(ns, pages, sizeof(*ns), cmp_u64);
	return 0;
}

static pthread_t workers[MAX_WORKERS];
static int nr_workers;
static atomic_int running, stop;

static void *spin(void *arg)
{
	(void)arg;
	atomic_fetch_add(&running, 1);
	while (!atomic_load_explicit(&stop, memory_order_relaxed))
		;
	return NULL;
}

int tlb_ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MAX_WORKERS ? MAX_WORKERS : (int)n;
}

int tlb_pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

int tlb_workers_start(void)
{
	int cpu, n = tlb_ncpus();
	cpu_set_t set;

	atomic_store(&stop, 0);
	atomic_store(&running, 0);
	for (cpu = 1; cpu < n; cpu++) {
		if (pthread_create(&workers[nr_workers], NULL, spin, NULL))
			return -EAGAIN;
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		pthread_setaffinity_np(workers[nr_workers], sizeof(set), &set);
		nr_workers++;
	}
	while (atomic_load(&running) < nr_workers)
		sched_yield();
	return nr_workers;
}

void tlb_workers_stop(void)
{
	atomic_store(&stop, 1);
	while (nr_workers)
		pthread_join(workers[--nr_workers], NULL);
}
