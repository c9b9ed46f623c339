// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of vmlabctl: how it classifies and formats debugfs files, its
 * JSON checked by python3's parser, and its exit status on a made-up
 * debugfs tree (VMLAB_DEBUGFS) with the vmlabctl built beside this test.
 */
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json_check.h"
#include "kselftest.h"
#include "statfmt.h"

/* Output on "# " lines, so that TAP parsers take it as diagnostics. */
static void show(const char *what, const char *text)
{
	const char *nl;

	for (; *text; text = nl + (*nl ? 1 : 0)) {
		nl = text + strcspn(text, "\n");
		ksft_print_msg("%s: %.*s\n", what, (int)(nl - text), text);
	}
}

static void result_json(const char *text, const char *want, const char *what)
{
	int ret = json_check(text, want);

	if (ret == JSON_CHECK_NO_PARSER)
		ksft_test_result_skip("%s: no python3\n", what);
	else
		ksft_test_result(ret == JSON_CHECK_OK, "%s\n", what);
}

/* statfmt_json_value(@in), parsed, must be the Python value @want. */
static void check_json(const char *in, const char *want, const char *what)
{
	struct json_buf b;
	struct json j;
	const char *text;

	json_init(&j, json_buf_open(&b), false);
	statfmt_json_value(&j, in);
	text = json_buf_close(&b);
	show(what, text);
	result_json(text, want, what);
	free((void *)text);
}

static char vmlabctl[PATH_MAX];

/*
 * Run vmlabctl with the arguments after @size, up to a NULL; its stdout
 * into @out (when not NULL); its exit status back.
 */
static int run(char *out, size_t size, ...)
{
	char *args[8] = { "vmlabctl" };
	int fds[2], status, null, i = 1;
	size_t len = 0;
	va_list ap;
	ssize_t n;
	pid_t pid;

	va_start(ap, size);
	while (i < 7 && (args[i] = va_arg(ap, char *)))
		i++;
	va_end(ap);
	args[i] = NULL;
	fflush(stdout);
	if (pipe(fds))
		return -1;
	pid = fork();
	if (!pid) {
		null = open("/dev/null", O_WRONLY);
		dup2(fds[1], 1);
		dup2(null, 2);
		close(fds[0]);
		execv(vmlabctl, args);
		_exit(127);
	}
	close(fds[1]);
	while (out && len < size - 1 && (n = read(fds[0], out + len, size - 1 - len)) > 0)
		len += n;
	if (out)
		out[len] = '\0';
	close(fds[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		ksft_exit_fail_msg("%s: cannot write\n", path);
	fputs(text, f);
	fclose(f);
}

/* A debugfs tree whose names and values need escaping. */
static void make_tree(char *root)
{
	char dir[PATH_MAX];

	if (!mkdtemp(root))
		ksft_exit_fail_msg("mkdtemp failed\n");
	put(root, "version", "vmlab 1.0 \"test\"\n");
	snprintf(dir, sizeof(dir), "%s/mod\"x", root);
	mkdir(dir, 0755);
	put(dir, "count", "007\n");
	put(dir, "big", "18446744073709551615\n");
	put(dir, "stats", "a\\b 1\nq\"x 2\n");
	put(dir, "hist", "unit: ns\n\x01\tend\n");
}

static void remove_tree(const char *root)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		ksft_print_msg("could not remove %s\n", root);
}

static void check_program(void)
{
	char root[] = "/tmp/vmlab-test-statfmt.XXXXXX", out[8192];

	make_tree(root);
	setenv("VMLAB_DEBUGFS", root, 1);
	ksft_test_result(run(out, sizeof(out), "status", "--json", NULL) == 0,
			 "status --json exits 0\n");
	show("status --json", out);
	result_json(out, "{'version': 'vmlab 1.0 \"test\"', 'modules': {'mod\"x':\n"
		    "{'big': 18446744073709551615, 'count': 7,\n"
		    "'hist': 'unit: ns\\n\\x01\\tend', 'stats': {'a\\\\b': 1, 'q\"x': 2}}}}",
		    "status --json is the tree, escaped, 007 as 7, u64 max exact");
	ksft_test_result(run(out, sizeof(out), "status", NULL) == 0 &&
			 strstr(out, "count                    007"),
			 "status prints the text as it is\n");
	ksft_test_result(run(NULL, 0, "-x", NULL) == 2, "vmlabctl -x exits 2\n");
	ksft_test_result(run(NULL, 0, "--json", NULL) == 2, "vmlabctl --json exits 2\n");
	ksft_test_result(run(NULL, 0, NULL) == 2, "vmlabctl without a command exits 2\n");
	ksft_test_result(run(NULL, 0, "status", "--bogus", NULL) == 2, "status --bogus exits 2\n");
	ksft_test_result(run(NULL, 0, "status", "extra", NULL) == 2,
			 "status with an argument exits 2\n");
	ksft_test_result(run(NULL, 0, "status", "--watch", "0", NULL) == 2,
			 "status --watch 0 exits 2\n");
	ksft_test_result(run(out, sizeof(out), "--help", NULL) == 0 && strstr(out, "usage:"),
			 "vmlabctl --help prints usage, exits 0\n");
	ksft_test_result(run(out, sizeof(out), "status", "-h", NULL) == 0 && strstr(out, "usage:"),
			 "status -h prints usage, exits 0\n");
	remove_tree(root);
}

int main(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	ksft_print_header();
	ksft_set_plan(20);
	ksft_test_result(statfmt_classify("42\n") == STATFMT_NUMBER, "number with newline\n");
	ksft_test_result(statfmt_classify("a 1\nb 2\n") == STATFMT_PAIRS, "name value pairs\n");
	ksft_test_result(statfmt_classify("a 1\nb x\n") == STATFMT_TEXT,
			 "non-number value is text\n");
	ksft_test_result(statfmt_classify("") == STATFMT_TEXT, "empty file is text\n");
	ksft_test_result(statfmt_classify("unit: ns\ncount: 3\n") == STATFMT_TEXT,
			 "histogram is text\n");
	ksft_test_result(statfmt_classify(" 1\n") == STATFMT_TEXT, "pair without a name is text\n");
	check_json("007\n", "7", "json number 007 is 7");
	check_json("a\"\\ 1\nb 007\nc 18446744073709551615\n",
		   "{'a\"\\\\': 1, 'b': 7, 'c': 18446744073709551615}",
		   "json object from pairs, keys escaped");
	check_json("x \"q\"\n\ty\x01\n", "'x \"q\"\\n\\ty\\x01'", "json string escapes");

	if (n <= 0)
		ksft_exit_fail_msg("readlink /proc/self/exe failed\n");
	self[n] = '\0';
	snprintf(vmlabctl, sizeof(vmlabctl), "%s/vmlabctl", dirname(self));
	check_program();
	ksft_finished();
}
