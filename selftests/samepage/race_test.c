// SPDX-License-Identifier: GPL-2.0
/*
 * No write lost or misplaced while the scanner merges: threads in two
 * processes hammer their own pages of two regions (random words, and
 * whole-page resets that make the pages mergeable again) while the
 * scanner runs and a third process maps, reads, unmaps and forks.  Every
 * byte is then checked against each writer's shadow copy, before and
 * after a final merge and a run=2 unmerge, and no merged page may be left.
 *
 * The two writers COW-break slots of the same merged pages in both regions
 * at once, which per-region locking lets run in parallel; the variants run
 * that, the old fully serialised faults (serialise_faults=1), and pages
 * that reset to zeros merged into use_zero_pages's zero page, which dies
 * and is replaced again and again.
 */
#include <pthread.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "samepage_test.h"

#define REGIONS 2
#define PAGES 16
#define TOTAL (REGIONS * PAGES)
#define THREADS 4
#define SECONDS 4

struct writer {
	uint8_t *map[REGIONS];
	uint8_t *shadow;	/* TOTAL pages, this process's view */
	const uint8_t *ref;
	int first;		/* owns pages with (page % 8) / THREADS... */
	int tid;
	double deadline;
	unsigned long writes, resets;
};

static uint8_t *page_of(uint8_t * const *map, int i)
{
	return map[i / PAGES] + (i % PAGES) * PG;
}

/* Thread @tid of the process owning half @first owns pages i with i % 8 == first + tid. */
static void *hammer(void *arg)
{
	struct writer *w = arg;
	unsigned int seed = 1234 + w->first * 16 + w->tid;
	int own = w->first + w->tid;

	while (sp_now() < w->deadline) {
		int i = (rand_r(&seed) % (TOTAL / 8)) * 8 + own;
		volatile uint64_t *p = (volatile uint64_t *)page_of(w->map, i);
		uint64_t *s = (uint64_t *)(w->shadow + i * PG);
		int k;

		if (rand_r(&seed) % 16 == 0) {
			for (k = 0; k < (int)(PG / 8); k++) {
				s[k] = ((const uint64_t *)w->ref)[k];
				p[k] = s[k];
			}
			w->resets++;
			continue;
		}
		k = rand_r(&seed) % (PG / 8);
		s[k] = ((uint64_t)rand_r(&seed) << 32) | rand_r(&seed);
		p[k] = s[k];
		if (p[k] != s[k])
			return (void *)1;
		w->writes++;
	}
	return NULL;
}

/* THREADS writers over pages with i % 8 in [first, first + THREADS). */
static int run_writers(uint8_t * const *map, uint8_t *shadow, const uint8_t *ref,
		       int first, double deadline, unsigned long *writes)
{
	struct writer w[THREADS];
	pthread_t t[THREADS];
	void *ret;
	int i, bad = 0;

	for (i = 0; i < THREADS; i++) {
		w[i] = (struct writer){ .shadow = shadow, .ref = ref, .first = first,
					.tid = i, .deadline = deadline };
		memcpy(w[i].map, map, sizeof(w[i].map));
		if (pthread_create(&t[i], NULL, hammer, &w[i]))
			return -1;
	}
	*writes = 0;
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], &ret);
		if (ret)
			bad = 1;
		*writes += w[i].writes + w[i].resets;
	}
	return bad ? -1 : 0;
}

/*
 * A region of its own, filled with @ref (so that the scanner merges its
 * pages into the writers' merged pages), held @usecs and closed: its slots
 * drop their uses of those merged pages while the writers COW-break them.
 */
static int come_and_go(const uint8_t *ref, useconds_t usecs)
{
	int fd, i;
	uint8_t *m = sp_region(PAGES, &fd);

	if (!m)
		return 1;
	for (i = 0; i < PAGES; i++)
		memcpy(m + i * PG, ref, PG);
	usleep(usecs);
	munmap(m, PAGES * PG);
	close(fd);
	return 0;
}

/*
 * Maps, reads, unmaps and forks until the deadline; and between rounds a
 * third region comes and goes.
 */
static int churn(const int *fd, const uint8_t *ref, double deadline)
{
	volatile uint8_t sink = 0;
	int r, i;

	while (sp_now() < deadline) {
		if (come_and_go(ref, 20000))
			return 1;
		for (r = 0; r < REGIONS; r++) {
			uint8_t *m = mmap(NULL, PAGES * PG, PROT_READ, MAP_SHARED, fd[r], 0);
			pid_t pid;

			if (m == MAP_FAILED)
				return 1;
			for (i = 0; i < PAGES; i++)
				sink += m[i * PG + (i * 64) % PG];
			pid = fork();
			if (pid < 0)
				return 1;
			if (!pid) {
				for (i = 0; i < PAGES; i++)
					sink += m[i * PG];
				_exit(0);
			}
			waitpid(pid, NULL, 0);
			munmap(m, PAGES * PG);
		}
	}
	return 0;
}

static long first_diff(uint8_t * const *map, const uint8_t *shadow, int lo, int hi)
{
	int i;

	for (i = 0; i < TOTAL; i++) {
		if (i % 8 < lo || i % 8 >= hi)
			continue;
		if (memcmp(page_of(map, i), shadow + i * PG, PG))
			return i;
	}
	return -1;
}

