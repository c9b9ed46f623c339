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

/* A count only the module provides: null when it was not loaded. */
static void json_count(struct json *j, const char *name, bool valid, uint64_t v)
{
	json_key(j, name);
	if (valid)
		json_u64(j, v);
	else
		json_null(j);
}

/* A ratio, null when its divisor was 0 (tlb_ratio's -1). */
static void json_ratio(struct json *j, const char *name, double v)
{
	json_key(j, name);
	if (v < 0)
		json_null(j);
	else
		json_double(j, v);
}

void tlb_json_result(struct json *j, const struct tlb_result *r)
{
	json_begin_object(j);
	json_key(j, "scenario");
	json_string(j, r->scenario);
	json_key(j, "mode");
	json_string(j, r->mode);
	json_key(j, "variant");
	json_string(j, variant(r));
	json_key(j, "ops");
	json_u64(j, r->ops);
	json_key(j, "pages");
	json_u64(j, r->pages);
	json_count(j, "flushes", r->have_module, r->flushes);
	json_count(j, "rounds", r->have_module, r->rounds);
	json_key(j, "ipis");
	json_u64(j, r->ipis);
	json_ratio(j, "pages_per_ipi", tlb_ratio(r->pages, r->ipis));
	json_ratio(j, "ns_per_op", tlb_ratio(r->ns, r->ops));
	json_ratio(j, "ns_per_page", tlb_ratio(r->ns, r->pages));
	json_end_object(j);
}

void tlb_json_ratio(struct json *j, const struct tlb_result *u, const struct tlb_result *b)
{
	json_begin_object(j);
	json_key(j, "scenario");
	json_string(j, u->scenario);
	json_key(j, "mode");
	json_string(j, u->mode);
	json_ratio(j, "time_per_page",
		   tlb_ratio(tlb_ratio(b->ns, b->pages), tlb_ratio(u->ns, u->pages)));
	json_ratio(j, "ipis", tlb_ratio(b->ipis, u->ipis));
	json_ratio(j, "rounds", b->have_module ? tlb_ratio(b->rounds, u->rounds) : -1);
	json_end_object(j);
}
