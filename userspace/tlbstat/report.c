// SPDX-License-Identifier: GPL-2.0
/* vmlab-tlbstat: parsing the kernel's files and printing results. */
#include <stdlib.h>
#include <string.h>

#include "report.h"

uint64_t tlb_parse_irq_row(const char *text)
{
	const char *line = text;
	uint64_t sum = 0;

	while (line && *line) {
		const char *p = line + strspn(line, " ");

		if (!strncmp(p, "TLB:", 4)) {
			char *end;

			p += 4;
			for (;;) {
				uint64_t v = strtoull(p, &end, 10);

				if (end == p || (*end != ' ' && *end != '\n' && *end))
					break;
				sum += v;
				p = end;
			}
			return sum;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return 0;
}

uint64_t tlb_parse_pair(const char *text, const char *name, uint64_t dflt)
{
	size_t len = strlen(name);
	const char *line = text;

	while (line && *line) {
		if (!strncmp(line, name, len) && line[len] == ' ')
			return strtoull(line + len + 1, NULL, 10);
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return dflt;
}

uint64_t tlb_parse_top(const char *text, int pid)
{
	const char *line = text;

	while (line && *line) {
		unsigned long long sd;
		int p;

		if (*line != '#' && sscanf(line, "%d %llu", &p, &sd) == 2 && p == pid)
			return sd;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return 0;
}

double tlb_ratio(double a, double b)
{
	return b ? a / b : -1;
}

static const char *variant(const struct tlb_result *r)
{
	return r->batched ? "batched" : "per-page";
}

void tlb_table_header(FILE *out)
{
	fprintf(out, "%-9s %-8s %-9s %6s %6s %8s %7s %7s %9s %11s %11s\n",
		"scenario", "mode", "variant", "ops", "pages", "flushes", "rounds",
		"ipis", "pages/ipi", "us/op", "us/page");
}

/* A column the module provides: "-" when it was not loaded. */
static void num_or_dash(FILE *out, int width, bool valid, uint64_t v)
{
	if (valid)
		fprintf(out, " %*llu", width, (unsigned long long)v);
	else
		fprintf(out, " %*s", width, "-");
}

void tlb_table_row(FILE *out, const struct tlb_result *r)
{
	double ppi = tlb_ratio(r->pages, r->ipis);

	fprintf(out, "%-9s %-8s %-9s %6llu %6llu", r->scenario, r->mode, variant(r),
		(unsigned long long)r->ops, (unsigned long long)r->pages);
	num_or_dash(out, 8, r->have_module, r->flushes);
	num_or_dash(out, 7, r->have_module, r->rounds);
	fprintf(out, " %7llu", (unsigned long long)r->ipis);
	if (ppi < 0)
		fprintf(out, " %9s", "-");
	else
		fprintf(out, " %9.2f", ppi);
	fprintf(out, " %11.1f %11.1f\n", tlb_ratio(r->ns, r->ops * 1000.0),
		tlb_ratio(r->ns, r->pages * 1000.0));
}

void tlb_table_ratio(FILE *out, const struct tlb_result *u, const struct tlb_result *b)
{
	double t = tlb_ratio(tlb_ratio(b->ns, b->pages), tlb_ratio(u->ns, u->pages));
	double i = tlb_ratio(b->ipis, u->ipis);

	fprintf(out, "%-9s %-8s batched/per-page: time per page x%.4f", u->scenario,
		u->mode, t);
	if (i >= 0)
		fprintf(out, ", ipis x%.4f", i);
	fprintf(out, "\n");
}

static void json_num(FILE *out, const char *name, double v, bool last)
{
	if (v < 0)
		fprintf(out, "\"%s\": null%s", name, last ? "" : ", ");
	else
		fprintf(out, "\"%s\": %.6g%s", name, v, last ? "" : ", ");
}

void tlb_json_result(FILE *out, const struct tlb_result *r, bool first)
{
	fprintf(out, "%s\n    {\"scenario\": \"%s\", \"mode\": \"%s\", \"variant\": \"%s\", ",
		first ? "" : ",", r->scenario, r->mode, variant(r));
	fprintf(out, "\"ops\": %llu, \"pages\": %llu, ", (unsigned long long)r->ops,
		(unsigned long long)r->pages);
	json_num(out, "flushes", r->have_module ? (double)r->flushes : -1, false);
	json_num(out, "rounds", r->have_module ? (double)r->rounds : -1, false);
	fprintf(out, "\"ipis\": %llu, ", (unsigned long long)r->ipis);
	json_num(out, "pages_per_ipi", tlb_ratio(r->pages, r->ipis), false);
	json_num(out, "ns_per_op", tlb_ratio(r->ns, r->ops), false);
	json_num(out, "ns_per_page", tlb_ratio(r->ns, r->pages), true);
	fprintf(out, "}");
}

void tlb_json_ratio(FILE *out, const struct tlb_result *u, const struct tlb_result *b,
		    bool first)
{
	fprintf(out, "%s\n    {\"scenario\": \"%s\", \"mode\": \"%s\", ", first ? "" : ",",
		u->scenario, u->mode);
	json_num(out, "time_per_page", tlb_ratio(tlb_ratio(b->ns, b->pages),
						 tlb_ratio(u->ns, u->pages)), false);
	json_num(out, "ipis", tlb_ratio(b->ipis, u->ipis), false);
	json_num(out, "rounds", b->have_module ? tlb_ratio(b->rounds, u->rounds) : -1, true);
	fprintf(out, "}");
}
