// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab-tlbstat (also `vmlabctl tlbstat`): read tlbstat's counters, and run
 * the scenarios that show what batching page-table changes buys.
 *
 *   vmlab-tlbstat [show]
 *   vmlab-tlbstat enable | disable | reset
 *   vmlab-tlbstat run [-s SCENARIO]... [-p PAGES] [-g GROUP]
 *                     [-m threads|single|both] [--json]
 *   vmlab-tlbstat calls PAGES [single|threads]
 *
 * "threads" spreads spinning threads of this process over every other CPU,
 * so each flush of its mm is a remote shootdown; "single" runs the same
 * calls in a child process that never left CPU 0, where none is needed.
 * IPIs come from the TLB row of /proc/interrupts and work without the
 * module; flushes and rounds need vmlab_tlbstat.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "number.h"
#include "report.h"
#include "workload.h"

#define DIR_TLBSTAT "/sys/kernel/debug/vmlab/tlbstat"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_RESULTS (SC_NR * 4)

static void print_usage(FILE *out);

static char *slurp(const char *path)
{
	static char buf[3][65536];
	static int which;
	char *b = buf[which++ % 3];
	ssize_t n, total = 0;
	int fd = open(path, O_RDONLY);

	b[0] = '\0';
	if (fd < 0)
		return b;
	while (total < (ssize_t)sizeof(buf[0]) - 1 &&
	       (n = read(fd, b + total, sizeof(buf[0]) - 1 - total)) > 0)
		total += n;
	close(fd);
	b[total] = '\0';
	return b;
}

static int write_file(const char *name, const char *s)
{
	char path[256];
	int fd, ret = 0;

	snprintf(path, sizeof(path), DIR_TLBSTAT "/%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, s, strlen(s)) < 0)
		ret = -errno;
	if (fd >= 0)
		close(fd);
	if (ret)
		fprintf(stderr, "vmlab-tlbstat: %s: %s\n", path, strerror(-ret));
	return ret;
}

static int show(void)
{
	static const char * const files[] = {
		"enable", "stats", "batching", "top", "percpu", "latency_probe", "latency",
		"pages_sent", "pages_received", "pages_local",
	};
	char path[256];
	unsigned int i;

	if (access(DIR_TLBSTAT, F_OK)) {
		fprintf(stderr, "vmlab-tlbstat: %s: not loaded\n", DIR_TLBSTAT);
		return 1;
	}
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), DIR_TLBSTAT "/%s", files[i]);
		printf("== %s\n%s", files[i], slurp(path));
	}
	return 0;
}

/* What the kernel and the module said at one moment. */
struct snap {
	uint64_t ipis, flushes, rounds;
	bool module;	/* loaded and enabled */
};

static void take(struct snap *s)
{
	const char *st = slurp(DIR_TLBSTAT "/stats");

	s->ipis = tlb_parse_irq_row(slurp("/proc/interrupts"));
	s->module = *st != '\0' && !strcmp(slurp(DIR_TLBSTAT "/enable"), "1\n");
	s->flushes = tlb_parse_pair(st, "ipi_sent", 0) +
		     tlb_parse_pair(st, "local_shootdown", 0) +
		     tlb_parse_pair(st, "local_mm_shootdown", 0);
	/* Rounds this process initiated, from the attribution table. */
	s->rounds = tlb_parse_top(slurp(DIR_TLBSTAT "/top"), getpid());
}

/* Snapshots around the measured part only, not its setup and cleanup. */
static void mark(void *ctx, int after)
{
	take((struct snap *)ctx + after);
}

struct opts {
	bool run[SC_NR];
	int pages, group;
	bool threads, single, json;
};

/* Numbers of one measured part, as a child sends them through a pipe. */
struct measured {
	long calls;
	uint64_t ns;
	struct snap s[2];
};

static void measure_here(enum tlb_scenario sc, const struct opts *o, bool batched,
			 struct measured *m)
{
	memset(m, 0, sizeof(*m));
	m->calls = tlb_scenario_run(sc, o->pages, batched, o->group, &m->ns, mark, m->s);
}

