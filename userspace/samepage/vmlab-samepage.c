// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab-samepage (vmlabctl samepage): drive a same-page merging scanner.
 *
 *   vmlab-samepage [status]
 *   vmlab-samepage run [--backend samepage|ksm] [--procs P] [--pages N]
 *                      [--dup F] [--group G] [--zero F] [--volatile F]
 *                      [--pages-to-scan N] [--sleep-ms N] [--use-zero-pages 0|1]
 *                      [--timeout S]
 *   vmlab-samepage probe [--trials N] [--uid U]
 *   vmlab-samepage scale [--procs N] [--mib M] [--seconds S] ...   (scale.c)
 *   vmlab-samepage hashcost [--mib M] [--rounds R]                 (hashcost.c)
 *
 * run fills memory in P processes with a known layout (a fraction --dup of
 * the pages in groups of --group identical pages, --zero zero pages,
 * --volatile pages rewritten all the time, the rest unique), starts the
 * scanner and waits until it shares exactly what the layout allows.  Then
 * every byte is checked, every merged page is written once (timing each
 * COW break) and every byte is checked again.  Backend samepage uses
 * /dev/vmlab_samepage; backend ksm the same layout in MADV_MERGEABLE
 * anonymous memory with /sys/kernel/mm/ksm.  The last line is one
 * "result key=value ..." line for scripts.
 *
 * probe is the classic timing attack on merging, as a measurement: an
 * attacker's page holds a right guess of a victim's page, another a wrong
 * guess; after the scanner has run, a write to one of them is timed.  Within
 * one merge domain the right guess was merged and its write is a COW
 * break; across domains (victim opened as uid U, merge_across_owners=0)
 * it must cost what the wrong guess costs.  One "probe ..." line per
 * domain and guess: median and p99 of the write latency and the faults.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hashcost.h"
#include "knobs.h"
#include "layout.h"
#include "scale.h"
#include "slabinfo.h"
#include "vmlab/samepage.h"

#define PG LAYOUT_PAGE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct backend {
	const char *name;
	const char *dir;	/* knobs */
	const char *stats;	/* NULL: one file per stat in dir */
	const char *thread;	/* scanner thread's comm */
	/*
	 * The slab caches its bookkeeping lives in.  samepage's slots come in
	 * 2 KiB chunks kzalloc'd with GFP_KERNEL_ACCOUNT (kmalloc-cg-2k, or
	 * kmalloc-2k without memcg), its merged-page nodes with GFP_KERNEL
	 * (kmalloc-64), and its xarrays' nodes are radix_tree_node; KSM has
	 * caches of its own.
	 */
	const char * const *caches;
};

static const char * const samepage_caches[] = {
	"kmalloc-cg-2k", "kmalloc-2k", "kmalloc-cg-64", "kmalloc-64", "radix_tree_node", NULL,
};

static const char * const ksm_caches[] = {
	"ksm_rmap_item", "ksm_stable_node", "ksm_mm_slot", NULL,
};

static const struct backend backends[] = {
	{ "samepage", SP_DIR, SP_DIR "/stats", "vmlab_samepaged", samepage_caches },
	{ "ksm", KSM_DIR, NULL, "ksmd", ksm_caches },
};

static const struct backend *be = &backends[0];
static struct layout lay = { .pages = 4096, .procs = 4, .group = 8, .dup = 0.5 };
static unsigned long pages_to_scan = 1000, sleep_ms = 20, use_zero, timeout_s = 120;
static unsigned long trials = 200, probe_uid = 1001;

static int put_knob(const char *knob, unsigned long v)
{
	return knob_write(be->dir, knob, v);
}

/* A stat by its KSM name; ~0 when the backend does not have it. */
static unsigned long long stat_of(const char *name)
{
	return stat_read(be->dir, be->stats, name);
}

/* CPU seconds used so far by the scanner thread, from /proc/PID/stat. */
static double thread_cpu(void)
{
	return kthread_cpu_s(be->thread);
}

