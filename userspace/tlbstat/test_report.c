// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for vmlab-tlbstat's parsers and writers; the JSON is
 * checked by python3's parser against the values it must hold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"
#include "kselftest.h"
#include "report.h"

static const char interrupts[] =
	"            CPU0       CPU1       CPU2       CPU3\n"
	"   0:         44          0          0          0   IO-APIC    2-edge      timer\n"
	" NMI:          0          0          0          0   Non-maskable interrupts\n"
	" TLB:         12          1        300          7   TLB shootdowns\n"
	" TRM:          0          0          0          0   Thermal event interrupts\n";

static const char top[] =
	"# size 16 evictions 0\n"
	"# pid shootdowns error pages full pages_per_shootdown_x100 comm\n"
	"120 64 0 64 0 100 vmlab tlbstat\n"
	"7 3 1 0 3 0 kswapd0\n";

/* Print @text on "# " lines; TAP parsers take them as diagnostics. */
static void show(const char *text)
{
	const char *nl;

	for (; *text; text = nl + (*nl ? 1 : 0)) {
		nl = text + strcspn(text, "\n");
		ksft_print_msg("%.*s\n", (int)(nl - text), text);
	}
}

/* One result or ratio object as JSON, parsed, must be the value @want. */
static void check_json(const struct tlb_result *u, const struct tlb_result *b,
		       const char *want, const char *what)
{
	struct json_buf buf;
	struct json j;
	const char *text;
	int ret;

	json_init(&j, json_buf_open(&buf), false);
	json_begin_array(&j);
	if (b)
		tlb_json_ratio(&j, u, b);
	else
		tlb_json_result(&j, u);
	json_end_array(&j);
	text = json_buf_close(&buf);
	show(text);
	ret = json_check(text, want);
	if (ret == JSON_CHECK_NO_PARSER)
		ksft_test_result_skip("%s: no python3\n", what);
	else
		ksft_test_result(ret == JSON_CHECK_OK, "%s\n", what);
	free((void *)text);
}

int main(void)
{
	struct tlb_result u = {
		.scenario = "munmap", .mode = "threads", .ops = 64, .pages = 64,
		.flushes = 64, .rounds = 64, .ipis = 192, .ns = 64000000, .have_module = true,
	};
	struct tlb_result b = u, big = u;
	char buf[4096];
	FILE *f;

	ksft_print_header();
	ksft_set_plan(17);
	ksft_test_result(tlb_parse_irq_row(interrupts) == 320, "TLB row summed over CPUs\n");
	ksft_test_result(tlb_parse_irq_row("TLB: 5\n") == 5, "TLB row at line start\n");
	ksft_test_result(tlb_parse_irq_row("  0: 4 IO-APIC\n") == 0, "no TLB row reads 0\n");
	ksft_test_result(tlb_parse_irq_row("") == 0, "empty interrupts\n");
	ksft_test_result(tlb_parse_pair("a 1\nipi_sent 42\nipi_sent_full 3\n", "ipi_sent", 9) == 42,
			 "pair found, prefix of another name not confused\n");
	ksft_test_result(tlb_parse_pair("ipi_sent_full 3\n", "ipi_sent", 9) == 9,
			 "missing pair -> default\n");
	ksft_test_result(tlb_parse_top(top, 120) == 64, "top row of a pid\n");
	ksft_test_result(tlb_parse_top(top, 7) == 3, "second top row\n");
	ksft_test_result(tlb_parse_top(top, 16) == 0, "header numbers are not rows\n");
	ksft_test_result(tlb_parse_top(top, 99) == 0, "absent pid -> 0\n");
	ksft_test_result(tlb_ratio(1, 4) == 0.25, "ratio\n");
	ksft_test_result(tlb_ratio(1, 0) == -1, "ratio by zero is invalid\n");

	b.batched = true;
	b.ops = 1;
	b.rounds = 1;
	b.ipis = 3;
	b.ns = 640000;
	/* Python literals, split across lines where Python allows it. */
	check_json(&u, NULL,
		   "[{'scenario': 'munmap', 'mode': 'threads', 'variant': 'per-page',\n"
		   "'ops': 64, 'pages': 64, 'flushes': 64, 'rounds': 64, 'ipis': 192,\n"
		   "'pages_per_ipi': 1 / 3, 'ns_per_op': 1e6, 'ns_per_page': 1e6}]",
		   "json result fields");
	check_json(&u, &b,
		   "[{'scenario': 'munmap', 'mode': 'threads', 'time_per_page': 0.01,\n"
		   "'ipis': 0.015625, 'rounds': 0.015625}]", "json ratios");

	/*
	 * Counts above 2^53 lose digits in a double: they must stay exact (the
	 * ratio is a double, of 2^53).
	 */
	big.flushes = UINT64_MAX;
	big.rounds = 10000001;
	big.ipis = (1ULL << 53) + 1;
	check_json(&big, NULL,
		   "[{'scenario': 'munmap', 'mode': 'threads', 'variant': 'per-page',\n"
		   "'ops': 64, 'pages': 64, 'flushes': 18446744073709551615,\n"
		   "'rounds': 10000001, 'ipis': 9007199254740993,\n"
		   "'pages_per_ipi': 64 / 2**53, 'ns_per_op': 1e6, 'ns_per_page': 1e6}]",
		   "json counts exact above 10^6 and 2^53");

	u.ipis = 0;
	u.have_module = false;
	check_json(&u, NULL,
		   "[{'scenario': 'munmap', 'mode': 'threads', 'variant': 'per-page',\n"
		   "'ops': 64, 'pages': 64, 'flushes': None, 'rounds': None, 'ipis': 0,\n"
		   "'pages_per_ipi': None, 'ns_per_op': 1e6, 'ns_per_page': 1e6}]",
		   "json nulls without module or IPIs");
	f = fmemopen(buf, sizeof(buf), "w");
	tlb_table_row(f, &u);
	fclose(f);
	ksft_test_result(strstr(buf, "munmap") && strstr(buf, "per-page") && strstr(buf, " - ") &&
			 strstr(buf, "1000.0"), "table row with dashes\n");
	ksft_finished();
}
