// SPDX-License-Identifier: GPL-2.0
/* Host unit tests for vmlab-tlbstat's parsers and writers: TAP, then totals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "vmlab_tap.h"


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

int main(void)
{
	struct tlb_result u = {
		.scenario = "munmap", .mode = "threads", .ops = 64, .pages = 64,
		.flushes = 64, .rounds = 64, .ipis = 192, .ns = 64000000, .have_module = true,
	};
	struct tlb_result b = u;
	char buf[4096];
	FILE *f;

	check(tlb_parse_irq_row(interrupts) == 320, "TLB row summed over CPUs");
	check(tlb_parse_irq_row("TLB: 5\n") == 5, "TLB row at line start");
	check(tlb_parse_irq_row("  0: 4 IO-APIC\n") == 0, "no TLB row reads 0");
	check(tlb_parse_irq_row("") == 0, "empty interrupts");
	check(tlb_parse_pair("a 1\nipi_sent 42\nipi_sent_full 3\n", "ipi_sent", 9) == 42,
	      "pair found, prefix of another name not confused");
	check(tlb_parse_pair("ipi_sent_full 3\n", "ipi_sent", 9) == 9, "missing pair -> default");
	check(tlb_parse_top(top, 120) == 64, "top row of a pid");
	check(tlb_parse_top(top, 7) == 3, "second top row");
	check(tlb_parse_top(top, 16) == 0, "header numbers are not rows");
	check(tlb_parse_top(top, 99) == 0, "absent pid -> 0");
	check(tlb_ratio(1, 4) == 0.25, "ratio");
	check(tlb_ratio(1, 0) == -1, "ratio by zero is invalid");

	b.batched = true;
	b.ops = 1;
	b.rounds = 1;
	b.ipis = 3;
	b.ns = 640000;
	f = fmemopen(buf, sizeof(buf), "w");
	tlb_json_result(f, &u, true);
	fclose(f);
	check(strstr(buf, "\"variant\": \"per-page\"") && strstr(buf, "\"ipis\": 192") &&
	      strstr(buf, "\"pages_per_ipi\": 0.333333") && strstr(buf, "\"ns_per_page\": 1e+06"),
	      "json result fields");
	f = fmemopen(buf, sizeof(buf), "w");
	tlb_json_ratio(f, &u, &b, true);
	fclose(f);
	check(strstr(buf, "\"time_per_page\": 0.01") && strstr(buf, "\"ipis\": 0.015625") &&
	      strstr(buf, "\"rounds\": 0.015625"), "json ratios");
	u.ipis = 0;
	u.have_module = false;
	f = fmemopen(buf, sizeof(buf), "w");
	tlb_json_result(f, &u, false);
	fclose(f);
	check(buf[0] == ',' && strstr(buf, "\"pages_per_ipi\": null") &&
	      strstr(buf, "\"flushes\": null") && strstr(buf, "\"rounds\": null"),
	      "json nulls without module or IPIs");
	f = fmemopen(buf, sizeof(buf), "w");
	tlb_table_row(f, &u);
	fclose(f);
	check(strstr(buf, "munmap") && strstr(buf, "per-page") && strstr(buf, " - ") &&
	      strstr(buf, "1000.0"), "table row with dashes");
	if (tap_failed)
		printf("# last output: %s\n", buf);
	return tap_done();
}
