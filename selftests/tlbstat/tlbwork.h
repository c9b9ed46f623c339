/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Workloads and readers for the tlbstat selftests: threads spinning on the
 * other CPUs keep the test's mm loaded there, so every flush of it must
 * interrupt them (a remote shootdown); a pinned child process is the
 * single-CPU control that needs none.
 */
#ifndef _TLBWORK_H
#define _TLBWORK_H

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "vmlab_test.h"

#define TLB_MAX_CPUS 64
#define TLB_PAGE 4096UL

enum tlb_op { TLB_MUNMAP, TLB_MPROTECT, TLB_MADVISE };

struct tlb_spinners {
	int nr;
	pthread_t thr[TLB_MAX_CPUS];
	atomic_int running;
	atomic_int stop;
};

static inline int tlb_pin(pthread_t t, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(t, sizeof(set), &set);
}

static void *tlb_spin(void *arg)
{
	struct tlb_spinners *s = arg;

	atomic_fetch_add(&s->running, 1);
	while (!atomic_load_explicit(&s->stop, memory_order_relaxed))
		;
	return NULL;
}

static inline int tlb_online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > TLB_MAX_CPUS ? TLB_MAX_CPUS : (int)n;
}

/* Pin the caller to CPU 0 and one spinning thread to every other CPU. */
static inline int tlb_spinners_start(struct tlb_spinners *s)
{
	int cpu, ncpu = tlb_online_cpus();

	memset(s, 0, sizeof(*s));
	if (tlb_pin(pthread_self(), 0))
		return -1;
	for (cpu = 1; cpu < ncpu; cpu++) {
		if (pthread_create(&s->thr[s->nr], NULL, tlb_spin, s))
			return -1;
		if (tlb_pin(s->thr[s->nr], cpu))
			return -1;
		s->nr++;
	}
	while (atomic_load(&s->running) < s->nr)
		sched_yield();
	return s->nr;
}

static inline void tlb_spinners_stop(struct tlb_spinners *s)
{
	int i;

	atomic_store(&s->stop, 1);
	for (i = 0; i < s->nr; i++)
		pthread_join(s->thr[i], NULL);
	s->nr = 0;
}

/*
 * Debian's 6.12 under QEMU 7.2 TCG (-cpu max) can take a fatal "Oops: int3"
 * when kernel text is patched (a static key or static call flips: any
 * tracepoint's first probe or last one going, including the kernel's own
 * trace events through tracefs) while other vCPUs run the patched code:
 * reproduced there with no vmlab module loaded, never on 6.1.  On such a
 * kernel the tests pause their concurrent workers around each patching
 * step (load, unload, enable, disable) instead of racing them.
 */
static inline bool tlb_patching_racy(void)
{
	static char buf[4096];
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return false;
	if (major < 6 || (major == 6 && minor < 12))
		return false;
	if (vmlab_read_path("/proc/cpuinfo", buf, sizeof(buf)) < 0)
		return false;
	return strstr(buf, "QEMU TCG CPU");
}

/* Workers that can be held still while the kernel patches its text. */
struct tlb_pause {
	atomic_int want, held;
};

/* A worker calls this between steps: it waits while a pause is wanted. */
static inline void tlb_pause_point(struct tlb_pause *p)
{
	if (!atomic_load(&p->want))
		return;
	atomic_fetch_add(&p->held, 1);
	while (atomic_load(&p->want))
		usleep(1000);
	atomic_fetch_sub(&p->held, 1);
}

/* Hold @nr workers (when @racy), or do nothing. */
static inline void tlb_pause_begin(struct tlb_pause *p, int nr, bool racy)
{
	if (!racy)
		return;
	atomic_store(&p->want, 1);
	while (atomic_load(&p->held) < nr)
		usleep(1000);
}

static inline void tlb_pause_end(struct tlb_pause *p)
{
	atomic_store(&p->want, 0);
}

