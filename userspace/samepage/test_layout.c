// SPDX-License-Identifier: GPL-2.0
/* Host unit tests for the samepage workload layout: kselftest TAP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "kselftest.h"

static struct layout mk(unsigned long pages, unsigned int procs, unsigned int group,
			double dup, double zero, double vol)
{
	return (struct layout){ .pages = pages, .procs = procs, .group = group,
				.dup = dup, .zero = zero, .vol = vol };
}

int main(void)
{
	struct layout l = mk(16384, 4, 8, 0.5, 0, 0);
	static uint8_t a[LAYOUT_PAGE], b[LAYOUT_PAGE];
	unsigned long first, n, total = 0;
	struct expect e;
	char err[128];
	unsigned int p;
	int ok;

	ksft_print_header();
	ksft_set_plan(20);
	ksft_test_result(layout_init(&l, err, sizeof(err)) == 0, "issue layout accepted\n");
	ksft_test_result(l.dup_pages == 8192 && l.groups == 1024,
			 "16384 pages, half in groups of 8: 1024 groups\n");
	layout_expect(&l, false, 256, &e);
	ksft_test_result(e.shared == 1024 && e.sharing == 7168,
			 "expect 1024 shared, 7168 sharing (the KSM anchor)\n");
	ksft_test_result(e.unshared_min == 8192 && e.zero == 0,
			 "8192 unique pages stay unshared\n");

	for (p = 0, ok = 1; p < 4; p++) {
		layout_share(&l, p, &first, &n);
		ok &= first == total;
		total += n;
	}
	ksft_test_result(ok && total == 16384, "shares tile the pages\n");
	l = mk(10, 3, 2, 0, 0, 0);
	layout_init(&l, err, sizeof(err));
	layout_share(&l, 0, &first, &n);
	ksft_test_result(first == 0 && n == 4,
			 "uneven share: first process takes the extra page\n");
	layout_share(&l, 2, &first, &n);
	ksft_test_result(first == 7 && n == 3, "uneven share: last process\n");

	l = mk(100, 2, 8, 0.5, 0.1, 0.05);
	ksft_test_result(layout_init(&l, err, sizeof(err)) == 0, "mixed layout accepted\n");
	ksft_test_result(l.dup_pages == 48 && l.groups == 6,
			 "duplicates rounded down to whole groups\n");
	ksft_test_result(l.zero_pages == 10 && l.vol_pages == 5, "zero and volatile counts\n");
	layout_expect(&l, true, 256, &e);
	ksft_test_result(e.shared == 6 && e.sharing == 42 && e.zero == 10,
			 "use_zero_pages=1: zero pages counted apart\n");
	layout_expect(&l, false, 256, &e);
	ksft_test_result(e.shared == 7 && e.sharing == 51 && e.zero == 0,
			 "use_zero_pages=0: zero pages are one more group\n");
	layout_expect(&l, true, 3, &e);
	ksft_test_result(e.shared == 18 && e.sharing == 30 && e.unshared_min == 37,
			 "max_page_sharing=3 splits groups of 8 into 3+3+2\n");

	ksft_test_result(layout_kind(&l, 47) == PAGE_DUP && layout_kind(&l, 48) == PAGE_ZERO &&
			 layout_kind(&l, 58) == PAGE_VOLATILE && layout_kind(&l, 63) == PAGE_UNIQUE,
			 "kinds in order\n");
	layout_fill(a, &l, 3);
	layout_fill(b, &l, 9);
	ksft_test_result(!memcmp(a, b, sizeof(a)) && layout_check(b, &l, 3) == -1,
			 "same group, same content\n");
	layout_fill(b, &l, 4);
	ksft_test_result(memcmp(a, b, sizeof(a)) && layout_check(b, &l, 3) == 0,
			 "other group, other content\n");
	layout_fill(a, &l, 70);
	layout_fill(b, &l, 71);
	ksft_test_result(memcmp(a, b, sizeof(a)) != 0, "unique pages differ\n");
	b[4095] ^= 1;
	ksft_test_result(layout_check(b, &l, 71) == 511, "check finds the last word\n");

	l = mk(10, 1, 1, 0.5, 0, 0);
	ksft_test_result(layout_init(&l, err, sizeof(err)) == -1, "group of 1 refused\n");
	l = mk(10, 1, 2, 0.6, 0.3, 0.2);
	ksft_test_result(layout_init(&l, err, sizeof(err)) == -1, "fractions over 1 refused\n");

	ksft_finished();
}