FIXTURE(race) {
	int fd[REGIONS];
	uint8_t *map[REGIONS];
	uint8_t ref[PG];
	uint8_t *shadow, *child_shadow;
};

FIXTURE_VARIANT(race) {
	int serialise_faults;
	int zero_pages;
};

FIXTURE_VARIANT_ADD(race, region_locks) {
	.serialise_faults = 0,
	.zero_pages = 0,
};

FIXTURE_VARIANT_ADD(race, serialised) {
	.serialise_faults = 1,
	.zero_pages = 0,
};

FIXTURE_VARIANT_ADD(race, zero_pages) {
	.serialise_faults = 0,
	.zero_pages = 1,
};

FIXTURE_SETUP(race)
{
	int r, i;

	if (!sp_loaded())
		SKIP(return, "vmlab_samepage is not loaded");
	ASSERT_EQ(0, sp_test_defaults());
	ASSERT_EQ(0, sp_set("serialise_faults", variant->serialise_faults));
	ASSERT_EQ(0, sp_set("use_zero_pages", variant->zero_pages));
	if (variant->zero_pages)
		memset(self->ref, 0, PG);
	else
		sp_fill(self->ref, 5);
	for (r = 0; r < REGIONS; r++) {
		self->map[r] = sp_region(PAGES, &self->fd[r]);
		ASSERT_NE(NULL, self->map[r]);
	}
	self->shadow = malloc(TOTAL * PG);
	self->child_shadow = mmap(NULL, TOTAL * PG, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(NULL, self->shadow);
	ASSERT_NE(MAP_FAILED, self->child_shadow);
	for (i = 0; i < TOTAL; i++) {
		memcpy(page_of(self->map, i), self->ref, PG);
		memcpy(self->shadow + i * PG, self->ref, PG);
	}
}

FIXTURE_TEARDOWN(race)
{
	int r;

	sp_test_defaults();
	for (r = 0; r < REGIONS; r++) {
		munmap(self->map[r], PAGES * PG);
		close(self->fd[r]);
	}
}

TEST_F(race, writers_during_scans)
{
	uint64_t merges0, cow0, mapped, sharing0 = sp_stat("pages_sharing");
	unsigned long writes;
	pid_t writer, churner;
	double deadline;
	int status;

	ASSERT_EQ(0, sp_scan(2));
	/* Every slot on one page: the zero page, or one merged page. */
	if (variant->zero_pages)
		mapped = sp_stat("zero_pages");
	else
		mapped = sp_stat("pages_sharing") - sharing0 + 1;
	ASSERT_EQ(TOTAL, (int)mapped);
	merges0 = sp_stat("merges");
	cow0 = sp_stat("cow_breaks");

	ASSERT_EQ(0, sp_set("sleep_millisecs", 0));
	ASSERT_EQ(0, sp_set("pages_to_scan", 16));
	ASSERT_EQ(0, sp_set("run", 1));
	deadline = sp_now() + SECONDS;

	churner = fork();
	ASSERT_LE(0, churner);
	if (!churner)
		_exit(churn(self->fd, self->ref, deadline));
	writer = fork();
	ASSERT_LE(0, writer);
	if (!writer) {
		/* The child's half, then its view of its own pages. */
		memcpy(self->child_shadow, self->shadow, TOTAL * PG);
		if (run_writers(self->map, self->child_shadow, self->ref, 4, deadline, &writes))
			_exit(1);
		_exit(first_diff(self->map, self->child_shadow, 4, 8) == -1 ? 0 : 2);
	}
	ASSERT_EQ(0, run_writers(self->map, self->shadow, self->ref, 0, deadline, &writes));
	ASSERT_EQ(writer, waitpid(writer, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		TH_LOG("writer child status %#x", status);
	}
	ASSERT_EQ(churner, waitpid(churner, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_EQ(0, sp_set("run", 0));
	TH_LOG("%lu parent writes, %" PRIu64 " merges, %" PRIu64 " cow breaks during the run",
	       writes, sp_stat("merges") - merges0, sp_stat("cow_breaks") - cow0);
	EXPECT_LE(TOTAL, (int)(sp_stat("cow_breaks") - cow0));

	/* Every byte as its writer left it, as seen from here. */
	EXPECT_EQ(-1, first_diff(self->map, self->shadow, 0, 4));
	EXPECT_EQ(-1, first_diff(self->map, self->child_shadow, 4, 8));

	/* Merge what is equal now, then unmerge: still every byte. */
	ASSERT_EQ(0, sp_set("pages_to_scan", 1000));
	ASSERT_EQ(0, sp_scan(2));
	EXPECT_EQ(-1, first_diff(self->map, self->shadow, 0, 4));
	EXPECT_EQ(-1, first_diff(self->map, self->child_shadow, 4, 8));
	ASSERT_EQ(0, sp_set("run", 2));
	EXPECT_EQ(-1, first_diff(self->map, self->shadow, 0, 4));
	EXPECT_EQ(-1, first_diff(self->map, self->child_shadow, 4, 8));

	/* run=2 frees what COW breaks left for the scanner: none is left. */
	EXPECT_EQ(0ULL, sp_stat("stable_nodes"));
	EXPECT_EQ(0ULL, sp_stat("pages_shared"));
	EXPECT_EQ(0ULL, sp_stat("pages_sharing"));
	EXPECT_EQ(0ULL, sp_stat("zero_pages"));
}

TEST_HARNESS_MAIN
