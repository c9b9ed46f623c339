/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the host tests: run JSON text through Python's json module, a
 * parser that shares none of our code, and compare what it parsed with a
 * Python literal.
 */
#ifndef _VMLAB_JSON_CHECK_H
#define _VMLAB_JSON_CHECK_H

#include <stdio.h>

#define JSON_CHECK_OK		0
#define JSON_CHECK_BAD		1	/* not JSON, or not the expected value */
#define JSON_CHECK_NO_PARSER	2	/* no python3: skip the test */

/*
 * Parse @text strictly (UTF-8, no NaN, no duplicate keys) and, when
 * @expect is not NULL, compare the result with the Python value @expect
 * (e.g. "{'a': [1, None]}").  Mismatches are explained on "# " lines.
 */
int json_check(const char *text, const char *expect);

/* Output collected in memory for json_check; the caller frees text. */
struct json_buf {
	FILE *f;
	char *text;
	size_t len;
};

FILE *json_buf_open(struct json_buf *b);
const char *json_buf_close(struct json_buf *b);

#endif /* _VMLAB_JSON_CHECK_H */