/* ---- the processes that hold the memory ---- */

struct child {
	pid_t pid;
	int cmd, reply;		/* pipes: parent -> child, child -> parent */
};

struct worker {
	uint8_t *mem;
	unsigned long first, n;
	volatile int stop;
	uint64_t *vol_last;	/* last value written to word 0 of each page */
};

static void *volatile_writer(void *arg)
{
	struct worker *w = arg;
	uint64_t v = 1;
	unsigned long i;

	while (!w->stop) {
		for (i = 0; i < w->n; i++) {
			if (layout_kind(&lay, w->first + i) != PAGE_VOLATILE)
				continue;
			((volatile uint64_t *)(w->mem + i * PG))[0] = v;
			w->vol_last[i] = v++;
		}
		usleep(2000);
	}
	return NULL;
}

/* Every page as the layout (and the writes so far) say; 0 or the bad count. */
static unsigned long verify(struct worker *w, int cowed)
{
	static uint8_t expect[PG];
	unsigned long i, bad = 0;

	for (i = 0; i < w->n; i++) {
		unsigned long g = w->first + i;
		enum page_kind k = layout_kind(&lay, g);

		layout_fill(expect, &lay, g);
		if (k == PAGE_VOLATILE && w->vol_last[i])
			((uint64_t *)expect)[0] = w->vol_last[i];
		if (cowed && (k == PAGE_DUP || k == PAGE_ZERO))
			expect[g % PG] ^= 0x5a;
		if (memcmp(w->mem + i * PG, expect, PG))
			bad++;
	}
	return bad;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* One write per duplicate or zero page, each timed, in ns. */
static unsigned long cow_writes(struct worker *w, uint32_t *ns)
{
	unsigned long i, n = 0;
	struct timespec a, b;

	for (i = 0; i < w->n; i++) {
		unsigned long g = w->first + i;
		enum page_kind k = layout_kind(&lay, g);
		volatile uint8_t *p = w->mem + i * PG + g % PG;

		if (k != PAGE_DUP && k != PAGE_ZERO)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &a);
		*p ^= 0x5a;
		clock_gettime(CLOCK_MONOTONIC, &b);
		ns[n++] = (b.tv_sec - a.tv_sec) * 1000000000UL + b.tv_nsec - a.tv_nsec;
	}
	return n;
}

static void child_main(unsigned int p, int cmd, int reply)
{
	struct worker w = { 0 };
	pthread_t vt;
	unsigned long i, r, n;
	uint32_t *ns;
	char c;
	int fd = -1;

	layout_share(&lay, p, &w.first, &w.n);
	if (be == &backends[0]) {
		fd = open(VMLAB_SAMEPAGE_DEV, O_RDWR);
		if (fd < 0)
			die(VMLAB_SAMEPAGE_DEV);
		w.mem = mmap(NULL, w.n * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	} else {
		w.mem = mmap(NULL, w.n * PG, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	}
	if (w.mem == MAP_FAILED)
		die("mmap");
	for (i = 0; i < w.n; i++)
		layout_fill(w.mem + i * PG, &lay, w.first + i);
	if (be == &backends[1] && madvise(w.mem, w.n * PG, MADV_MERGEABLE))
		die("madvise(MADV_MERGEABLE)");
	w.vol_last = calloc(w.n, sizeof(*w.vol_last));
	ns = calloc(w.n, sizeof(*ns));
	if (!w.vol_last || !ns || pthread_create(&vt, NULL, volatile_writer, &w))
		die("child setup");
	if (write(reply, "R", 1) != 1)
		_exit(1);
	while (read(cmd, &c, 1) == 1) {
		switch (c) {
		case 'V':	/* stop the volatile writer, verify */
		case 'W':	/* verify after the COW writes */
			if (!w.stop) {
				w.stop = 1;
				pthread_join(vt, NULL);
			}
			r = verify(&w, c == 'W');
			if (write(reply, &r, sizeof(r)) != sizeof(r))
				_exit(1);
			break;
		case 'C':
			n = cow_writes(&w, ns);
			if (write(reply, &n, sizeof(n)) != sizeof(n) ||
			    write(reply, ns, n * sizeof(*ns)) != (ssize_t)(n * sizeof(*ns)))
				_exit(1);
			break;
		default:
			_exit(0);
		}
	}
	_exit(0);
}

static int read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, (char *)buf + got, len - got);
		if (n <= 0)
			return -1;
		got += n;
	}
	return 0;
}

