// SPDX-License-Identifier: GPL-2.0
/* json_check.h: the host tests' independent JSON parser, python3's. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json_check.h"

/*
 * Strict where Python's json module is lenient: it takes NaN and Infinity
 * and keeps the last of duplicate keys unless told otherwise.  Failures
 * are printed as "# " lines so that the test's TAP stays parseable.
 */
static const char script[] =
	"import json, sys\n"
	"def pairs(p):\n"
	"    keys = [k for k, _ in p]\n"
	"    if len(keys) != len(set(keys)):\n"
	"        raise ValueError('duplicate key')\n"
	"    return dict(p)\n"
	"def constant(c):\n"
	"    raise ValueError('not JSON: ' + c)\n"
	"try:\n"
	"    text = sys.stdin.buffer.read().decode('utf-8')\n"
	"    v = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)\n"
	"except ValueError as e:\n"
	"    print('# json: %s' % e)\n"
	"    sys.exit(1)\n"
	"if len(sys.argv) > 1 and v != eval(sys.argv[1]):\n"
	"    print('# json: parsed %r, want %s' % (v, sys.argv[1]))\n"
	"    sys.exit(1)\n";

int json_check(const char *text, const char *expect)
{
	size_t len = strlen(text), done = 0;
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	/* A parser that stops early must fail the check, not kill the test. */
	signal(SIGPIPE, SIG_IGN);
	fflush(stdout);
	if (pipe(fds))
		return JSON_CHECK_BAD;
	pid = fork();
	if (pid < 0)
		return JSON_CHECK_BAD;
	if (!pid) {
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		execlp("python3", "python3", "-c", script, expect, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	while (done < len && (n = write(fds[1], text + done, len - done)) > 0)
		done += n;
	close(fds[1]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return JSON_CHECK_BAD;
	if (WEXITSTATUS(status) == 127)
		return JSON_CHECK_NO_PARSER;
	return WEXITSTATUS(status) ? JSON_CHECK_BAD : JSON_CHECK_OK;
}

FILE *json_buf_open(struct json_buf *b)
{
	b->text = NULL;
	b->len = 0;
	b->f = open_memstream(&b->text, &b->len);
	if (!b->f)
		abort();
	return b->f;
}

const char *json_buf_close(struct json_buf *b)
{
	fclose(b->f);
	return b->text;
}
