// SPDX-License-Identifier: GPL-2.0
/* The scanners' tunables, stats and kthread CPU time: see knobs.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "knobs.h"

int knob_write(const char *dir, const char *knob, unsigned long v)
{
	char path[256], buf[32];
	int fd, n, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, knob);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%lu\n", v);
	if (write(fd, buf, n) != n)
		ret = -errno;
	close(fd);
	return ret;
}

int file_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

unsigned long long stat_read(const char *dir, const char *stats, const char *name)
{
	static char buf[8192];
	char path[256], *p;
	size_t nlen = strlen(name);

	if (!stats) {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (file_read(path, buf, sizeof(buf)))
			return ~0ULL;
		return strtoull(buf, NULL, 10);
	}
	if (file_read(stats, buf, sizeof(buf)))
		return ~0ULL;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, nlen) && p[nlen] == ' ')
			return strtoull(p + nlen + 1, NULL, 10);
	return ~0ULL;
}

double kthread_cpu_s(const char *comm)
{
	char path[300], buf[1024], *p;
	size_t clen = strlen(comm);
	unsigned long ut, st;
	struct dirent *d;
	double ret = -1;
	DIR *dp = opendir("/proc");

	while (dp && (d = readdir(dp))) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", d->d_name);
		if (file_read(path, buf, sizeof(buf)))
			continue;
		p = strchr(buf, '(');
		if (!p || strncmp(p + 1, comm, clen) || p[1 + clen] != ')')
			continue;
		p = strrchr(buf, ')');
		/* Fields 14 and 15 (utime, stime); the ')' ends field 2. */
		if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			   &ut, &st) == 2)
			ret = (double)(ut + st) / sysconf(_SC_CLK_TCK);
		break;
	}
	if (dp)
		closedir(dp);
	return ret;
}

void die(const char *msg)
{
	perror(msg);
	exit(1);
}

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
