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
#include <stdbool.h>
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

/* @j is NULL for text output. */
static void show_module(const char *module, struct json *j)
{
	char dir[PATH_MAX], path[PATH_MAX + 256], **files;
	int i, n;

	snprintf(dir, sizeof(dir), "%s/%s", root, module);
	n = list_dir(dir, 0, &files);
	if (j) {
		json_key(j, module);
		json_begin_object(j);
	} else {
		printf("[%s]\n", module);
	}
	for (i = 0; i < n; i++) {
		char *text;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		text = slurp(path);
		if (!text)
			continue;
		if (j) {
			json_key(j, files[i]);
			statfmt_json_value(j, text);
		} else {
			statfmt_text_value(stdout, files[i], text);
		}
		free(text);
	}
	if (j)
		json_end_object(j);
	else
		printf("\n");
	if (n > 0)
		free_list(files, n);
}

static int status(bool json, const char *only)
{
	char path[PATH_MAX], **mods;
	struct json j;
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
		json_init(&j, stdout, true);
		json_begin_object(&j);
		json_key(&j, "version");
		json_string(&j, version);
		json_key(&j, "modules");
		json_begin_object(&j);
	} else {
		printf("%s\n", version);
		if (n <= 0)
			printf("no vmlab modules loaded\n");
	}
	for (i = 0; i < n; i++)
		if (!only || !strcmp(only, mods[i]))
			show_module(mods[i], json ? &j : NULL);
	if (json) {
		json_end_object(&j);
		json_end_object(&j);
	}
	if (n > 0)
		free_list(mods, n);
	free(version);
	fflush(stdout);
	return 0;
}

static void print_usage(FILE *out)
{
	fprintf(out,
		"usage: vmlabctl status [--json] [--watch SECONDS]\n"
		"       vmlabctl MODULE [ARGS...]   run vmlab-MODULE, or show MODULE's status\n"
		"       vmlabctl --help\n");
}

/* Usage errors exit 2, as in every vmlab program. */
static int usage_error(void)
{
	print_usage(stderr);
	return 2;
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
	return status(false, mod_dir);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "watch", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	bool json = false;
	int watch = 0, c;
	char *end;

	if (getenv("VMLAB_DEBUGFS"))
		root = getenv("VMLAB_DEBUGFS");
	/*
	 * Options before the command: only --help.  "+" stops at the command,
	 * whose own options (vmlab-MODULE's) are not vmlabctl's to judge.
	 */
	while ((c = getopt_long(argc, argv, "+h", opts + 2, NULL)) != -1) {
		if (c != 'h')
			return usage_error();
		print_usage(stdout);
		return 0;
	}
	if (optind >= argc)
		return usage_error();
	if (strcmp(argv[optind], "status"))
		return subcommand(argv[0], argv + optind);

	/* Parse status's options afresh: 0 also resets glibc's "+" mode. */
	argc -= optind;
	argv += optind;
	optind = 0;
	while ((c = getopt_long(argc, argv, "jw:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'w':
			watch = strtol(optarg, &end, 10);
			if (*end || watch <= 0) {
				fprintf(stderr, "vmlabctl: --watch wants whole seconds > 0\n");
				return 2;
			}
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			return usage_error();
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vmlabctl: status takes no argument '%s'\n", argv[optind]);
		return usage_error();
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
