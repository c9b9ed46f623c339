// SPDX-License-Identifier: GPL-2.0
/*
 * The samepage worker: regions of /dev/vmlab_samepage, opened, mapped,
 * written with content that merges, remapped, forked and closed, each
 * checked against its shadow.  A region's pages live as long as the
 * region (the open file), whatever happens to the mappings.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "maps.h"
#include "vmlab/samepage.h"

#define NREGIONS 2
#define SP_RUN DBG_ROOT "/samepage/run"

static const struct dev_ops sp_ops = {
	OP_SP_MMAP, OP_SP_MUNMAP, OP_SP_MREMAP, OP_SP_MPROTECT, OP_SP_MADVISE,
	OP_SP_FORK, OP_SP_STORE, OP_SP_VERIFY,
};

static struct dev regions[NREGIONS];

/* The device is absent while the module is unloaded. */
static const int open_ok[] = { ENOENT, ENODEV, ENXIO, ENOMEM, 0 };

static void region_open(struct dev *d)
{
	d->fd = open(VMLAB_SAMEPAGE_DEV, O_RDWR);
	if (d->fd < 0) {
		op_fail(OP_SP_OPEN, errno, open_ok);
		return;
	}
	op_ok(OP_SP_OPEN);
	memset(d->shadow, 0, d->pages * SOAK_PAGE);	/* zeroed on first touch */
	/* The scanner is off at load; merges are what make this worth it. */
	write_file(SP_RUN, "1", 1);
}

struct racer {
	unsigned char *dst;
	const unsigned char *src;
};

static void *race_store(void *arg)
{
	struct racer *rc = arg;

	memcpy(rc->dst, rc->src, SOAK_PAGE);
	return NULL;
}

/*
 * Two threads write one page at once, the same bytes: on a merged page
 * both fault, and the second one's reference makes the last user copy
 * (the unshare path that once orphaned merged pages).
 */
static void cow_race(struct rng *r, struct dev *d)
{
	unsigned char page[SOAK_PAGE];
	struct racer rc;
	struct map *m = NULL;
	pthread_t t;
	unsigned long pg;
	int i;

	for (i = 0; i < d->nmaps && !m; i++)
		if (d->maps[i].prot & PROT_WRITE)
			m = &d->maps[i];
	if (!m)
		return;
	pg = rng_below(r, m->npages);
	fill_page(r, page);
	rc = (struct racer){ m->addr + pg * SOAK_PAGE, page };
	if (pthread_create(&t, NULL, race_store, &rc)) {
		op_fail(OP_SP_STORE, EAGAIN, (const int[]){ EAGAIN, 0 });
		return;
	}
	race_store(&rc);
	pthread_join(t, NULL);
	memcpy(d->shadow + (m->pgoff + pg) * SOAK_PAGE, page, SOAK_PAGE);
	op_ok(OP_SP_STORE);
	dev_verify_map(d, m);
}

static void region_close(struct dev *d)
{
	dev_unmap_all(d);
	close(d->fd);
	d->fd = -1;
}

/* A read-only open maps PROT_READ and refuses PROT_WRITE (EACCES). */
static void readonly_open(void)
{
	int fd = open(VMLAB_SAMEPAGE_DEV, O_RDONLY);
	void *p;

	if (fd < 0) {
		op_fail(OP_SP_OPEN, errno, open_ok);
		return;
	}
	op_ok(OP_SP_OPEN);
	p = mmap(NULL, SOAK_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p != MAP_FAILED) {
		soak_fail("samepage: O_RDONLY region mapped PROT_WRITE");
		munmap(p, SOAK_PAGE);
	} else if (errno != EACCES) {
		op_fail(OP_SP_MMAP, errno, (const int[]){ ENOMEM, 0 });
	} else {
		op_ok(OP_SP_MMAP);
	}
	p = mmap(NULL, SOAK_PAGE, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		op_fail(OP_SP_MMAP, errno, (const int[]){ ENOMEM, 0 });
	} else {
		op_ok(OP_SP_MMAP);
		if (__atomic_load_n((unsigned char *)p, __ATOMIC_RELAXED))
			soak_fail("samepage: new region's page is not zero");
		note_verified(1, 0);
		munmap(p, SOAK_PAGE);
	}
	close(fd);
}

static void sp_info(struct rng *r, struct dev *d)
{
	struct vmlab_samepage_info si;

	if (rng_chance(r, 10)) {
		/* Unknown commands are refused. */
		if (ioctl(d->fd, _IOR(VMLAB_SAMEPAGE_IOC_MAGIC, 99, int), &si) == 0)
			soak_fail("samepage: unknown ioctl accepted");
		else
			op_fail(OP_SP_IOCTL, errno, (const int[]){ ENOTTY, 0 });
		return;
	}
	if (ioctl(d->fd, VMLAB_SAMEPAGE_IOC_INFO, &si)) {
		op_fail(OP_SP_IOCTL, errno, NULL);
		return;
	}
	op_ok(OP_SP_IOCTL);
	if (si.resident_pages > si.reserved_pages ||
	    si.merged_pages + si.zero_pages > si.resident_pages)
		soak_fail("samepage: ioctl INFO: reserved %llu resident %llu merged %llu zero %llu",
			  (unsigned long long)si.reserved_pages,
			  (unsigned long long)si.resident_pages,
			  (unsigned long long)si.merged_pages,
			  (unsigned long long)si.zero_pages);
}

void spage_worker(struct rng *r)
{
	int i;

	for (i = 0; i < NREGIONS; i++) {
		regions[i] = (struct dev){ .name = "samepage", .fd = -1,
					   .pages = opts.sp_pages, .ops = &sp_ops };
		regions[i].shadow = malloc(opts.sp_pages * SOAK_PAGE);
		if (!regions[i].shadow)
			return;
	}
	set_make_it_fail(1);
	while (!stopping()) {
		struct dev *d = &regions[rng_below(r, NREGIONS)];
		unsigned int what = rng_below(r, 100);

		if (d->fd < 0) {
			region_open(d);
			if (d->fd < 0)
				soak_sleep_ms(50);
			continue;
		}
		if (what < 12)
			dev_mmap(r, d);
		else if (what < 17)
			dev_munmap(r, d);
		else if (what < 22)
			dev_mremap(r, d);
		else if (what < 27)
			dev_mprotect(r, d);
		else if (what < 33)
			dev_madvise(r, d);
		else if (what < 36)
			dev_fork(r, d);
		else if (what < 55)
			dev_store(r, d);
		else if (what < 60)
			cow_race(r, d);
		else if (what < 92)
			dev_verify(r, d);
		else if (what < 95)
			sp_info(r, d);
		else if (what < 97)
			readonly_open();
		else
			/* Let the module go now and then, so rmmod can succeed. */
			region_close(d);
	}
	for (i = 0; i < NREGIONS; i++)
		if (regions[i].fd >= 0)
			region_close(&regions[i]);
}
