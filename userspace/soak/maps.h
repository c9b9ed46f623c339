/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mappings of one device file and the shadow copy of its contents,
 * shared by the samepage and dax workers: both devices are files whose
 * bytes every mapping of the same offset must show.
 */
#ifndef _VMLAB_SOAK_MAPS_H
#define _VMLAB_SOAK_MAPS_H

#include "soak.h"

#define MAX_MAPS	12
#define MAX_MAP_PAGES	16
#define MAX_MAP_PAGES_MIN MAX_MAP_PAGES

struct map {
	unsigned char *addr;
	unsigned long pgoff, npages;
	int prot;
	bool dontfork;
};

/* Operation kinds of one device, so that stats say which device. */
struct dev_ops {
	enum op mmap, munmap, mremap, mprotect, madvise, fork, store, verify;
};

struct dev {
	const char *name;
	int fd;
	unsigned long pages;		/* shadowed pages, from offset 0 */
	unsigned char *shadow;		/* what every byte must read as */
	bool can_grow;			/* mremap() may grow a mapping */
	const struct dev_ops *ops;
	struct map maps[MAX_MAPS];
	int nmaps;
	/* Called for each page stored into through a mapping (dax: dirty). */
	void (*stored)(struct dev *d, unsigned long pgoff);
};

void dev_unmap_all(struct dev *d);
void dev_mmap(struct rng *r, struct dev *d);
void dev_munmap(struct rng *r, struct dev *d);
void dev_mremap(struct rng *r, struct dev *d);
void dev_mprotect(struct rng *r, struct dev *d);
void dev_madvise(struct rng *r, struct dev *d);
void dev_store(struct rng *r, struct dev *d);
void dev_verify_map(struct dev *d, struct map *m);
void dev_verify(struct rng *r, struct dev *d);
void dev_fork(struct rng *r, struct dev *d);
/* Fills a page with content other pages are likely to share. */
void fill_page(struct rng *r, unsigned char *p);

#endif /* _VMLAB_SOAK_MAPS_H */