static unsigned long ask_all(struct child *c, char cmd)
{
	unsigned long total = 0, r;
	unsigned int p;

	for (p = 0; p < lay.procs; p++)
		if (write(c[p].cmd, &cmd, 1) != 1)
			die("write to child");
	for (p = 0; p < lay.procs; p++) {
		if (read_full(c[p].reply, &r, sizeof(r)))
			die("child died");
		total += r;
	}
	return total;
}

/*
 * One "slab cache=... objs=... obj_bytes=... slab_bytes=..." line per cache
 * of the backend's, and per other cache that grew by 256 KiB or more (so
 * that memory the backend put elsewhere shows); returns the backend's
 * caches' object bytes.  Slab merging hides caches: run with slab_nomerge.
 */
static long long report_slabs(const struct slab_snapshot *before,
			      const struct slab_snapshot *after)
{
	long long own = 0;
	struct slab_growth g;
	const char * const *c;
	size_t i;

	for (c = be->caches; *c; c++) {
		g = slab_grew(before, after, *c, PG);
		own += g.obj_bytes;
		printf("slab cache=%s own=1 objs=%lld obj_bytes=%lld slab_bytes=%lld\n", *c,
		       g.objs, g.obj_bytes, g.slab_bytes);
	}
	for (i = 0; i < after->n; i++) {
		const char *name = after->caches[i].name;

		for (c = be->caches; *c && strcmp(*c, name); c++)
			;
		g = slab_grew(before, after, name, PG);
		if (*c || g.slab_bytes < 256 * 1024)
			continue;
		printf("slab cache=%s own=0 objs=%lld obj_bytes=%lld slab_bytes=%lld\n", name,
		       g.objs, g.obj_bytes, g.slab_bytes);
	}
	return own;
}

