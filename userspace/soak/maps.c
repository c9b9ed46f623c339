// SPDX-License-Identifier: GPL-2.0
/*
 * mmap, munmap, mremap, mprotect, madvise, stores, verification and fork
 * on one device's mappings, against its shadow copy.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "maps.h"

void fill_page(struct rng *r, unsigned char *p)
{
	unsigned int kind = rng_below(r, 10);

	/* Zero pages and a few fill bytes merge; the rest are unique. */
	if (kind < 2)
		memset(p, 0, SOAK_PAGE);
	else if (kind < 6)
		memset(p, 0x10 + kind, SOAK_PAGE);
	else
		rng_fill(r, p, SOAK_PAGE);
}

static void forget(struct dev *d, int i)
{
	d->maps[i] = d->maps[--d->nmaps];
}

void dev_unmap_all(struct dev *d)
{
	while (d->nmaps) {
		munmap(d->maps[0].addr, d->maps[0].npages * SOAK_PAGE);
		forget(d, 0);
	}
}

void dev_mmap(struct rng *r, struct dev *d)
{
	static const int ok[] = { ENOMEM, EAGAIN, 0 };
	unsigned long n = 1 + rng_below(r, MAX_MAP_PAGES);
	unsigned long off;
	struct map *m;
	void *p;

	if (d->nmaps == MAX_MAPS || n > d->pages)
		return;
	off = rng_below(r, d->pages - n + 1);
	p = mmap(NULL, n * SOAK_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd,
		 off * SOAK_PAGE);
	if (p == MAP_FAILED) {
		op_fail(d->ops->mmap, errno, ok);
		return;
	}
	op_ok(d->ops->mmap);
	m = &d->maps[d->nmaps++];
	*m = (struct map){ p, off, n, PROT_READ | PROT_WRITE, false };
	dev_verify_map(d, m);
}

void dev_munmap(struct rng *r, struct dev *d)
{
	/* Unmapping one end page splits the VMA: an allocation. */
	static const int ok[] = { ENOMEM, 0 };
	int i = rng_below(r, d->nmaps);
	struct map *m = &d->maps[i];

	if (!d->nmaps)
		return;
	/* A partial unmap of the first or last page splits nothing. */
	if (m->npages > 1 && rng_chance(r, 50)) {
		bool head = rng_chance(r, 50);

		if (munmap(head ? m->addr : m->addr + (m->npages - 1) * SOAK_PAGE,
			   SOAK_PAGE)) {
			op_fail(d->ops->munmap, errno, ok);
			return;
		}
		if (head) {
			m->addr += SOAK_PAGE;
			m->pgoff++;
		}
		m->npages--;
	} else {
		if (munmap(m->addr, m->npages * SOAK_PAGE)) {
			op_fail(d->ops->munmap, errno, ok);
			return;
		}
		forget(d, i);
	}
	op_ok(d->ops->munmap);
}

