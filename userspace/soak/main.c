// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab-soak: run every vmlab interface at once for a while, with fault
 * injection, and check that no byte written to a device is lost.
 *
 *   vmlab-soak [--seconds N | --minutes N] [--seed N] [--no-faults]
 *              [--fault-probability P] [--no-modcycle] [--sp-pages N]
 *              [--dax-pages N] [--balloon-pct P] [--pressure-pct P]
 *
 * One process per worker (debugfs, samepage, dax, balloon, pressure,
 * modules), each with its own stream of the seeded generator.  The summary
 * is TAP; the exit status is 1 on a lost byte, an unexpected errno or
 * signal, 2 on a usage error.  See Documentation/soak.rst.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "maps.h"

struct soak_opts opts = {
	.seconds = 60, .faults = true, .fault_prob = 1, .modcycle = true,
	.sp_pages = 256, .dax_pages = 256, .balloon_pct = 25, .pressure_pct = 20,
};

static const struct {
	const char *name;
	void (*fn)(struct rng *r);
} workers[] = {
	{ "debugfs", dbgfs_worker },
	{ "samepage", spage_worker },
	{ "dax", dax_worker },
	{ "balloon", balloon_worker },
	{ "pressure", pressure_worker },
	{ "modules", modcycle_worker },
};

#define NWORKERS ARRAY_SIZE(workers)

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: vmlab-soak [--seconds N | --minutes N] [--seed N] [--no-faults]\n"
		"                  [--fault-probability P] [--no-modcycle] [--sp-pages N]\n"
		"                  [--dax-pages N] [--balloon-pct P] [--pressure-pct P]\n");
}

static unsigned long long parse_number(const char *s, unsigned long long max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || v > max || *s == '-') {
		fprintf(stderr, "vmlab-soak: bad number '%s'\n", s);
		print_usage(stderr);
		exit(2);
	}
	return v;
}

static void parse(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "minutes", required_argument, NULL, 'm' },
		{ "seed", required_argument, NULL, 'S' },
		{ "no-faults", no_argument, NULL, 'F' },
		{ "fault-probability", required_argument, NULL, 'p' },
		{ "no-modcycle", no_argument, NULL, 'M' },
		{ "sp-pages", required_argument, NULL, 'P' },
		{ "dax-pages", required_argument, NULL, 'D' },
		{ "balloon-pct", required_argument, NULL, 'b' },
		{ "pressure-pct", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	bool seeded = false;
	int c;

	while ((c = getopt_long(argc, argv, "s:m:S:h", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			opts.seconds = parse_number(optarg, 86400 * 7);
			break;
		case 'm':
			opts.seconds = parse_number(optarg, 60 * 24 * 7) * 60;
			break;
		case 'S':
			opts.seed = parse_number(optarg, ~0ULL);
			seeded = true;
			break;
		case 'F':
			opts.faults = false;
			break;
		case 'p':
			opts.fault_prob = parse_number(optarg, 100);
			break;
		case 'M':
			opts.modcycle = false;
			break;
		case 'P':
			opts.sp_pages = parse_number(optarg, 65536);
			break;
		case 'D':
			opts.dax_pages = parse_number(optarg, 65536);
			break;
		case 'b':
			opts.balloon_pct = parse_number(optarg, 50);
			break;
		case 'r':
			opts.pressure_pct = parse_number(optarg, 50);
			break;
		case 'h':
			print_usage(stdout);
			exit(0);
		default:
			print_usage(stderr);
			exit(2);
		}
	}
	if (optind != argc || !opts.seconds || opts.sp_pages < MAX_MAP_PAGES_MIN ||
	    opts.dax_pages < MAX_MAP_PAGES_MIN) {
		print_usage(stderr);
		exit(2);
	}
	if (!seeded) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		opts.seed = (uint64_t)ts.tv_sec * 1000000007ULL ^ ts.tv_nsec ^ getpid();
	}
}

static uint64_t total_ops(void)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < OP_NR; i++)
		n += st->ops[i];
	return n;
}

/* With every region closed, samepage must hold no merged page. */
static void check_samepage_idle(void)
{
	char buf[4096];
	char *p;
	unsigned long regions = 1, nodes = 1;
	int tries;

	for (tries = 0; tries < 50; tries++) {
		if (read_file(DBG_ROOT "/samepage/stats", buf, sizeof(buf)) < 0)
			return;
		p = strstr(buf, "\nregions ");
		regions = p ? strtoul(p + 9, NULL, 10) : 0;
		p = strstr(buf, "\nstable_nodes ");
		nodes = p ? strtoul(p + 14, NULL, 10) : 0;
		if (!regions && !nodes)
			break;
		soak_sleep_ms(100);
	}
	printf("# samepage after the run: regions %lu, stable_nodes %lu\n", regions, nodes);
	if (regions || nodes)
		soak_fail("samepage: %lu regions and %lu merged pages left after the run",
			  regions, nodes);
}

int main(int argc, char **argv)
{
	pid_t pids[NWORKERS];
	unsigned int i, t;
	int status, rc = 0;

	parse(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	stats_init();
	printf("# vmlab-soak --seed %llu --seconds %u%s%s\n",
	       (unsigned long long)opts.seed, opts.seconds,
	       opts.faults ? "" : " --no-faults", opts.modcycle ? "" : " --no-modcycle");
	faults_setup();
	faults_aim_kthreads();
	for (i = 0; i < NWORKERS; i++) {
		pids[i] = -1;
		if (workers[i].fn == modcycle_worker && !opts.modcycle)
			continue;
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("fork");
			return 1;
		}
		if (!pids[i]) {
			struct rng r;

			rng_init(&r, opts.seed, i + 1);
			workers[i].fn(&r);
			_exit(0);
		}
	}
	for (t = 0; t < opts.seconds; t++) {
		sleep(1);
		if (t % 10 == 9)
			printf("# %u s: %llu ops, %llu bytes verified, %llu lost\n", t + 1,
			       (unsigned long long)total_ops(),
			       (unsigned long long)st->bytes_verified,
			       (unsigned long long)st->bytes_lost);
	}
	__atomic_store_n(&st->stop, 1, __ATOMIC_RELAXED);
	faults_teardown();
	for (i = 0; i < NWORKERS; i++) {
		if (pids[i] < 0)
			continue;
		/* A worker stuck in the kernel for a minute is a failure too. */
		for (t = 0; t < 600; t++) {
			if (waitpid(pids[i], &status, WNOHANG) == pids[i])
				break;
			soak_sleep_ms(100);
		}
		if (t == 600) {
			soak_fail("worker %s did not stop", workers[i].name);
			kill(pids[i], SIGKILL);
			waitpid(pids[i], &status, 0);
		} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			soak_fail("worker %s died, status 0x%x", workers[i].name, status);
		}
	}
	check_samepage_idle();
	rc = stats_report();
	printf("# vmlab-soak --seed %llu: %s\n", (unsigned long long)opts.seed,
	       rc ? "FAIL" : "PASS");
	return rc;
}