static int run(void)
{
	struct slab_snapshot slab_before = { 0 }, slab_after;
	unsigned long long base_scanned, scanned;
	long long slab_own = -1;
	unsigned long long base_scans, shared = 0, sharing = 0, zero = 0;
	unsigned long bad_before, bad_after, n, total_cow = 0;
	double t0, t1, cpu0, cpu1, cpu, deadline;
	struct child c[64];
	struct expect e;
	uint32_t *lat;
	unsigned int p;
	char err[128], r;
	int pc[2], pr[2], ok = 0;

	if (layout_init(&lay, err, sizeof(err)) || lay.procs > 64) {
		fprintf(stderr, "vmlab-samepage: %s\n", lay.procs > 64 ? "at most 64 procs" : err);
		return 2;
	}
	layout_expect(&lay, use_zero, 256, &e);
	if (put_knob("run", be == &backends[1] ? 2 : 0) ||
	    put_knob("pages_to_scan", pages_to_scan) || put_knob("sleep_millisecs", sleep_ms) ||
	    put_knob("use_zero_pages", use_zero) || put_knob("max_page_sharing", 256)) {
		fprintf(stderr, "vmlab-samepage: cannot set %s knobs in %s (loaded? root?)\n",
			be->name, be->dir);
		return 1;
	}
	if (be == &backends[1])
		put_knob("run", 0);
	printf("%s: %lu pages in %u processes: %lu in %lu groups of %u, %lu zero, %lu volatile\n",
	       be->name, lay.pages, lay.procs, lay.dup_pages, lay.groups, lay.group,
	       lay.zero_pages, lay.vol_pages);
	printf("expect pages_shared=%llu pages_sharing=%llu zero_pages=%llu\n",
	       (unsigned long long)e.shared, (unsigned long long)e.sharing,
	       (unsigned long long)e.zero);
	fflush(stdout);

	/* Before the first page is touched: the bookkeeping of every page counts. */
	if (slab_read(&slab_before))
		fprintf(stderr, "vmlab-samepage: cannot read /proc/slabinfo\n");
	for (p = 0; p < lay.procs; p++) {
		if (pipe(pc) || pipe(pr))
			die("pipe");
		c[p].pid = fork();
		if (c[p].pid < 0)
			die("fork");
		if (!c[p].pid) {
			close(pc[1]);
			close(pr[0]);
			child_main(p, pc[0], pr[1]);
		}
		close(pc[0]);
		close(pr[1]);
		c[p].cmd = pc[1];
		c[p].reply = pr[0];
	}
	for (p = 0; p < lay.procs; p++)
		if (read_full(c[p].reply, &r, 1))
			die("child failed to start");

	base_scans = stat_of("full_scans");
	base_scanned = stat_of("pages_scanned");
	cpu0 = thread_cpu();
	t0 = now();
	deadline = t0 + timeout_s;
	put_knob("run", 1);
	while (now() < deadline) {
		shared = stat_of("pages_shared");
		sharing = stat_of("pages_sharing");
		zero = be == &backends[0] ? stat_of("zero_pages") : stat_of("ksm_zero_pages");
		if (zero == ~0ULL)
			zero = 0;
		if (shared == e.shared && sharing == e.sharing && zero == e.zero) {
			ok = 1;
			break;
		}
		usleep(5000);
	}
	t1 = now();
	cpu1 = thread_cpu();
	/* -1 when the thread's stat could not be read. */
	cpu = cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0;
	n = stat_of("full_scans") - base_scans;
	scanned = stat_of("pages_scanned");
	/* KSM has pages_scanned from 6.6 on: ~0 before. */
	scanned = scanned == ~0ULL || base_scanned == ~0ULL ? 0 : scanned - base_scanned;
	put_knob("run", 0);
	if (slab_before.n && !slab_read(&slab_after)) {
		slab_own = report_slabs(&slab_before, &slab_after);
		slab_free(&slab_after);
	}
	slab_free(&slab_before);
	/* One line, printed in parts so that no format string is split. */
	printf("%s steady state after %.2f s, %lu full scans, %.2f s scanner CPU: ",
	       ok ? "reached" : "NOT reached", t1 - t0, n, cpu);
	printf("pages_shared=%llu pages_sharing=%llu zero_pages=%llu\n", shared, sharing, zero);

	bad_before = ask_all(c, 'V');
	lat = calloc(lay.pages, sizeof(*lat));
	if (!lat)
		die("calloc");
	for (p = 0; p < lay.procs; p++) {
		unsigned long k;

		if (write(c[p].cmd, "C", 1) != 1 || read_full(c[p].reply, &k, sizeof(k)) ||
		    read_full(c[p].reply, lat + total_cow, k * sizeof(*lat)))
			die("cow writes");
		total_cow += k;
	}
	bad_after = ask_all(c, 'W');
	qsort(lat, total_cow, sizeof(*lat), cmp_u32);
	for (p = 0; p < lay.procs; p++) {
		if (write(c[p].cmd, "Q", 1) != 1)
			die("quit");
		waitpid(c[p].pid, NULL, 0);
	}
	if (be == &backends[1]) {
		put_knob("run", 2);
		put_knob("run", 0);
	}
	printf("verify: %lu bad pages after merging, %lu after writing %lu merged pages\n",
	       bad_before, bad_after, total_cow);
	printf("COW-break write latency: median %.1f us, p90 %.1f us\n",
	       total_cow ? lat[total_cow / 2] / 1000.0 : 0,
	       total_cow ? lat[total_cow * 9 / 10] / 1000.0 : 0);
	printf("saving: %llu KiB\n", (sharing + (zero ? zero - 1 : 0)) * (PG / 1024));
	/* The line tools/bench/samepage.sh parses, in parts as above. */
	printf("result backend=%s pages=%lu procs=%u shared=%llu sharing=%llu zero=%llu steady=%d ",
	       be->name, lay.pages, lay.procs, shared, sharing, zero, ok);
	printf("full_scans=%lu wall_s=%.3f cpu_s=%.2f cow_writes=%lu ", n, t1 - t0, cpu, total_cow);
	printf("pages_scanned=%llu own_obj_bytes=%lld ", scanned, slab_own);
	printf("cow_us_median=%.1f cow_us_p90=%.1f bad_pages=%lu\n",
	       total_cow ? lat[total_cow / 2] / 1000.0 : 0,
	       total_cow ? lat[total_cow * 9 / 10] / 1000.0 : 0, bad_before + bad_after);
	free(lat);
	return ok && !bad_before && !bad_after ? 0 : 1;
}