/* The single-CPU control: a child born on CPU 0 measures and reports. */
static void measure_single(enum tlb_scenario sc, const struct opts *o, bool batched,
			   struct measured *m)
{
	int fds[2], status;
	pid_t pid;

	m->calls = -EIO;
	if (pipe(fds))
		return;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		measure_here(sc, o, batched, m);
		_exit(write(fds[1], m, sizeof(*m)) == sizeof(*m) ? 0 : 1);
	}
	close(fds[1]);
	if (read(fds[0], m, sizeof(*m)) != sizeof(*m))
		m->calls = -EIO;
	close(fds[0]);
	waitpid(pid, &status, 0);
}

static int measure(enum tlb_scenario sc, const struct opts *o, bool single,
		   bool batched, struct tlb_result *r)
{
	struct measured m;

	if (single)
		measure_single(sc, o, batched, &m);
	else
		measure_here(sc, o, batched, &m);
	if (m.calls < 0) {
		fprintf(stderr, "vmlab-tlbstat: %s: %s\n", tlb_scenario_names[sc],
			strerror(-m.calls));
		return -1;
	}
	memset(r, 0, sizeof(*r));
	r->scenario = tlb_scenario_names[sc];
	r->mode = single ? "single" : "threads";
	r->batched = batched;
	r->ops = m.calls;
	r->pages = o->pages;
	r->ns = m.ns;
	r->ipis = m.s[1].ipis - m.s[0].ipis;
	r->have_module = m.s[0].module && m.s[1].module;
	r->flushes = m.s[1].flushes - m.s[0].flushes;
	r->rounds = m.s[1].rounds - m.s[0].rounds;
	return 0;
}

static int run(const struct opts *o)
{
	static struct tlb_result res[MAX_RESULTS];
	int n = 0, i, pass, sc;

	if (tlb_pin_self(0))
		fprintf(stderr, "vmlab-tlbstat: cannot pin to CPU 0\n");
	for (pass = 0; pass < 2; pass++) {
		bool single = pass == 0;

		if ((single && !o->single) || (!single && !o->threads))
			continue;
		if (!single && tlb_workers_start() < 1) {
			fprintf(stderr, "vmlab-tlbstat: threads mode needs 2 CPUs or more\n");
			continue;
		}
		for (sc = 0; sc < SC_NR; sc++) {
			if (!o->run[sc])
				continue;
			if (measure(sc, o, single, false, &res[n]) ||
			    measure(sc, o, single, true, &res[n + 1]))
				return 1;
			n += 2;
		}
		if (!single)
			tlb_workers_stop();
	}

	if (o->json) {
		struct json j;

		json_init(&j, stdout, true);
		json_begin_object(&j);
		json_key(&j, "cpus");
		json_s64(&j, tlb_ncpus());
		json_key(&j, "pages");
		json_s64(&j, o->pages);
		json_key(&j, "group");
		json_s64(&j, o->group);
		json_key(&j, "results");
		json_begin_array(&j);
		for (i = 0; i < n; i++)
			tlb_json_result(&j, &res[i]);
		json_end_array(&j);
		json_key(&j, "ratios");
		json_begin_array(&j);
		for (i = 0; i < n; i += 2)
			tlb_json_ratio(&j, &res[i], &res[i + 1]);
		json_end_array(&j);
		json_end_object(&j);
		return 0;
	}
	printf("%d CPUs, %d pages, JIT group %d\n", tlb_ncpus(), o->pages, o->group);
	tlb_table_header(stdout);
	for (i = 0; i < n; i++)
		tlb_table_row(stdout, &res[i]);
	for (i = 0; i < n; i += 2)
		tlb_table_ratio(stdout, &res[i], &res[i + 1]);
	return 0;
}

/*
 * For the benchmark: time each of PAGES one-page munmap calls and print
 * "p10 p50 mean" in ns.  Host preemption of a TCG vCPU only ever adds
 * time, so low percentiles of many short calls are the steady figure.
 */
