// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab-balloon (vmlabctl balloon): drive vmlab_balloon as a host would.
 *
 *   vmlab-balloon status
 *   vmlab-balloon set TARGET [--wait SECONDS]
 *   vmlab-balloon run PROFILE [--interval MS] [--pid PID]
 *
 * TARGET is a page count or a size (K/M/G/T).  A PROFILE has one
 * "SECONDS TARGET" line per step; run sets each target at its time and
 * prints a timeline, one line per interval: time, target, balloon size,
 * state, free and available memory, and major faults (of PID, or of the
 * whole guest) and workingset refaults since the start.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "number.h"
#include "profile.h"

#define DIR "/sys/kernel/debug/vmlab/balloon"
#define MAX_STEPS 1024

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* "name value" from a file; UINT64_MAX when absent. */
static uint64_t field(const char *path, const char *name)
{
	char buf[16384], *p;
	size_t n = strlen(name);

	if (read_file(path, buf, sizeof(buf)))
		return UINT64_MAX;
	for (p = buf; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, name, n) && (p[n] == ' ' || p[n] == ':'))
			return strtoull(p + n + 1, NULL, 10);
	return UINT64_MAX;
}

static void state(char *out, size_t len)
{
	char buf[1024];

	snprintf(out, len, "?");
	if (!read_file(DIR "/status", buf, sizeof(buf)) && !strncmp(buf, "state ", 6))
		snprintf(out, len, "%.*s", (int)strcspn(buf + 6, "\n"), buf + 6);
}

static uint64_t majflt(int pid)
{
	char path[64], buf[4096], *p;
	int i;

	if (!pid)
		return field("/proc/vmstat", "pgmajfault");
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_file(path, buf, sizeof(buf)))
		return 0;
	p = strrchr(buf, ')');
	/* field 12 is majflt; p points just before field 3 */
	for (i = 2; p && i < 12; i++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static int set_target(uint64_t pages)
{
	char buf[32];
	int ret;

	snprintf(buf, sizeof(buf), "%llu\n", (unsigned long long)pages);
	ret = write_file(DIR "/target_pages", buf);
	if (ret)
		fprintf(stderr, "vmlab-balloon: target_pages: %s\n", strerror(-ret));
	return ret;
}

static int cmd_status(void)
{
	char buf[16384];

	if (read_file(DIR "/status", buf, sizeof(buf))) {
		fprintf(stderr, "vmlab-balloon: %s: not loaded?\n", DIR);
		return 1;
	}
	fputs(buf, stdout);
	if (!read_file(DIR "/stats", buf, sizeof(buf)))
		fputs(buf, stdout);
	if (!read_file(DIR "/meminfo", buf, sizeof(buf)))
		fputs(buf, stdout);
	return 0;
}

static int cmd_set(const char *arg, int wait_s)
{
	uint64_t pages, start = now_ms();
	char st[32];

	if (vbp_parse_target(arg, &pages)) {
		fprintf(stderr, "vmlab-balloon: '%s' is not a page count or a size\n", arg);
		return 2;
	}
	if (set_target(pages))
		return 1;
	while (wait_s > 0) {
		state(st, sizeof(st));
		if (field(DIR "/status", "actual_pages") == pages && !strcmp(st, "idle")) {
			printf("reached %llu pages in %llu ms\n", (unsigned long long)pages,
			       (unsigned long long)(now_ms() - start));
			return 0;
		}
		if (now_ms() - start > wait_s * 1000ULL) {
			printf("not reached: %llu of %llu pages, state %s\n",
			       (unsigned long long)field(DIR "/status", "actual_pages"),
			       (unsigned long long)pages, st);
			return 1;
		}
		usleep(10000);
	}
	return 0;
}

static int load_profile(const char *path, struct vbp_step *steps)
{
	char line[256];
	int n = 0, lineno = 0, r;
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) && n < MAX_STEPS) {
		lineno++;
		r = vbp_parse_line(line, &steps[n]);
		if (r < 0) {
			fprintf(stderr, "%s:%d: want 'SECONDS TARGET'\n", path, lineno);
			fclose(f);
			return -1;
		}
		if (r == 0)
			n++;
	}
	fclose(f);
	return n;
}

static int cmd_run(const char *path, int interval, int pid)
{
	static struct vbp_step steps[MAX_STEPS];
	uint64_t start, t, maj0, ref0, target = 0, end;
	int n = load_profile(path, steps), next = 0;
	char st[32];

	if (n < 0)
		return 2;
	end = n ? steps[n - 1].ms + 2000 : 0;
	maj0 = majflt(pid);
	ref0 = field(DIR "/meminfo", "workingset_refaults");
	start = now_ms();
	printf("%8s %10s %10s %-10s %10s %10s %8s %9s\n", "ms", "target", "actual",
	       "state", "free_kb", "avail_kb", "majflt", "refaults");
	for (;;) {
		t = now_ms() - start;
		while (next < n && steps[next].ms <= t) {
			target = steps[next++].pages;
			if (set_target(target))
				return 1;
		}
		state(st, sizeof(st));
		printf("%8llu %10llu %10llu %-10s %10llu %10llu %8llu %9llu\n",
		       (unsigned long long)t, (unsigned long long)target,
		       (unsigned long long)field(DIR "/status", "actual_pages"), st,
		       (unsigned long long)field("/proc/meminfo", "MemFree"),
		       (unsigned long long)field("/proc/meminfo", "MemAvailable"),
		       (unsigned long long)(majflt(pid) - maj0),
		       (unsigned long long)(field(DIR "/meminfo", "workingset_refaults") - ref0));
		fflush(stdout);
		if (next >= n && t >= end)
			return 0;
		usleep(interval * 1000);
	}
}

static void print_usage(FILE *f)
{
	fprintf(f, "usage: vmlab-balloon status\n"
		   "       vmlab-balloon set TARGET [--wait SECONDS]\n"
		   "       vmlab-balloon run PROFILE [--interval MS] [--pid PID]\n"
		   "       vmlab-balloon --help\n"
		   "TARGET: pages, or a size with K/M/G/T (rounded up to pages)\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "wait", required_argument, NULL, 'w' },
		{ "interval", required_argument, NULL, 'i' },
		{ "pid", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	long wait_s = 0, interval = 500, pid = 0;
	int c, bad = 0;
	const char *cmd;

	/* Options before the command: only --help ("+": stop at the command). */
	while ((c = getopt_long(argc, argv, "+h", opts + 3, NULL)) != -1) {
		if (c != 'h') {
			print_usage(stderr);
			return 2;
		}
		print_usage(stdout);
		return 0;
	}
	if (optind >= argc) {
		print_usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 0;
	while ((c = getopt_long(argc, argv, "w:i:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			bad |= parse_long(optarg, 0, 24 * 3600, &wait_s);
			break;
		case 'i':
			bad |= parse_long(optarg, 1, 3600 * 1000, &interval);
			break;
		case 'p':
			bad |= parse_long(optarg, 1, INT_MAX, &pid);
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (bad) {
		fprintf(stderr, "vmlab-balloon: --wait takes 0 to 86400 seconds, --interval\n"
			"1 to 3600000 milliseconds, --pid a process id\n");
		return 2;
	}
	if (!strcmp(cmd, "status") && optind == argc)
		return cmd_status();
	if (!strcmp(cmd, "set") && optind == argc - 1)
		return cmd_set(argv[optind], wait_s);
	if (!strcmp(cmd, "run") && optind == argc - 1)
		return cmd_run(argv[optind], interval, pid);
	print_usage(stderr);
	return 2;
}