/*
 * A region opened with effective uid @uid, which makes @uid its owner (the
 * kernel records the opener's credentials): the node is root's and 0600,
 * so the file system uid stays 0 for the permission check.
 */
static int open_as(uid_t uid)
{
	int fd, err;

	if (uid && seteuid(uid))
		die("seteuid");
	if (uid)
		setfsuid(0);
	fd = open(VMLAB_SAMEPAGE_DEV, O_RDWR);
	err = errno;
	if (uid && seteuid(0))
		die("seteuid(0)");
	errno = err;
	return fd;
}

static void *map_region(int fd, unsigned long pages)
{
	void *p = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		die("mmap " VMLAB_SAMEPAGE_DEV);
	return p;
}

static void fill_page(uint8_t *page, uint64_t seed)
{
	uint64_t *w = (uint64_t *)page;
	size_t i;

	for (i = 0; i < PG / 8; i++)
		w[i] = (seed + 1) * 0x9E3779B97F4A7C15ULL ^ (i * 0xBF58476D1CE4E5B9ULL);
}

/* Two full scans, the first of which may have begun before the call. */
static void scan_twice(void)
{
	unsigned long long start = stat_of("full_scans");
	double deadline = now() + timeout_s;

	if (put_knob("run", 1))
		die("run=1");
	while (stat_of("full_scans") < start + 2) {
		if (now() > deadline) {
			fprintf(stderr, "vmlab-samepage: no full scan in %lu s\n", timeout_s);
			exit(1);
		}
		usleep(500);
	}
	if (put_knob("run", 0))
		die("run=0");
}

/* One write to @p: its latency in ns, and the faults it took in *faults. */
static uint32_t timed_write(uint8_t *p, long *faults)
{
	struct timespec a, b;
	struct rusage ra, rb;

	getrusage(RUSAGE_SELF, &ra);
	clock_gettime(CLOCK_MONOTONIC, &a);
	*(volatile uint8_t *)p = 0x5a;
	clock_gettime(CLOCK_MONOTONIC, &b);
	getrusage(RUSAGE_SELF, &rb);
	*faults += rb.ru_minflt - ra.ru_minflt + rb.ru_majflt - ra.ru_majflt;
	return (b.tv_sec - a.tv_sec) * 1000000000UL + b.tv_nsec - a.tv_nsec;
}

static void probe_report(const char *domain, const char *guess, uint32_t *ns,
			 long faults)
{
	qsort(ns, trials, sizeof(*ns), cmp_u32);
	printf("probe domain=%s guess=%s trials=%lu", domain, guess, trials);
	printf(" median_us=%.1f p99_us=%.1f faults_per_write=%.2f\n", ns[trials / 2] / 1000.0,
	       ns[(trials * 99) / 100] / 1000.0, (double)faults / trials);
}

