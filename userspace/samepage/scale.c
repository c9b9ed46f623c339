// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab-samepage scale: how page faults scale with processes while the
 * scanner runs flat out.
 *
 *   vmlab-samepage scale [--procs N] [--mib M] [--seconds S]
 *                        [--pages-to-scan N] [--sleep-ms N]
 *                        [--serialise-faults 0|1] [--no-scanner]
 *
 * Each of N processes, for S seconds, opens its own region, maps M MiB,
 * writes every page (each write faults the page in) with content that
 * depends only on the page's offset modulo 64, so that pages merge within
 * and across processes, then writes one word of every page again with
 * the value it holds: a COW break wherever the scanner merged the page
 * meanwhile, and no change of content, so the page can merge again.  It
 * then unmaps and closes the region, so that the next round faults every
 * page in afresh; the round under way at S seconds stops there.  Each
 * process reports its page faults (ru_minflt) per second of its own wall
 * time; the module's cow_breaks, merges and pages_scanned are counted
 * over the whole run.
 *
 * With --serialise-faults the module's serialise_faults knob is set first
 * (1: every fault also takes the global lock, the design before per-region
 * locking); a module without the knob is measured as it is, and the
 * result says serialise=na.  --no-scanner is the control: the same
 * faults with the scanner stopped.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "knobs.h"
#include "number.h"
#include "scale.h"
#include "vmlab/samepage.h"

#define PG 4096UL
#define MAX_PROCS 64
/* Distinct page contents: every 64th page of every region is alike. */
#define CONTENTS 64

struct scale_opts {
	long procs, mib, seconds, pages_to_scan, sleep_ms, serialise;
	bool scan;	/* false: the control, faults with the scanner stopped */
};

/* What one process sends back through its pipe. */
struct scale_report {
	long faults, rounds;
	double seconds;
};

static void fill_page(uint64_t *w, unsigned long page)
{
	uint64_t seed = (page % CONTENTS + 1) * 0x9E3779B97F4A7C15ULL;
	size_t i;

	for (i = 0; i < PG / 8; i++)
		w[i] = seed ^ (i * 0xBF58476D1CE4E5B9ULL);
}

/* Pages between two looks at the clock: a round is too long to be the unit. */
#define CLOCK_EVERY 64

/*
 * One region's life: map, write every page, write every page again, close.
 * 1 when @deadline passed (the round is cut short there), 0, or -1.
 */
static int one_round(unsigned long pages, double deadline)
{
	volatile uint64_t *w;
	unsigned long i, pass;
	uint8_t *mem;
	int fd = open(VMLAB_SAMEPAGE_DEV, O_RDWR), late = 0;

	if (fd < 0)
		return -1;
	mem = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mem == MAP_FAILED) {
		close(fd);
		return -1;
	}
	for (pass = 0; pass < 2 && !late; pass++) {
		for (i = 0; i < pages && !late; i++) {
			w = (volatile uint64_t *)(mem + i * PG);
			if (!pass)
				fill_page((uint64_t *)w, i);
			else	/* a COW break if merged; the content stays */
				w[0] = w[0];
			if (i % CLOCK_EVERY == CLOCK_EVERY - 1)
				late = now() >= deadline;
		}
	}
	munmap(mem, pages * PG);
	close(fd);
	return late;
}

