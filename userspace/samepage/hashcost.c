// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab-samepage hashcost: the floor under a scanner's cost per page.
 *
 *   vmlab-samepage hashcost [--mib M] [--rounds R]
 *
 * samepage hashes a page with xxh64 on every visit that is not a backoff,
 * so the CPU time of one xxh64 of 4 KiB, measured in the same VM, is
 * what a visit cannot cost less than.  Two figures: "hot", one page
 * hashed over and over (in the caches), and "cold", every page of an M
 * MiB buffer in turn, R times, as a scanner walks memory that is not in
 * the caches.  The hash is libxxhash's XXH64, the algorithm of the
 * kernel's xxh64() (both scalar), inlined from its header so that the
 * static binary needs no library.  Times are this thread's CPU time.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "hashcost.h"
#include "number.h"

#define PG 4096UL
#define HOT_HASHES 200000L

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void hashcost_usage(void)
{
	fprintf(stderr, "usage: vmlab-samepage hashcost [--mib M] [--rounds R]\n");
	exit(2);
}

int hashcost_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mib", 1, NULL, 'm' }, { "rounds", 1, NULL, 'r' }, { NULL, 0, NULL, 0 },
	};
	long mib = 64, rounds = 4, pages, i, r, v;
	/* Folded into the output, so that no hash can be optimised away. */
	uint64_t fold = 0;
	double t0, hot_ns, cold_ns;
	uint8_t *buf;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if ((c != 'm' && c != 'r') || parse_long(optarg, 1, c == 'm' ? 4096 : 1000, &v))
			hashcost_usage();
		if (c == 'm')
			mib = v;
		else
			rounds = v;
	}
	if (optind != argc)
		hashcost_usage();
	pages = mib * (1024 * 1024 / PG);
	buf = malloc(pages * PG);
	if (!buf) {
		perror("vmlab-samepage hashcost");
		return 1;
	}
	/* Distinct bytes in every page; touching them also faults them in. */
	for (i = 0; i < pages * (long)(PG / 8); i++)
		((uint64_t *)buf)[i] = i * 0x9E3779B97F4A7C15ULL;

	t0 = cpu_now();
	for (i = 0; i < HOT_HASHES; i++)
		fold ^= XXH64(buf, PG, i);
	hot_ns = (cpu_now() - t0) * 1e9 / HOT_HASHES;

	t0 = cpu_now();
	for (r = 0; r < rounds; r++)
		for (i = 0; i < pages; i++)
			fold ^= XXH64(buf + i * PG, PG, 0);
	cold_ns = (cpu_now() - t0) * 1e9 / (rounds * pages);

	printf("result hashcost hot_ns=%.0f cold_ns=%.0f mib=%ld rounds=%ld fold=%016llx\n",
	       hot_ns, cold_ns, mib, rounds, (unsigned long long)fold);
	free(buf);
	return 0;
}