/*
 * For each domain setting, @trials trials per guess: the victim's one page
 * holds a secret, one page of the attacker's two a right guess and the
 * other a wrong one (the pages swap every other pair of trials); after two
 * full scans one of the two, right and wrong in turn, is written and
 * timed.  One write per trial, the first after the scan, so that both
 * guesses are measured alike: a second write would find the TLB and the
 * caches warmed by the first.
 */
static int probe_main(void)
{
	static const char * const domains[] = { "within", "across" };
	uint32_t *right = calloc(trials, sizeof(*right));
	uint32_t *wrong = calloc(trials, sizeof(*wrong));
	unsigned long t, merged;
	long faults_right, faults_wrong;
	unsigned int d;

	if (!right || !wrong)
		die("calloc");
	if (put_knob("run", 0) || put_knob("merge_across_owners", 0) ||
	    put_knob("pages_to_scan", pages_to_scan) || put_knob("sleep_millisecs", 1) ||
	    put_knob("stable_scans", 0) || put_knob("use_zero_pages", 0))
		die("cannot set the samepage tunables (merged pages left? try run=2)");
	for (d = 0; d < ARRAY_SIZE(domains); d++) {
		faults_right = 0;
		faults_wrong = 0;
		merged = 0;
		for (t = 0; t < 2 * trials; t++) {
			int vfd = open_as(d ? probe_uid : 0);
			int afd = open(VMLAB_SAMEPAGE_DEV, O_RDWR);
			uint64_t secret = (uint64_t)t << 8 | d;
			struct vmlab_samepage_info info;
			unsigned long right_page = (t >> 1) & 1;
			bool is_right = !(t & 1);
			uint8_t *v, *a, *rg, *wg;

			if (vfd < 0 || afd < 0)
				die("open " VMLAB_SAMEPAGE_DEV);
			v = map_region(vfd, 1);
			a = map_region(afd, 2);
			rg = a + right_page * PG;
			wg = a + (1 - right_page) * PG;
			fill_page(v, secret);
			fill_page(rg, secret);
			fill_page(wg, secret ^ 0xff00);
			scan_twice();
			if (ioctl(afd, VMLAB_SAMEPAGE_IOC_INFO, &info))
				die("VMLAB_SAMEPAGE_IOC_INFO");
			merged += info.merged_pages;
			if (is_right)
				right[t / 2] = timed_write(rg, &faults_right);
			else
				wrong[t / 2] = timed_write(wg, &faults_wrong);
			munmap(v, PG);
			munmap(a, 2 * PG);
			close(vfd);
			close(afd);
		}
		/* Merged pages of the attacker's region, before its write. */
		printf("probe domain=%s trials=%lu attacker_merged_pages=%lu\n",
		       domains[d], 2 * trials, merged);
		probe_report(domains[d], "right", right, faults_right);
		probe_report(domains[d], "wrong", wrong, faults_wrong);
	}
	free(right);
	free(wrong);
	return 0;
}

static int status(void)
{
	static const char * const files[] = {
		"run", "pages_to_scan", "sleep_millisecs", "max_page_sharing", "use_zero_pages",
		"stable_scans", "max_region_pages", "max_pages", "merge_across_owners", "stats",
		"domains",
	};
	char path[256], buf[8192];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), SP_DIR "/%s", files[i]);
		if (file_read(path, buf, sizeof(buf))) {
			fprintf(stderr, "vmlab-samepage: %s: %s (is vmlab_samepage loaded?)\n",
				path, strerror(errno));
			return 1;
		}
		if (!strcmp(files[i], "stats"))
			printf("%s", buf);
		else if (!strcmp(files[i], "domains"))
			printf("domains (id regions pages_shared pages_sharing owner):\n%s", buf);
		else
			printf("%s %s", files[i], buf);
	}
	return 0;
}

