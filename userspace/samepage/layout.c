// SPDX-License-Identifier: GPL-2.0
/*
 * Layout of the samepage workload.  Pages 0 .. dup_pages-1 are duplicates:
 * page i belongs to group i % groups, so every group is spread over all
 * processes.  Then come zero pages, volatile pages (rewritten during the
 * run) and unique pages.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "layout.h"

/*
 * Slack for fractions of page counts: 16384 * 0.5 must give 8192, not a
 * double just below it that floor() takes down to 8191.
 */
#define LAYOUT_SLACK 0.000000001

int layout_init(struct layout *l, char *err, size_t errlen)
{
	if (!l->pages || !l->procs || l->procs > l->pages) {
		snprintf(err, errlen, "need 1 <= procs <= pages");
		return -1;
	}
	if (l->group < 2) {
		snprintf(err, errlen, "a group needs at least 2 pages");
		return -1;
	}
	if (l->dup < 0 || l->zero < 0 || l->vol < 0 ||
	    l->dup + l->zero + l->vol > 1.0 + LAYOUT_SLACK) {
		snprintf(err, errlen, "fractions must be >= 0 and sum to at most 1");
		return -1;
	}
	l->dup_pages = (unsigned long)floor(l->pages * l->dup + LAYOUT_SLACK);
	l->dup_pages -= l->dup_pages % l->group;
	l->groups = l->dup_pages / l->group;
	l->zero_pages = (unsigned long)floor(l->pages * l->zero + LAYOUT_SLACK);
	l->vol_pages = (unsigned long)floor(l->pages * l->vol + LAYOUT_SLACK);
	if (l->dup_pages + l->zero_pages + l->vol_pages > l->pages) {
		snprintf(err, errlen, "layout does not fit");
		return -1;
	}
	return 0;
}

enum page_kind layout_kind(const struct layout *l, unsigned long i)
{
	if (i < l->dup_pages)
		return PAGE_DUP;
	i -= l->dup_pages;
	if (i < l->zero_pages)
		return PAGE_ZERO;
	i -= l->zero_pages;
	if (i < l->vol_pages)
		return PAGE_VOLATILE;
	return PAGE_UNIQUE;
}

/* Duplicates share their group's seed; everything else has its own. */
uint64_t layout_seed(const struct layout *l, unsigned long i)
{
	if (layout_kind(l, i) == PAGE_DUP)
		return i % l->groups;
	return (1ULL << 32) + i;
}

void layout_share(const struct layout *l, unsigned int p, unsigned long *first,
		  unsigned long *n)
{
	unsigned long base = l->pages / l->procs, extra = l->pages % l->procs;

	*first = p * base + (p < extra ? p : extra);
	*n = base + (p < extra);
}

/* Pages of one content split into merged pages of at most @max users. */
static void split(uint64_t n, unsigned int max, struct expect *e)
{
	uint64_t full = n / max, rest = n % max;

	e->shared += full + (rest >= 2);
	e->sharing += full * (max - 1) + (rest >= 2 ? rest - 1 : 0);
	e->unshared_min += rest == 1;
}

void layout_expect(const struct layout *l, bool use_zero_pages,
		   unsigned int max_sharing, struct expect *e)
{
	unsigned long g;

	memset(e, 0, sizeof(*e));
	for (g = 0; g < l->groups; g++)
		split(l->group, max_sharing, e);
	if (use_zero_pages)
		e->zero = l->zero_pages;
	else
		split(l->zero_pages, max_sharing, e);
	e->unshared_min += l->pages - l->dup_pages - l->zero_pages - l->vol_pages;
}

static uint64_t word(uint64_t seed, size_t k)
{
	return (seed + 1) * 0x9E3779B97F4A7C15ULL ^ (k * 0xBF58476D1CE4E5B9ULL);
}

void layout_fill(uint8_t *page, const struct layout *l, unsigned long i)
{
	uint64_t *w = (uint64_t *)page, seed = layout_seed(l, i);
	size_t k;

	if (layout_kind(l, i) == PAGE_ZERO) {
		memset(page, 0, LAYOUT_PAGE);
		return;
	}
	for (k = 0; k < LAYOUT_PAGE / 8; k++)
		w[k] = word(seed, k);
}

long layout_check(const uint8_t *page, const struct layout *l, unsigned long i)
{
	const uint64_t *w = (const uint64_t *)page;
	uint64_t seed = layout_seed(l, i);
	bool zero = layout_kind(l, i) == PAGE_ZERO;
	size_t k;

	for (k = 0; k < LAYOUT_PAGE / 8; k++)
		if (w[k] != (zero ? 0 : word(seed, k)))
			return k;
	return -1;
}
