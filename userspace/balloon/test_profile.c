// SPDX-License-Identifier: GPL-2.0
/* Host unit tests for the balloon programs' parsing: kselftest TAP. */
#include <errno.h>
#include <stdio.h>

#include "profile.h"
#include "kselftest.h"

static int target_is(const char *s, int ret, uint64_t want)
{
	uint64_t v = 12345;
	int r = vbp_parse_target(s, &v);

	return r == ret && (ret || v == want);
}

int main(void)
{
	struct vbp_step st;
	uint64_t v[] = { 5, 1, 4, 2, 3, 10, 9, 8, 7, 6 };
	uint64_t one[] = { 42 };

	ksft_print_header();
	ksft_set_plan(31);
	ksft_test_result(target_is("100", 0, 100), "page count\n");
	ksft_test_result(target_is("0x10", 0, 16), "hex page count\n");
	ksft_test_result(target_is("4K", 0, 1), "4K is one page\n");
	ksft_test_result(target_is("5k", 0, 2), "5K rounds up to two pages\n");
	ksft_test_result(target_is("1M", 0, 256), "1M is 256 pages\n");
	ksft_test_result(target_is("2G", 0, 524288), "2G\n");
	ksft_test_result(target_is("-1", -EINVAL, 0), "negative rejected\n");
	ksft_test_result(target_is("", -EINVAL, 0), "empty rejected\n");
	ksft_test_result(target_is("1KB", -EINVAL, 0), "1KB rejected\n");
	ksft_test_result(target_is("18446744073709551616", -ERANGE, 0), "u64 overflow\n");
	ksft_test_result(target_is("16777216T", -ERANGE, 0), "size overflow\n");
	ksft_test_result(target_is("4503599627370496", -ERANGE, 0), "pages beyond 2^64 bytes\n");
	ksft_test_result(target_is("0xff", 0, 255), "hex ending in a-f is a page count\n");
	ksft_test_result(target_is("0XA", 0, 10), "upper-case hex\n");
	ksft_test_result(target_is("010", 0, 10), "leading zero is still decimal\n");
	ksft_test_result(target_is("0x", -EINVAL, 0), "0x alone rejected\n");
	ksft_test_result(target_is("0x10K", -EINVAL, 0), "no suffix on hex\n");
	ksft_test_result(target_is("0x0x5", -EINVAL, 0), "second 0x rejected\n");
	ksft_test_result(target_is("12Q", -EINVAL, 0) && target_is("1M5", -EINVAL, 0) &&
			 target_is(" 5", -EINVAL, 0) && target_is("0x 5", -EINVAL, 0),
			 "other letters, digits after a suffix and spaces rejected\n");
	ksft_test_result(target_is("0x10000000000000", -ERANGE, 0) &&
			 target_is("0x10000000000000000", -ERANGE, 0), "hex too large\n");
	ksft_test_result(vbp_parse_line("  # comment\n", &st) == 1, "comment line\n");
	ksft_test_result(vbp_parse_line("\n", &st) == 1, "blank line\n");
	ksft_test_result(vbp_parse_line("2.5 256M # hold\n", &st) == 0 && st.ms == 2500 &&
			 st.pages == 65536, "step with comment\n");
	ksft_test_result(vbp_parse_line("0 0", &st) == 0 && st.ms == 0 && st.pages == 0,
			 "zero step\n");
	ksft_test_result(vbp_parse_line("1 2 3", &st) == -EINVAL, "extra field\n");
	ksft_test_result(vbp_parse_line("-1 5", &st) == -EINVAL, "negative time\n");
	ksft_test_result(vbp_parse_line("x 5", &st) == -EINVAL, "bad time\n");
	ksft_test_result(vbp_parse_line("1", &st) == -EINVAL, "missing target\n");
	ksft_test_result(vbp_percentile(v, 10, 50) == 5 && vbp_percentile(v, 10, 99) == 10,
			 "p50 and p99 of 1..10\n");
	ksft_test_result(vbp_percentile(v, 10, 90) == 9 && vbp_percentile(v, 10, 0) == 1,
			 "p90 and p0\n");
	ksft_test_result(vbp_percentile(one, 1, 99) == 42 && vbp_percentile(one, 0, 50) == 0,
			 "one value, and none\n");
	ksft_finished();
}
