// SPDX-License-Identifier: GPL-2.0
/*
 * vmlabctl: show what the loaded vmlab modules report.
 *
 *   vmlabctl status [--json] [--watch SECONDS]
 *   vmlabctl MODULE [ARGS...]
 *
 * A module subcommand runs the program vmlab-MODULE (found beside vmlabctl
 * or on PATH), like git's subcommands; without one it prints the module's
 * status.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "statfmt.h"

#define DEBUGFS_VMLAB "/sys/kernel/debug/vmlab"
#define MAX_FILE (256 * 1024)

static const char *root = DEBUGFS_VMLAB;

static char *slurp(const char *path)
{
	char *buf = malloc(MAX_FILE);
	ssize_t n, total = 0;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	while (total < MAX_FILE - 1 &&
	       (n = read(fd, buf + total, MAX_FILE - 1 - total)) > 0)
		total += n;
	close(fd);
	buf[total] = '\0';
	return buf;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/* Sorted names in @dir, optionally only directories or only files. */
static int list_dir(const char *dir, int want_dirs, char ***out)
{
	char path[PATH_MAX], **names = NULL;
	struct dirent *d;
	struct stat st;
	int n = 0;
	DIR *dp = opendir(dir);

	if (!dp)
		return -errno;
	while ((d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (stat(path, &st) || (S_ISDIR(st.st_mode) ? 1 : 0) != want_dirs)
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		if (!names)
			exit(1);
		names[n] = strdup(d->d_name);
		if (!names[n++])
			exit(1);
	}
	closedir(dp);
	qsort(names, n, sizeof(*names), name_cmp);
	*out = names;
	return n;
}

static void free_list(char **names, int n)
{
	while (n--)
		free(names[n]);
	free(names);
}

static void show_module(const char *module, int json, int first)
{
	char dir[PATH_MAX], path[PATH_MAX + 256], **files;
	int i, n;

	snprintf(dir, sizeof(dir), "%s/%s", root, module);
	n = list_dir(dir, 0, &files);
	if (json) {
		printf("%s\n    ", first ? "" : ",");
		statfmt_json_string(stdout, module);
		printf(": {");
	} else {
		printf("[%s]\n", module);
	}
	for (i = 0; i < n; i++) {
		char *text;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		text = slurp(path);
		if (!text)
			continue;
		if (json) {
			printf("%s\n      ", i ? "," : "");
			statfmt_json_string(stdout, files[i]);
			printf(": ");
			statfmt_json_value(stdout, text);
		} else {
			statfmt_text_value(stdout, files[i], text);
		}
		free(text);
	}
	printf(json ? "\n    }" : "\n");
	if (n > 0)
		free_list(files, n);
}

static int status(int json, const char *only)
{
	char path[PATH_MAX], **mods;
	char *version;
	int i, n;

	snprintf(path, sizeof(path), "%s/version", root);
	version = slurp(path);
	if (!version) {
		fprintf(stderr, "vmlabctl: %s: %s (is vmlab_core loaded and debugfs mounted?)\n",
			root, strerror(errno));
		return 1;
	}
	version[strcspn(version, "\n")] = '\0';
	n = list_dir(root, 1, &mods);
	if (json) {
		printf("{\n  \"version\": ");
		statfmt_json_string(stdout, version);
		printf(",\n  \"modules\": {");
	} else {
		printf("%s\n", version);
		if (n <= 0)
			printf("no vmlab modules loaded\n");
	}
	for (i = 0; i < n; i++)
		if (!only || !strcmp(only, mods[i]))
			show_module(mods[i], json, i == 0 || (only != NULL));
	if (json)
		printf("\n  }\n}\n");
	if (n > 0)
		free_list(mods, n);
	free(version);
	fflush(stdout);
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vmlabctl status [--json] [--watch SECONDS]\n"
		"       vmlabctl MODULE [ARGS...]   run vmlab-MODULE, or show MODULE's status\n");
}

/* Run vmlab-MODULE from vmlabctl's own directory, else from PATH. */
static int subcommand(const char *self, char **argv)
{
	char prog[PATH_MAX], name[128], selfdir[PATH_MAX], *mod_dir;

	/* dirname() may write to its argument: give it a copy. */
	snprintf(selfdir, sizeof(selfdir), "%s", self);
	snprintf(name, sizeof(name), "vmlab-%s", argv[0]);
	snprintf(prog, sizeof(prog), "%s/%s", dirname(selfdir), name);
	argv[0] = name;
	if (strchr(self, '/') && access(prog, X_OK) == 0)
		execv(prog, argv);
	execvp(name, argv);
	if (errno != ENOENT) {
		fprintf(stderr, "vmlabctl: %s: %s\n", name, strerror(errno));
		return 1;
	}
	snprintf(prog, sizeof(prog), "%s/%s", root, argv[0] + 6);
	mod_dir = argv[0] + 6;
	if (access(prog, F_OK)) {
		fprintf(stderr, "vmlabctl: no module '%s' is loaded and no %s exists\n",
			mod_dir, name);
		return 1;
	}
	return status(0, mod_dir);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "watch", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int json = 0, watch = 0, c;
	char *end;

	if (getenv("VMLAB_DEBUGFS"))
		root = getenv("VMLAB_DEBUGFS");
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "status"))
		return argv[1][0] == '-' ? (usage(stdout), 0) :
		       subcommand(argv[0], argv + 1);

	optind = 2;
	while ((c = getopt_long(argc, argv, "jw:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'w':
			watch = strtol(optarg, &end, 10);
			if (*end || watch <= 0) {
				fprintf(stderr, "vmlabctl: --watch wants whole seconds > 0\n");
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!watch)
		return status(json, NULL);
	for (;;) {
		if (!json)
			printf("\033[H\033[2J");
		if (status(json, NULL))
			return 1;
		sleep(watch);
	}
}
