// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab-dax-bench: the figures tools/bench/dax.sh compares, for one device
 * (or anonymous memory) in one run:
 *
 *   vmlab-dax-bench DEVICE|anon MIB [4k]
 *
 * prints "fault_s", "faults", "write_MBps", "read_MBps" and
 * "persist64_per_s" lines: the time to fault in MIB by writing one byte
 * per 4 KiB page, and the page faults that took (getrusage), after a
 * warm-up pass; sequential memset and read bandwidth over the mapping,
 * best of three; 64-byte stores each made durable with pmem_persist().
 *
 * Every mapping, anonymous memory included, starts on a 2 MiB boundary
 * and every figure runs the same code over it, so that only the memory
 * differs: a device mapping gets PMDs where the device allows, and
 * anonymous memory gets THPs (MADV_HUGEPAGE), the kernel's own 2 MiB
 * mappings.  With "4k" the mapping starts 4 KiB past a 2 MiB boundary, so
 * that only 4 KiB mappings fit (device-dax refuses that address; give it
 * an align of 4096 instead), and anonymous memory gets MADV_NOHUGEPAGE.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "pmem.h"

#define SZ_2M (2UL << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt + ru.ru_majflt;
}

static char *map(const char *dev, size_t len, int small)
{
	char *hole, *want, *p;
	int fd = -1, anon = !strcmp(dev, "anon");

	if (!anon) {
		fd = open(dev, O_RDWR);
		if (fd < 0) {
			perror(dev);
			exit(1);
		}
	}
	hole = mmap(NULL, len + 2 * SZ_2M, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hole == MAP_FAILED)
		return hole;
	munmap(hole, len + 2 * SZ_2M);
	want = (char *)(((uintptr_t)hole + SZ_2M - 1) & ~(SZ_2M - 1));
	if (small)
		want += 4096;
	if (anon) {
		p = mmap(want, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (p != MAP_FAILED &&
		    madvise(p, len, small ? MADV_NOHUGEPAGE : MADV_HUGEPAGE))
			perror("madvise");
		return p;
	}
	p = mmap(want, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	close(fd);
	return p;
}

static void print_usage(FILE *out)
{
	fprintf(out, "usage: vmlab-dax-bench DEVICE|anon MIB [4k]\n"
		"       vmlab-dax-bench --help\n");
}

int main(int argc, char **argv)
{
	static const struct option help[] = {
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	size_t len, i, n;
	char *end;
	volatile uint64_t sink = 0;
	const uint64_t *q;
	char *p, line[64];
	uint64_t sum = 0;
	double t, best;
	int small, r;
	long f0;

	/* No options but --help: the operands are positional. */
	while ((r = getopt_long(argc, argv, "h", help, NULL)) != -1) {
		if (r != 'h') {
			print_usage(stderr);
			return 2;
		}
		print_usage(stdout);
		return 0;
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "4k"))) {
		print_usage(stderr);
		return 2;
	}
	errno = 0;
	len = strtoull(argv[2], &end, 0) << 20;
	if (errno || end == argv[2] || *end || !len) {
		print_usage(stderr);
		return 2;
	}
	small = argc == 4;
	/*
	 * Warm up: QEMU allocates guest memory on first touch, which would
	 * be timed as fault cost.  Touch everything once, unmap, map again.
	 * (Anonymous memory gets fresh pages, which the kernel zeroes: that
	 * is part of its fault cost.)
	 */
	p = map(argv[1], len, small);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(p, 0, len);
	munmap(p, len);
	p = map(argv[1], len, small);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	/* Fault in the vDSO and the stack first: count the mapping's faults only. */
	t = now();
	f0 = minflt();
	f0 = minflt();
	t = now();
	for (i = 0; i < len; i += 4096)
		p[i] = 1;
	t = now() - t;
	f0 = minflt() - f0;
	printf("fault_s %.4f\n", t);
	printf("faults %ld\n", f0);

	/* Best of three: the host is shared and TCG is uneven. */
	for (r = 0, best = 1e9; r < 3; r++) {
		t = now();
		memset(p, 0x5a + r, len);
		best = fmin(best, now() - t);
	}
	printf("write_MBps %.0f\n", len / best / 1e6);

	for (r = 0, best = 1e9; r < 3; r++) {
		t = now();
		for (q = (const uint64_t *)p; q < (const uint64_t *)(p + len); q++)
			sum += *q;
		best = fmin(best, now() - t);
	}
	sink = sum;
	printf("read_MBps %.0f\n", len / best / 1e6);

	memset(line, 0xa5, sizeof(line));
	n = 200000;
	t = now();
	for (i = 0; i < n; i++) {
		char *dst = p + (i * 64) % len;

		memcpy(dst, line, 64);
		pmem_persist(dst, 64);
	}
	printf("persist64_per_s %.0f\n", n / (now() - t));
	printf("flush %s\n", pmem_flush_name(pmem_flush_kind()));
	(void)sink;
	return 0;
}
