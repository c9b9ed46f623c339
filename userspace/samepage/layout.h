/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The samepage workload's content layout: which page holds what, and how
 * many pages a merging scanner must end up sharing.  Pure logic, tested on
 * the host by test_layout.
 */
#ifndef _SAMEPAGE_LAYOUT_H
#define _SAMEPAGE_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LAYOUT_PAGE 4096UL

enum page_kind { PAGE_DUP, PAGE_ZERO, PAGE_VOLATILE, PAGE_UNIQUE };

struct layout {
	unsigned long pages;	/* in all processes together */
	unsigned int procs;
	unsigned int group;	/* pages per group of identical pages */
	double dup, zero, vol;	/* fractions of @pages */
	/* derived by layout_init() */
	unsigned long dup_pages, groups, zero_pages, vol_pages;
};

struct expect {
	uint64_t shared, sharing, zero, unshared_min;
};

/* 0, or -1 with a message in @err when the parameters make no sense. */
int layout_init(struct layout *l, char *err, size_t errlen);
enum page_kind layout_kind(const struct layout *l, unsigned long i);
uint64_t layout_seed(const struct layout *l, unsigned long i);
/* First page and number of pages of process @p. */
void layout_share(const struct layout *l, unsigned int p, unsigned long *first,
		  unsigned long *n);
void layout_expect(const struct layout *l, bool use_zero_pages,
		   unsigned int max_sharing, struct expect *e);
void layout_fill(uint8_t *page, const struct layout *l, unsigned long i);
/* Index of the first wrong 64-bit word, or -1. */
long layout_check(const uint8_t *page, const struct layout *l, unsigned long i);

#endif /* _SAMEPAGE_LAYOUT_H */