static int calls(int argc, char **argv)
{
	bool threads = argc > 2 && !strcmp(argv[2], "threads");
	long pages = 0;
	int i, status;
	uint64_t *ns, sum = 0;
	pid_t pid = 0;

	if (argc < 2 || parse_long(argv[1], 1, 1 << 20, &pages) ||
	    (argc > 2 && !threads && strcmp(argv[2], "single"))) {
		print_usage(stderr);
		return 2;
	}
	ns = calloc(pages, sizeof(*ns));
	if (!ns || tlb_pin_self(0))
		return 1;
	if (threads) {
		if (tlb_workers_start() < 1)
			return 1;
	} else {
		/* A child born on CPU 0: its mm was never live anywhere else. */
		pid = fork();
		if (pid < 0)
			return 1;
		if (pid > 0) {
			waitpid(pid, &status, 0);
			return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
		}
	}
	if (tlb_munmap_call_times(pages, ns))
		return 1;
	if (threads)
		tlb_workers_stop();
	for (i = 0; i < pages; i++)
		sum += ns[i];
	printf("%llu %llu %llu\n", (unsigned long long)ns[pages / 10],
	       (unsigned long long)ns[pages / 2], (unsigned long long)(sum / pages));
	return 0;
}

static void print_usage(FILE *out)
{
	fprintf(out,
		"usage: vmlab-tlbstat [show]\n"
		"       vmlab-tlbstat enable | disable | reset\n"
		"       vmlab-tlbstat run [-s munmap|mprotect|madvise|jit]... [-p PAGES]\n"
		"                         [-g GROUP] [-m threads|single|both] [--json]\n"
		"       vmlab-tlbstat calls PAGES [single|threads]   (benchmark)\n"
		"       vmlab-tlbstat --help\n");
}

static int parse_run(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
		{ "scenario", required_argument, NULL, 's' },
		{ "pages", required_argument, NULL, 'p' },
		{ "group", required_argument, NULL, 'g' },
		{ "mode", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	bool any = false;
	int c, sc;
	char *end;

	o->pages = 64;
	o->group = 16;
	o->threads = true;
	o->single = true;
	optind = 0;
	while ((c = getopt_long(argc, argv, "s:p:g:m:jh", lopts, NULL)) != -1) {
		switch (c) {
		case 's':
			for (sc = 0; sc < SC_NR; sc++)
				if (!strcmp(optarg, tlb_scenario_names[sc]))
					break;
			if (sc == SC_NR)
				return -1;
			o->run[sc] = true;
			any = true;
			break;
		case 'p':
		case 'g':
			errno = 0;
			sc = strtol(optarg, &end, 10);
			if (errno || *end || sc < 1 || sc > 1 << 20)
				return -1;
			*(c == 'p' ? &o->pages : &o->group) = sc;
			break;
		case 'm':
			o->threads = strcmp(optarg, "single");
			o->single = strcmp(optarg, "threads");
			if (!strcmp(optarg, "both") + !strcmp(optarg, "single") +
			    !strcmp(optarg, "threads") != 1)
				return -1;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			print_usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	if (optind != argc)
		return -1;
	for (sc = 0; sc < SC_NR && !any; sc++)
		o->run[sc] = true;
	return 0;
}

/* @cmd with no argument after it: the commands that take none. */
static bool bare(int argc, char **argv, const char *cmd)
{
	return argc == 1 && !strcmp(argv[0], cmd);
}

int main(int argc, char **argv)
{
	static const struct option help[] = {
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct opts o = { 0 };
	int c;

	/* Options before the command: only --help ("+": stop at the command). */
	while ((c = getopt_long(argc, argv, "+h", help, NULL)) != -1) {
		if (c != 'h') {
			print_usage(stderr);
			return 2;
		}
		print_usage(stdout);
		return 0;
	}
	argc -= optind;
	argv += optind;
	if (!argc || bare(argc, argv, "show"))
		return show();
	if (bare(argc, argv, "enable") || bare(argc, argv, "disable"))
		return write_file("enable", argv[0][0] == 'e' ? "1\n" : "0\n") ? 1 : 0;
	if (bare(argc, argv, "reset"))
		return write_file("reset", "1\n") ? 1 : 0;
	if (!strcmp(argv[0], "calls"))
		return calls(argc, argv);
	if (!strcmp(argv[0], "run")) {
		if (parse_run(argc, argv, &o)) {
			print_usage(stderr);
			return 2;
		}
		return run(&o);
	}
	print_usage(stderr);
	return 2;
}
