/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmlab-tlbstat results: what one measured run of a scenario saw, the
 * parsers for the kernel's files it reads, and the table and JSON writers.
 * No system calls here, so the host tests cover all of it.
 */
#ifndef _TLBSTAT_REPORT_H
#define _TLBSTAT_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

/* One measured part: a scenario, in one mode, batched or not. */
struct tlb_result {
	const char *scenario;	/* munmap, mprotect, madvise, jit */
	const char *mode;	/* "threads" (mm live on every CPU) or "single" */
	bool batched;
	uint64_t ops;		/* system calls made */
	uint64_t pages;		/* pages they covered */
	uint64_t flushes;	/* flushes initiated: local + remote rounds (module) */
	uint64_t rounds;	/* remote shootdown rounds initiated (module) */
	uint64_t ipis;		/* TLB shootdown IPIs received (/proc/interrupts) */
	uint64_t ns;		/* wall time of the measured part */
	bool have_module;	/* flushes and rounds are valid */
};

/* Sum of the "TLB:" row of /proc/interrupts text; 0 when absent. */
uint64_t tlb_parse_irq_row(const char *text);
/* Value of @name in "name value" lines, or @dflt. */
uint64_t tlb_parse_pair(const char *text, const char *name, uint64_t dflt);
/* Shootdowns charged to @pid in the module's top file; 0 when not listed. */
uint64_t tlb_parse_top(const char *text, int pid);

/* Ratio a/b as a double, or -1 when b is 0 (printed as "-" or null). */
double tlb_ratio(double a, double b);

void tlb_table_header(FILE *out);
void tlb_table_row(FILE *out, const struct tlb_result *r);
/* "batched/unbatched" line for one scenario and mode. */
void tlb_table_ratio(FILE *out, const struct tlb_result *u, const struct tlb_result *b);

/* Counts exact, ratios as doubles, null for what was not measured. */
void tlb_json_result(struct json *j, const struct tlb_result *r);
void tlb_json_ratio(struct json *j, const struct tlb_result *u, const struct tlb_result *b);

#endif /* _TLBSTAT_REPORT_H */
