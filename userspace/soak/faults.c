// SPDX-License-Identifier: GPL-2.0
/*
 * failslab and fail_page_alloc, aimed by the task filter at the soak's
 * workers (make-it-fail) and the modules' kthreads, quiet (verbose 0: a
 * backtrace per injected failure would read as a splat to the harness).
 * Interrupt context never fails with the task filter on.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "soak.h"

static const char *const fail_dirs[] = {
	"/sys/kernel/debug/failslab", "/sys/kernel/debug/fail_page_alloc",
};

static void knob(const char *dir, const char *name, const char *val)
{
	char path[256];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ret = write_file(path, val, strlen(val));
	if (ret && ret != -ENOENT)
		fprintf(stderr, "vmlab-soak: %s: %s\n", path, strerror(-ret));
}

void faults_setup(void)
{
	char prob[16];
	unsigned int i, found = 0;

	if (!opts.faults)
		return;
	snprintf(prob, sizeof(prob), "%u", opts.fault_prob);
	for (i = 0; i < ARRAY_SIZE(fail_dirs); i++) {
		if (access(fail_dirs[i], F_OK)) {
			printf("# fault injection: %s absent\n", fail_dirs[i]);
			continue;
		}
		found++;
		knob(fail_dirs[i], "task-filter", "Y");
		knob(fail_dirs[i], "verbose", "0");
		knob(fail_dirs[i], "interval", "1");
		knob(fail_dirs[i], "times", "-1");
		knob(fail_dirs[i], "space", "0");
		knob(fail_dirs[i], "probability", prob);
		printf("# fault injection: %s probability %s%% (task filter)\n",
		       fail_dirs[i], prob);
	}
	if (!found)
		opts.faults = false;
}

void faults_teardown(void)
{
	unsigned int i;

	if (!opts.faults)
		return;
	for (i = 0; i < ARRAY_SIZE(fail_dirs); i++)
		knob(fail_dirs[i], "probability", "0");
}

/* The modules' own kthreads (samepage's scanner, balloon's worker). */
void faults_aim_kthreads(void)
{
	static const char *const names[] = { "vmlab_samepaged", "vmlab_balloon" };
	struct dirent *de;
	char path[300], comm[64];
	DIR *d;
	unsigned int i;

	if (!opts.faults)
		return;
	d = opendir("/proc");
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		if (read_file(path, comm, sizeof(comm)) <= 0)
			continue;
		comm[strcspn(comm, "\n")] = '\0';
		for (i = 0; i < ARRAY_SIZE(names); i++) {
			if (strncmp(comm, names[i], strlen(names[i])))
				continue;
			snprintf(path, sizeof(path), "/proc/%s/make-it-fail", de->d_name);
			write_file(path, "1", 1);
		}
	}
	closedir(d);
}
