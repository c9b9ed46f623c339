// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab-balloon-workload: a hot working set read and written in a loop,
 * next to a large cold set (anonymous memory and page cache) touched once.
 * A balloon that evicts the hot set shows up as major faults and as
 * latency outliers here.
 *
 *   vmlab-balloon-workload [--hot MB] [--cold MB] [--file MB] [--dir DIR]
 *                          [--seconds S] [--period MS] [--trace]
 *
 * Prints "ready" once the sets are in memory, then, after S seconds or
 * on SIGTERM/SIGINT, one line: passes, major faults during the loop,
 * hot-set pages found evicted at the start of a pass (summed), and the
 * p50/p99/max latency of touching 64 KiB of the hot set, in microseconds.
 * The latency buffer is locked, so the loop's major faults are the hot
 * set's (and the program text's, which the loop keeps hot).  --period
 * spreads each pass over MS milliseconds, as a working set used at a
 * steady rate rather than in a tight loop.  --trace adds a line for every
 * pass that found a page missing or took a major fault.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "profile.h"

#define CHUNK (64 << 10)
#define MAX_SAMPLES (1024 * 1024)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * Sleep only when ahead of the schedule.  A guest whose timers run in
 * low-resolution mode (a TCG guest with an unstable TSC, on the jiffies
 * tick) wakes from any sleep, even one whose deadline has passed, at the
 * next tick: sleeping before each of a 384 MiB set's 6144 chunks made a
 * 2 s pass take 28 s (4.5 ms a chunk, debian-6.1, 2026-12-02).
 */
static void sleep_until(uint64_t ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000ULL, .tv_nsec = ns % 1000000000ULL };

	if (now_ns() >= ns)
		return;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static int stopped(const sigset_t *stop_sigs)
{
	sigset_t pending;
	int sig;

	if (sigpending(&pending))
		return 0;
	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(stop_sigs, sig) && sigismember(&pending, sig))
			return 1;
	return 0;
}

static long majflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_majflt;
}

/*
 * Pages of the hot set not in memory (nor in the swap cache) right now:
 * each costs the next pass a major fault, or shares one with its
 * neighbours through swap readahead.
 */
static size_t hot_missing(volatile char *hot, size_t len, unsigned char *vec)
{
	size_t i, missing = 0;

	if (mincore((void *)hot, len, vec))
		return 0;
	for (i = 0; i < len / 4096; i++)
		missing += !(vec[i] & 1);
	return missing;
}

static char *anon(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t i;

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	for (i = 0; i < len; i += 4096)
		p[i] = (char)i;
	return p;
}

/* @mb MiB of file data in page cache, written through @dir. */
static int cold_file(const char *dir, long mb)
{
	char path[4096], *buf = malloc(1 << 20);
	long i;
	int fd;

	snprintf(path, sizeof(path), "%s/vmlab-balloon-cold.%d", dir, getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || !buf) {
		perror(path);
		exit(1);
	}
	unlink(path);
	memset(buf, 0x5a, 1 << 20);
	for (i = 0; i < mb; i++)
		if (write(fd, buf, 1 << 20) != 1 << 20) {
			perror("write");
			exit(1);
		}
	fsync(fd);
	free(buf);
	return fd;
}