static void child_main(const struct scale_opts *o, int go, int report)
{
	unsigned long pages = o->mib * (1024 * 1024 / PG);
	struct scale_report r = { 0 };
	struct rusage a, b;
	double t0, deadline;
	int late;
	char c;

	/* Every process starts when the parent closes the pipe. */
	if (read(go, &c, 1) < 0)
		_exit(1);
	getrusage(RUSAGE_SELF, &a);
	t0 = now();
	deadline = t0 + o->seconds;
	do {
		late = one_round(pages, deadline);
		if (late < 0) {
			perror("vmlab-samepage scale: region");
			_exit(1);
		}
		r.rounds++;
	} while (!late);
	r.seconds = now() - t0;
	getrusage(RUSAGE_SELF, &b);
	r.faults = b.ru_minflt - a.ru_minflt;
	if (write(report, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	_exit(0);
}

/* The serialise_faults setting measured: "0", "1" or "na". */
static const char *set_serialise(long v)
{
	static char buf[32];

	if (v >= 0) {
		int err = knob_write(SP_DIR, "serialise_faults", v);

		if (err == -ENOENT)
			goto none;
		if (err) {
			fprintf(stderr, "vmlab-samepage: serialise_faults=%ld: %s\n", v,
				strerror(-err));
			exit(1);
		}
	}
	if (file_read(SP_DIR "/serialise_faults", buf, sizeof(buf)))
		goto none;
	buf[strcspn(buf, "\n")] = '\0';
	printf("serialise_faults: %s\n", buf);
	return buf;
none:
	printf("serialise_faults: not available\n");
	return "na";
}

static unsigned long long stat_delta(const char *name, unsigned long long before)
{
	return stat_read(SP_DIR, SP_DIR "/stats", name) - before;
}

static int measure(const struct scale_opts *o)
{
	static const char * const counted[] = { "cow_breaks", "merges", "pages_scanned" };
	unsigned long long base[3];
	int go[2], rep[MAX_PROCS], pr[2], rc = 0;
	struct scale_report r;
	double total = 0, cpu0, cpu1;
	const char *serialise;
	pid_t pid[MAX_PROCS];
	long p, i;

	if (knob_write(SP_DIR, "run", 0) ||
	    knob_write(SP_DIR, "pages_to_scan", o->pages_to_scan) ||
	    knob_write(SP_DIR, "sleep_millisecs", o->sleep_ms)) {
		fprintf(stderr, "vmlab-samepage: cannot set the samepage knobs (loaded? root?)\n");
		return 1;
	}
	serialise = set_serialise(o->serialise);
	if (pipe(go))
		die("pipe");
	for (p = 0; p < o->procs; p++) {
		if (pipe(pr))
			die("pipe");
		pid[p] = fork();
		if (pid[p] < 0)
			die("fork");
		if (!pid[p]) {
			close(go[1]);
			close(pr[0]);
			child_main(o, go[0], pr[1]);
		}
		close(pr[1]);
		rep[p] = pr[0];
	}
	close(go[0]);
	for (i = 0; i < 3; i++)
		base[i] = stat_read(SP_DIR, SP_DIR "/stats", counted[i]);
	cpu0 = kthread_cpu_s("vmlab_samepaged");
	knob_write(SP_DIR, "run", o->scan);
	close(go[1]);
	for (p = 0; p < o->procs; p++) {
		if (read(rep[p], &r, sizeof(r)) != sizeof(r)) {
			fprintf(stderr, "vmlab-samepage: process %ld failed\n", p);
			rc = 1;
			continue;
		}
		printf("scale proc=%ld faults=%ld seconds=%.2f rounds=%ld faults_per_s=%.0f\n", p,
		       r.faults, r.seconds, r.rounds, r.faults / r.seconds);
		total += r.faults / r.seconds;
	}
	for (p = 0; p < o->procs; p++)
		waitpid(pid[p], NULL, 0);
	knob_write(SP_DIR, "run", 0);
	cpu1 = kthread_cpu_s("vmlab_samepaged");
	/* One line, printed in parts so that no format string is split. */
	printf("result scale procs=%ld mib=%ld seconds=%ld serialise=%s scanner=%s ", o->procs,
	       o->mib, o->seconds, serialise, o->scan ? "on" : "off");
	printf("faults_per_s=%.0f cow_breaks=%llu merges=%llu pages_scanned=%llu ", total,
	       stat_delta(counted[0], base[0]), stat_delta(counted[1], base[1]),
	       stat_delta(counted[2], base[2]));
	printf("scanner_cpu_s=%.2f ok=%d\n", cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0, !rc);
	return rc;
}

static void scale_usage(void)
{
	fprintf(stderr, "usage: vmlab-samepage scale [--procs N] [--mib M] [--seconds S]\n"
		"              [--pages-to-scan N] [--sleep-ms N] [--serialise-faults 0|1]\n"
		"              [--no-scanner]\n");
	exit(2);
}

static long arg(long min, long max)
{
	long v;

	if (parse_long(optarg, min, max, &v))
		scale_usage();
	return v;
}

int scale_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "procs", 1, NULL, 'p' }, { "mib", 1, NULL, 'm' },
		{ "seconds", 1, NULL, 's' }, { "pages-to-scan", 1, NULL, 'n' },
		{ "sleep-ms", 1, NULL, 'S' }, { "serialise-faults", 1, NULL, 'f' },
		{ "no-scanner", 0, NULL, 'o' }, { NULL, 0, NULL, 0 },
	};
	/* The scanner flat out (sleep 0), which is when it contends most. */
	struct scale_opts o = { .procs = 4, .mib = 64, .seconds = 20,
				.pages_to_scan = 1000, .sleep_ms = 0, .serialise = -1,
				.scan = true };
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o.procs = arg(1, MAX_PROCS);
			break;
		case 'm':
			o.mib = arg(1, 4096);
			break;
		case 's':
			o.seconds = arg(1, 3600);
			break;
		case 'n':
			o.pages_to_scan = arg(1, 1 << 20);
			break;
		case 'S':
			o.sleep_ms = arg(0, 60000);
			break;
		case 'f':
			o.serialise = arg(0, 1);
			break;
		case 'o':
			o.scan = false;
			break;
		default:
			scale_usage();
		}
	}
	if (optind != argc)
		scale_usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	return measure(&o);
}