static void print_usage(FILE *out)
{
	fprintf(out, "usage: vmlab-samepage [status]\n"
		"       vmlab-samepage run [--backend samepage|ksm] [--procs P] [--pages N]\n"
		"              [--dup F] [--group G] [--zero F] [--volatile F]\n"
		"              [--pages-to-scan N] [--sleep-ms N] [--use-zero-pages 0|1] [--timeout S]\n"
		"       vmlab-samepage probe [--trials N] [--uid U] [--pages-to-scan N] [--timeout S]\n"
		"       vmlab-samepage scale [--procs N] [--mib M] [--seconds S]\n"
		"              [--pages-to-scan N] [--sleep-ms N] [--serialise-faults 0|1]\n"
		"              [--no-scanner]\n"
		"       vmlab-samepage hashcost [--mib M] [--rounds R]\n"
		"       vmlab-samepage --help\n");
}

/* Usage errors exit 2, as in every vmlab program. */
static void usage(void)
{
	print_usage(stderr);
	exit(2);
}

static unsigned long num(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || *s == '-')
		usage();
	return v;
}

static double frac(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || v < 0 || v > 1)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "backend", 1, NULL, 'b' }, { "procs", 1, NULL, 'p' },
		{ "pages", 1, NULL, 'n' }, { "dup", 1, NULL, 'd' },
		{ "group", 1, NULL, 'g' }, { "zero", 1, NULL, 'z' },
		{ "volatile", 1, NULL, 'v' }, { "pages-to-scan", 1, NULL, 's' },
		{ "sleep-ms", 1, NULL, 'm' }, { "use-zero-pages", 1, NULL, 'Z' },
		{ "timeout", 1, NULL, 't' }, { "trials", 1, NULL, 'T' },
		{ "uid", 1, NULL, 'u' }, { "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool is_probe;
	int o;

	/* Options before the command: only --help ("+": stop at the command). */
	while ((o = getopt_long(argc, argv, "+h", opts + 13, NULL)) != -1) {
		if (o != 'h')
			usage();
		print_usage(stdout);
		return 0;
	}
	if (optind >= argc || !strcmp(argv[optind], "status"))
		return optind + 1 < argc ? (usage(), 2) : status();
	/* The benchmarks parse their own options. */
	if (!strcmp(argv[optind], "scale"))
		return scale_main(argc - optind, argv + optind);
	if (!strcmp(argv[optind], "hashcost"))
		return hashcost_main(argc - optind, argv + optind);
	is_probe = !strcmp(argv[optind], "probe");
	if (!is_probe && strcmp(argv[optind], "run"))
		usage();
	argc -= optind;
	argv += optind;
	optind = 0;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		/* Each command's own options: the other's are usage errors. */
		if (is_probe ? !!strchr("bndgzvmZp", o) : (o == 'T' || o == 'u'))
			usage();
		switch (o) {
		case 'b':
			if (!strcmp(optarg, "ksm"))
				be = &backends[1];
			else if (strcmp(optarg, "samepage"))
				usage();
			break;
		case 'p':
			lay.procs = num(optarg);
			break;
		case 'n':
			lay.pages = num(optarg);
			break;
		case 'd':
			lay.dup = frac(optarg);
			break;
		case 'g':
			lay.group = num(optarg);
			break;
		case 'z':
			lay.zero = frac(optarg);
			break;
		case 'v':
			lay.vol = frac(optarg);
			break;
		case 's':
			pages_to_scan = num(optarg);
			break;
		case 'm':
			sleep_ms = num(optarg);
			break;
		case 'Z':
			use_zero = num(optarg);
			break;
		case 't':
			timeout_s = num(optarg);
			break;
		case 'T':
			trials = num(optarg);
			if (!trials)
				usage();
			break;
		case 'u':
			probe_uid = num(optarg);
			if (!probe_uid)
				usage();
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	signal(SIGPIPE, SIG_IGN);
	/* Progress lines must show as they happen, also in a file or pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	return is_probe ? probe_main() : run();
}