static void print_usage(FILE *out)
{
	fprintf(out,
		"usage: vmlab-balloon-workload [--hot MB] [--cold MB] [--file MB] [--dir DIR]\n"
		"                              [--seconds S] [--period MS] [--trace]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hot", required_argument, NULL, 'H' },
		{ "cold", required_argument, NULL, 'c' },
		{ "file", required_argument, NULL, 'f' },
		{ "dir", required_argument, NULL, 'd' },
		{ "seconds", required_argument, NULL, 's' },
		{ "trace", no_argument, NULL, 't' },
		{ "period", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	long hot_mb = 32, cold_mb = 64, file_mb = 64, seconds = 10, maj0;
	long maj = 0, traced = 0, period_ms = 0;
	long passes = 0;
	uint64_t evicted = 0, start, pass_start;
	size_t missing;
	unsigned char *vec;
	sigset_t stop_sigs;
	int trace = 0;
	const char *dir = "/tmp";
	uint64_t *lat, end, t0, t1;
	size_t n = 0, i, j, hot_len;
	volatile char *hot;
	char *cold;
	int c, fd = -1;

	while ((c = getopt_long(argc, argv, "H:c:f:d:s:tp:h", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			hot_mb = atol(optarg);
			break;
		case 'c':
			cold_mb = atol(optarg);
			break;
		case 'f':
			file_mb = atol(optarg);
			break;
		case 'd':
			dir = optarg;
			break;
		case 's':
			seconds = atol(optarg);
			break;
		case 't':
			trace = 1;
			break;
		case 'p':
			period_ms = atol(optarg);
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		print_usage(stderr);
		return 2;
	}
	if (hot_mb <= 0 || cold_mb < 0 || file_mb < 0 || seconds <= 0 || period_ms < 0) {
		fprintf(stderr, "%s: sizes and seconds must be positive\n", argv[0]);
		return 2;
	}
	hot_len = (size_t)hot_mb << 20;
	lat = calloc(MAX_SAMPLES, sizeof(*lat));
	vec = malloc(hot_len / 4096);
	if (!lat || !vec)
		return 1;
	/* Written once per 1M chunks: reclaim would rightly evict it. */
	if (mlock(lat, MAX_SAMPLES * sizeof(*lat))) {
		perror("mlock");
		return 1;
	}
	/*
	 * SIGTERM and SIGINT stay blocked and are polled once a pass: a
	 * handler's code would be cold, and its first run a major fault.
	 */
	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGTERM);
	sigaddset(&stop_sigs, SIGINT);
	sigprocmask(SIG_BLOCK, &stop_sigs, NULL);
	cold = cold_mb ? anon((size_t)cold_mb << 20) : NULL;
	if (file_mb)
		fd = cold_file(dir, file_mb);
	hot = anon(hot_len);
	printf("ready hot_mb %ld cold_mb %ld file_mb %ld\n", hot_mb, cold_mb, file_mb);
	fflush(stdout);

	start = now_ns();
	end = start + seconds * 1000000000ULL;
	while (!stopped(&stop_sigs) && now_ns() < end) {
		missing = hot_missing(hot, hot_len, vec);
		evicted += missing;
		/* Only the passes count: the rest of the program is cold. */
		maj0 = majflt();
		pass_start = now_ns();
		for (i = 0; i < hot_len; i += CHUNK) {
			t0 = now_ns();
			for (j = i; j < i + CHUNK; j += 4096)
				hot[j] = hot[j] + 1;
			t1 = now_ns();
			lat[n++ % MAX_SAMPLES] = (t1 - t0) / 1000;
			if (period_ms)
				sleep_until(pass_start + period_ms * 1000000ULL *
					    (i + CHUNK) / hot_len);
		}
		maj += majflt() - maj0;
		if (trace && (missing || maj != traced)) {
			traced = maj;
			printf("trace ms %llu pass %ld majflt %ld hot_missing %zu\n",
			       (unsigned long long)(now_ns() - start) / 1000000,
			       passes, maj, missing);
		}
		passes++;
	}
	n = n < MAX_SAMPLES ? n : MAX_SAMPLES;
	printf("passes %ld majflt %ld hot_evicted %llu p50_us %llu p99_us %llu max_us %llu\n",
	       passes, maj, (unsigned long long)evicted,
	       (unsigned long long)vbp_percentile(lat, n, 50),
	       (unsigned long long)vbp_percentile(lat, n, 99),
	       (unsigned long long)vbp_percentile(lat, n, 100));
	if (cold)
		munmap(cold, (size_t)cold_mb << 20);
	if (fd >= 0)
		close(fd);
	free(vec);
	free(lat);
	return 0;
}
