// SPDX-License-Identifier: GPL-2.0
/* Host unit tests for vmlabctl's formatting: TAP, "N passed, N failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "statfmt.h"
#include "vmlab_tap.h"


static void check_json(const char *in, const char *want, const char *what)
{
	char buf[1024] = "";
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	statfmt_json_value(f, in);
	fclose(f);
	if (strcmp(buf, want))
		printf("# got '%s' want '%s'\n", buf, want);
	check(!strcmp(buf, want), what);
}

int main(void)
{
	printf("TAP version 13\n1..11\n");
	check(statfmt_classify("42\n") == STATFMT_NUMBER, "number with newline");
	check(statfmt_classify("a 1\nb 2\n") == STATFMT_PAIRS, "name value pairs");
	check(statfmt_classify("a 1\nb x\n") == STATFMT_TEXT, "non-number value is text");
	check(statfmt_classify("") == STATFMT_TEXT, "empty file is text");
	check(statfmt_classify("unit: ns\ncount: 3\n") == STATFMT_TEXT, "histogram is text");
	check(statfmt_classify(" 1\n") == STATFMT_TEXT, "pair without a name is text");
	check_json("7\n", "7", "json number");
	check_json("a 1\nb 22\n", "{\"a\": 1, \"b\": 22}", "json object from pairs");
	check_json("x \"q\"\n\ty\n", "\"x \\\"q\\\"\\n\\ty\"", "json string escapes");
	check_json("\x01", "\"\\u0001\"", "json control character");
	check_json("18446744073709551615\n", "18446744073709551615", "json u64 max");
	return tap_done();
}