void dev_mremap(struct rng *r, struct dev *d)
{
	static const int ok[] = { ENOMEM, EAGAIN, 0 };
	static const int grow_ok[] = { EFAULT, ENOMEM, EAGAIN, 0 };
	struct map *m = &d->maps[rng_below(r, d->nmaps)];
	unsigned long n = 1 + rng_below(r, MAX_MAP_PAGES);
	bool grow = n > m->npages;
	void *p, *to = NULL;
	int flags = MREMAP_MAYMOVE;

	if (!d->nmaps || (grow && m->pgoff + n > d->pages))
		return;
	if (rng_chance(r, 50)) {
		/* Move: to a fresh spot that we reserve first. */
		to = mmap(NULL, n * SOAK_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (to == MAP_FAILED)
			return;
		flags |= MREMAP_FIXED;
	}
	p = flags & MREMAP_FIXED ?
		mremap(m->addr, m->npages * SOAK_PAGE, n * SOAK_PAGE, flags, to) :
		mremap(m->addr, m->npages * SOAK_PAGE, n * SOAK_PAGE, flags);
	if (p == MAP_FAILED) {
		int err = errno;

		if (to)
			munmap(to, n * SOAK_PAGE);
		op_fail(d->ops->mremap, err, grow && !d->can_grow ? grow_ok : ok);
		return;
	}
	if (grow && !d->can_grow)
		soak_fail("%s: mremap grew a mapping that must not grow", d->name);
	op_ok(d->ops->mremap);
	m->addr = p;
	m->npages = n;
	dev_verify_map(d, m);
}

void dev_mprotect(struct rng *r, struct dev *d)
{
	static const int ok[] = { ENOMEM, 0 };
	struct map *m = &d->maps[rng_below(r, d->nmaps)];
	int prot = rng_chance(r, 50) ? PROT_READ : PROT_READ | PROT_WRITE;

	if (!d->nmaps)
		return;
	if (mprotect(m->addr, m->npages * SOAK_PAGE, prot)) {
		op_fail(d->ops->mprotect, errno, ok);
		return;
	}
	op_ok(d->ops->mprotect);
	m->prot = prot;
}

void dev_madvise(struct rng *r, struct dev *d)
{
	static const int advice[] = {
		MADV_DONTNEED, MADV_WILLNEED, MADV_RANDOM, MADV_SEQUENTIAL,
		MADV_NORMAL, MADV_COLD, MADV_PAGEOUT, MADV_HUGEPAGE,
		MADV_NOHUGEPAGE, MADV_DONTFORK, MADV_DOFORK, MADV_REMOVE,
	};
	/* REMOVE needs fallocate; HUGEPAGE a THP-capable VMA. */
	static const int ok[] = { EINVAL, EOPNOTSUPP, ENODEV, ENOMEM, EAGAIN, EACCES, 0 };
	struct map *m = &d->maps[rng_below(r, d->nmaps)];
	int a = advice[rng_below(r, ARRAY_SIZE(advice))];

	if (!d->nmaps)
		return;
	if (madvise(m->addr, m->npages * SOAK_PAGE, a)) {
		op_fail(d->ops->madvise, errno, ok);
		return;
	}
	op_ok(d->ops->madvise);
	if (a == MADV_DONTFORK)
		m->dontfork = true;
	else if (a == MADV_DOFORK)
		m->dontfork = false;
	/* Shared mappings keep their contents over DONTNEED and PAGEOUT. */
	dev_verify_map(d, m);
}

struct copy {
	unsigned char *dst;
	const unsigned char *src;
	size_t len;
	uint64_t lost;
};

static void do_store(void *arg)
{
	struct copy *c = arg;

	memcpy(c->dst, c->src, c->len);
}

static void do_check(void *arg)
{
	struct copy *c = arg;

	c->lost = compare_bytes(c->dst, c->src, c->len);
}

static struct map *writable_map(struct rng *r, struct dev *d)
{
	int i, start = rng_below(r, d->nmaps);

	for (i = 0; i < d->nmaps; i++) {
		struct map *m = &d->maps[(start + i) % d->nmaps];

		if (m->prot & PROT_WRITE)
			return m;
	}
	return NULL;
}

/* Stores page by page, so that a failure leaves the shadow exact. */
static bool store_pages(struct rng *r, struct dev *d, struct map *m,
			unsigned long first, unsigned long n)
{
	unsigned char page[SOAK_PAGE];
	unsigned long i;

	for (i = first; i < first + n; i++) {
		struct copy c = { m->addr + i * SOAK_PAGE, page, SOAK_PAGE, 0 };

		fill_page(r, page);
		if (!guarded(do_store, &c)) {
			soak_fail("%s: signal storing to page %lu", d->name, m->pgoff + i);
			return false;
		}
		memcpy(d->shadow + (m->pgoff + i) * SOAK_PAGE, page, SOAK_PAGE);
		if (d->stored)
			d->stored(d, m->pgoff + i);
	}
	return true;
}

void dev_store(struct rng *r, struct dev *d)
{
	struct map *m = d->nmaps ? writable_map(r, d) : NULL;
	unsigned long first, n;

	if (!m)
		return;
	first = rng_below(r, m->npages);
	n = 1 + rng_below(r, m->npages - first);
	if (store_pages(r, d, m, first, n))
		op_ok(d->ops->store);
}

void dev_verify_map(struct dev *d, struct map *m)
{
	struct copy c = { m->addr, d->shadow + m->pgoff * SOAK_PAGE,
			  m->npages * SOAK_PAGE, 0 };

	if (!guarded(do_check, &c)) {
		soak_fail("%s: signal reading pages %lu-%lu", d->name, m->pgoff,
			  m->pgoff + m->npages - 1);
		return;
	}
	op_ok(d->ops->verify);
	note_verified(c.len, c.lost);
	if (c.lost)
		soak_fail("%s: %llu bytes differ in pages %lu-%lu", d->name,
			  (unsigned long long)c.lost, m->pgoff, m->pgoff + m->npages - 1);
}

void dev_verify(struct rng *r, struct dev *d)
{
	if (d->nmaps)
		dev_verify_map(d, &d->maps[rng_below(r, d->nmaps)]);
}

/*
 * fork(): the child checks a mapping it inherited and stores into one
 * page; the parent takes the store into the shadow when the child says it
 * made it.  The child draws from a copy of the parent's generator, so the
 * parent knows the bytes without being told.
 */
void dev_fork(struct rng *r, struct dev *d)
{
	static const int ok[] = { ENOMEM, EAGAIN, 0 };
	struct rng child_rng;
	struct map *m = d->nmaps ? writable_map(r, d) : NULL;
	unsigned long pg;
	int status;
	pid_t pid;

	if (!m || m->dontfork)
		return;
	pg = rng_below(r, m->npages);
	child_rng = *r;
	rng_next(r);
	pid = fork();
	if (pid < 0) {
		op_fail(d->ops->fork, errno, ok);
		return;
	}
	if (!pid) {
		unsigned char page[SOAK_PAGE];
		struct copy c = { m->addr + pg * SOAK_PAGE, page, SOAK_PAGE, 0 };

		dev_verify_map(d, m);
		fill_page(&child_rng, page);
		_exit(guarded(do_store, &c) ? 0 : 3);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	op_ok(d->ops->fork);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		unsigned char *s = d->shadow + (m->pgoff + pg) * SOAK_PAGE;

		fill_page(&child_rng, s);
		if (d->stored)
			d->stored(d, m->pgoff + pg);
		return;
	}
	__atomic_add_fetch(&st->child_failures, 1, __ATOMIC_RELAXED);
	soak_fail("%s: fork child failed, status 0x%x", d->name, status);
	/* What the child stored, if anything, is now unknown: resynchronise. */
	{
		struct copy c = { d->shadow + (m->pgoff + pg) * SOAK_PAGE,
				  m->addr + pg * SOAK_PAGE, SOAK_PAGE, 0 };

		guarded(do_store, &c);
	}
}