/* A mapping of @pages pages, every page touched so that flushes are due. */
static inline char *tlb_map(int pages)
{
	char *p = mmap(NULL, pages * TLB_PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int i;

	if (p == MAP_FAILED)
		return NULL;
	for (i = 0; i < pages; i++)
		p[i * TLB_PAGE] = 1;
	return p;
}

/* The measured part: @op over @pages pages, one page per call or one call. */
static inline int tlb_do(enum tlb_op op, char *p, int pages, bool batched)
{
	int i, n = batched ? 1 : pages;
	size_t len = (batched ? pages : 1) * TLB_PAGE;

	for (i = 0; i < n; i++) {
		char *a = p + i * TLB_PAGE;
		int ret;

		switch (op) {
		case TLB_MUNMAP:
			ret = munmap(a, len);
			break;
		case TLB_MPROTECT:
			ret = mprotect(a, len, PROT_READ);
			break;
		default:
			ret = madvise(a, len, MADV_DONTNEED);
			break;
		}
		if (ret)
			return -errno;
	}
	return 0;
}

/* Everything the tests compare, read from debugfs and /proc. */
struct tlb_snap {
	uint64_t sent, sent_full, sent_pages, received;
	uint64_t local_full, local_pages;	/* with and without mm */
	uint64_t top_shootdowns, top_pages, top_full; /* of one pid */
	int top_nr;
	uint64_t irq_tlb;			/* TLB row of /proc/interrupts */
};

static inline uint64_t tlb_stat(const char *name)
{
	uint64_t v = ~0ULL;

	vmlab_stat("tlbstat", "stats", name, &v);
	return v;
}

/* Sum of the TLB row of /proc/interrupts; 0 when there is none. */
static inline uint64_t tlb_irq_row(void)
{
	static char buf[65536];
	char *line, *tok, *save = NULL, *save2 = NULL;
	uint64_t sum = 0;

	if (vmlab_read_path("/proc/interrupts", buf, sizeof(buf)) < 0)
		return 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		while (*line == ' ')
			line++;
		if (strncmp(line, "TLB:", 4))
			continue;
		for (tok = strtok_r(line + 4, " ", &save2); tok;
		     tok = strtok_r(NULL, " ", &save2)) {
			char *end;
			uint64_t v = strtoull(tok, &end, 10);

			if (*end)
				break;
			sum += v;
		}
	}
	return sum;
}

/* The TLB row of /proc/interrupts, per CPU; returns the number of CPUs. */
static inline int tlb_irq_row_cpus(uint64_t *out, int max)
{
	static char buf[65536];
	char *line, *tok, *save = NULL, *save2 = NULL;
	int n = 0;

	if (vmlab_read_path("/proc/interrupts", buf, sizeof(buf)) < 0)
		return 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		while (*line == ' ')
			line++;
		if (strncmp(line, "TLB:", 4))
			continue;
		for (tok = strtok_r(line + 4, " ", &save2); tok && n < max;
		     tok = strtok_r(NULL, " ", &save2)) {
			char *end;
			uint64_t v = strtoull(tok, &end, 10);

			if (*end)
				break;
			out[n++] = v;
		}
	}
	return n;
}

/* A /proc/vmstat value, or -1 when the kernel does not count it. */
static inline int64_t tlb_vmstat(const char *name)
{
	static char buf[16384];
	size_t len = strlen(name);
	char *line, *save = NULL;

	if (vmlab_read_path("/proc/vmstat", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, name, len) && line[len] == ' ')
			return strtoll(line + len + 1, NULL, 10);
	return -1;
}

/* The top-table row of @pid; all zero when @pid is not listed. */
static inline int tlb_top(pid_t pid, struct tlb_snap *s)
{
	static char buf[8192];
	char *line, *save = NULL;

	s->top_shootdowns = 0;
	s->top_pages = 0;
	s->top_full = 0;
	s->top_nr = 0;
	if (vmlab_read("tlbstat", "top", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long sd, err, pages, full;
		int p;

		if (line[0] == '#')
			continue;
		if (sscanf(line, "%d %llu %llu %llu %llu", &p, &sd, &err, &pages, &full) != 5)
			return -1;
		s->top_nr++;
		if (p == pid) {
			s->top_shootdowns = sd;
			s->top_pages = pages;
			s->top_full = full;
		}
	}
	return 0;
}

static inline void tlb_snap(struct tlb_snap *s, pid_t pid)
{
	s->sent = tlb_stat("ipi_sent");
	s->sent_full = tlb_stat("ipi_sent_full");
	s->sent_pages = tlb_stat("ipi_sent_pages");
	s->received = tlb_stat("shootdown_received");
	s->local_full = tlb_stat("local_shootdown_full") + tlb_stat("local_mm_shootdown_full");
	s->local_pages = tlb_stat("local_shootdown_pages") +
			 tlb_stat("local_mm_shootdown_pages");
	tlb_top(pid, s);
}

/* Histogram header value ("count: N") of a tlbstat histogram file. */
static inline uint64_t tlb_hist(const char *file, const char *field)
{
	char buf[8192], *p;
	char key[32];

	if (vmlab_read("tlbstat", file, buf, sizeof(buf)) < 0)
		return ~0ULL;
	snprintf(key, sizeof(key), "%s: ", field);
	p = strstr(buf, key);
	return p ? strtoull(p + strlen(key), NULL, 10) : ~0ULL;
}

#endif /* _TLBWORK_H */
