// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the JSON writer: each case's output is parsed by python3's
 * json module and compared with the value it must hold.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "json_check.h"
#include "kselftest.h"	/* also ARRAY_SIZE() */

/* Compare what @write produced with @want (exact text, when not NULL). */
static void check(const char *name, void (*write)(struct json *j), bool pretty,
		  const char *want_text, const char *want_value)
{
	struct json_buf b;
	struct json j;
	const char *text;
	int ret;

	json_init(&j, json_buf_open(&b), pretty);
	write(&j);
	text = json_buf_close(&b);
	if (want_text && strcmp(text, want_text)) {
		ksft_print_msg("%s: got '%s' want '%s'\n", name, text, want_text);
		ksft_test_result_fail("%s\n", name);
	} else {
		ret = json_check(text, want_value);
		if (ret == JSON_CHECK_NO_PARSER)
			ksft_test_result_skip("%s: no python3 to parse it\n", name);
		else
			ksft_test_result(ret == JSON_CHECK_OK, "%s\n", name);
	}
	free((void *)text);
}

static void escapes(struct json *j)
{
	json_begin_object(j);
	json_key(j, "q\"uote");
	json_string(j, "back\\slash \"quoted\"\n\ttab\r\x01\x1f\x7f");
	json_end_object(j);
}

static void nul_and_utf8(struct json *j)
{
	json_begin_array(j);
	json_string_len(j, "a\0b", 3);
	json_string(j, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");	/* valid UTF-8 stays */
	json_string(j, "bad \xff \xc0\xaf \xed\xa0\x80 \xe2\x82");
	json_end_array(j);
}

static void numbers(struct json *j)
{
	json_begin_array(j);
	json_u64(j, UINT64_MAX);
	json_s64(j, INT64_MIN);
	json_u64(j, 0);
	json_double(j, 0.25);
	json_double(j, 1e300 * 1e300);	/* infinity */
	json_double(j, 1e20);
	json_double(j, 0.1);
	json_double(j, 1.0 / 3);
	json_bool(j, true);
	json_null(j);
	json_end_array(j);
}

static void number_texts(struct json *j)
{
	static const char * const in[] = {
		"007", "0", "18446744073709551615", "18446744073709551616",
		"-5", "-9223372036854775809", "-", "", "12a", "1.5", "0x10",
	};
	size_t i;

	json_begin_array(j);
	for (i = 0; i < ARRAY_SIZE(in); i++)
		json_number_text(j, in[i], strlen(in[i]));
	json_end_array(j);
}

static void nested(struct json *j)
{
	json_begin_object(j);
	json_key(j, "a");
	json_begin_object(j);
	json_key(j, "b");
	json_begin_array(j);
	json_begin_object(j);
	json_end_object(j);
	json_begin_array(j);
	json_end_array(j);
	json_u64(j, 1);
	json_end_array(j);
	json_end_object(j);
	json_key(j, "c");
	json_string(j, "");
	json_end_object(j);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(9);
	check("escaped key and string", escapes, false,
	      "{\"q\\\"uote\": \"back\\\\slash \\\"quoted\\\"\\n\\ttab\\u000d\\u0001\\u001f\x7f\"}\n",
	      "{'q\"uote': 'back\\\\slash \"quoted\"\\n\\ttab\\r\\x01\\x1f\\x7f'}");
	check("NUL kept, invalid UTF-8 replaced", nul_and_utf8, false, NULL,
	      "['a\\x00b', 'caf\\u00e9 \\u20ac \\U0001f600',\n"
	      "'bad \\ufffd \\ufffd\\ufffd \\ufffd\\ufffd\\ufffd \\ufffd\\ufffd']");
	check("u64 max, s64 min, doubles, infinity as null", numbers, false,
	      "[18446744073709551615, -9223372036854775808, 0, 0.25, null, 1e+20, 0.1, 0.3333333333333333, true, null]\n",
	      "[18446744073709551615, -9223372036854775808, 0, 0.25, None, 1e20, 0.1, 1 / 3,\n"
	      "True, None]");
	check("number text: 007 is 7, overflow and non-numbers are strings",
	      number_texts, false, NULL,
	      "[7, 0, 18446744073709551615, '18446744073709551616', -5,\n"
	      "'-9223372036854775809', '-', '', '12a', '1.5', '0x10']");
	check("nested objects and arrays", nested, false,
	      "{\"a\": {\"b\": [{}, [], 1]}, \"c\": \"\"}\n",
	      "{'a': {'b': [{}, [], 1]}, 'c': ''}");
	check("nested, pretty", nested, true,
	      "{\n  \"a\": {\n    \"b\": [\n      {},\n      [],\n      1\n    ]\n  },\n"
	      "  \"c\": \"\"\n}\n",
	      "{'a': {'b': [{}, [], 1]}, 'c': ''}");

	/* The checker itself must reject what is not JSON. */
	ksft_test_result(json_check("{\"a\": 007}", NULL) == JSON_CHECK_BAD,
			 "checker rejects a leading zero\n");
	ksft_test_result(json_check("[NaN]", NULL) == JSON_CHECK_BAD,
			 "checker rejects NaN\n");
	ksft_test_result(json_check("{\"a\": 1, \"a\": 2}", NULL) == JSON_CHECK_BAD,
			 "checker rejects a duplicate key\n");
	ksft_finished();
}
