// SPDX-License-Identifier: GPL-2.0
/* Host tests of parse_long(): what it takes, what it refuses. */
#include <limits.h>
#include <stdbool.h>

#include "number.h"
#include "kselftest.h"	/* also ARRAY_SIZE() */

static const struct {
	const char *s;
	long min, max;
	int ret;
	long want;
} cases[] = {
	{ "0", 0, 10, 0, 0 },
	{ "10", 0, 10, 0, 10 },
	{ "-3", -5, 5, 0, -3 },
	{ "+7", 0, 10, 0, 7 },
	{ "9223372036854775807", 0, LONG_MAX, 0, LONG_MAX },
	{ "11", 0, 10, -1, 0 },
	{ "-1", 0, 10, -1, 0 },
	{ "9223372036854775808", 0, LONG_MAX, -1, 0 },
	{ "", 0, 10, -1, 0 },
	{ "abc", 0, 10, -1, 0 },
	{ "10s", 0, 100, -1, 0 },
	{ " 5", 0, 10, -1, 0 },
	{ "5 ", 0, 10, -1, 0 },
	{ "0x10", 0, 100, -1, 0 },
	{ "-", 0, 10, -1, 0 },
};

int main(void)
{
	unsigned int i;
	long got;
	int ret;

	ksft_print_header();
	ksft_set_plan(ARRAY_SIZE(cases) + 1);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		/* A refusal leaves *out as it was. */
		long want = -42;
		bool pass;

		if (!cases[i].ret)
			want = cases[i].want;
		got = -42;
		ret = parse_long(cases[i].s, cases[i].min, cases[i].max, &got);
		pass = ret == cases[i].ret && got == want;
		ksft_test_result(pass, "'%s' in [%ld, %ld]: returned %d, value %ld\n",
				 cases[i].s, cases[i].min, cases[i].max, ret, got);
	}
	ksft_test_result(parse_long(NULL, 0, 1, &got) == -1, "NULL is refused\n");
	ksft_finished();
}
