// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab_balloon: inflation takes exactly the pages it reports and deflation
 * gives them back; a target beyond RAM takes what it can without an OOM
 * kill; unloading returns every page; concurrent targets end at the last
 * one; compaction moves balloon pages without losing any; bad targets are
 * refused with the right errno.
 */
#include <dirent.h>
#include <pthread.h>

#include "balloon_helpers.h"

/* Page counts as they are; sizes in bytes, rounded up to whole pages. */
TEST_F(balloon, target_counts_and_sizes)
{
	long pk = page_kb();

	ASSERT_EQ(4L, pk);
	ASSERT_EQ(0, vmlab_write(M, "target_pages", "100\n"));
	ASSERT_EQ(100ULL, target());
	ASSERT_EQ(0, vmlab_write(M, "target_pages", "0x10"));
	ASSERT_EQ(16ULL, target());
	ASSERT_EQ(0, vmlab_write(M, "target_pages", "4K"));
	ASSERT_EQ(1ULL, target());
	ASSERT_EQ(0, vmlab_write(M, "target_pages", "5k\n"));
	ASSERT_EQ(2ULL, target());
	ASSERT_EQ(0, vmlab_write(M, "target_pages", "4096K"));
	ASSERT_EQ(1024ULL, target());
	ASSERT_EQ(0, vmlab_write(M, "target_pages", "1m\n"));
	ASSERT_EQ(256ULL, target());
	ASSERT_EQ(0, vmlab_write(M, "target_pages", "1M"));
	ASSERT_EQ(256ULL, target());
	ASSERT_EQ(0, wait_actual(256, 30));
	ASSERT_EQ(0, vmlab_write(M, "target_pages", "0"));
	ASSERT_EQ(0ULL, target());
	ASSERT_EQ(0, wait_actual(0, 30));
}

/*
 * A 0x number is a page count, whatever its last digit: 0xff once read as
 * 255 bytes (one page), since a trailing a-f was taken for a size suffix.
 * Decimal is base 10 even with a leading zero.
 */
TEST_F(balloon, hex_targets_are_page_counts)
{
	static const struct { const char *in; uint64_t pages; } good[] = {
		{ "0xa", 10 }, { "0XA", 10 }, { "0xfe", 254 }, { "0xFE\n", 254 },
		{ "0x10", 16 }, { "010", 10 }, { "0x0", 0 }, { "0xff", 255 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		ASSERT_EQ(0, vmlab_write(M, "target_pages", good[i].in)) {
			TH_LOG("input '%s'", good[i].in);
		}
		EXPECT_EQ(good[i].pages, target()) {
			TH_LOG("input '%s'", good[i].in);
		}
	}
	/* The balloon holds the 255 pages, not one. */
	ASSERT_EQ(0, wait_actual(255, 30));
	EXPECT_EQ(255ULL, field_of_status("target_pages"));
}

TEST_F(balloon, bad_targets_rejected)
{
	static const struct { const char *in; size_t len; int err; } bad[] = {
		{ "-1\n", 3, -EINVAL }, { "-4K", 3, -EINVAL }, { "+5", 2, -EINVAL },
		{ "abc", 3, -EINVAL }, { "1.5M", 4, -EINVAL }, { "1KB", 3, -EINVAL },
		{ "M", 1, -EINVAL }, { "", 0, -EINVAL }, { "\n", 1, -EINVAL },
		{ "12 34", 5, -EINVAL }, { "5\0", 2, -EINVAL },
		/* hex: digits only, no size suffix; one newline at most */
		{ "0x", 2, -EINVAL }, { "0x\n", 3, -EINVAL }, { "0xK", 3, -EINVAL },
		{ "0x10K", 5, -EINVAL }, { "0x+5", 4, -EINVAL }, { "0x0x5", 5, -EINVAL },
		{ "12Q", 3, -EINVAL }, { "1M5", 3, -EINVAL }, { "1a", 2, -EINVAL },
		{ " 5", 2, -EINVAL }, { "5 ", 2, -EINVAL }, { "5\n\n", 3, -EINVAL },
		{ "18446744073709551616", 20, -ERANGE },
		{ "0x10000000000000000", 19, -ERANGE },
		{ "16777216T", 9, -ERANGE },
		/* 2^52 pages is 2^64 bytes: one more than the largest target */
		{ "4503599627370496", 16, -ERANGE },
		{ "0x10000000000000", 16, -ERANGE },
		{ "99999999999999999999999999999999999", 35, -EINVAL },
	};
	char path[256];
	unsigned int i;

	vmlab_path(path, sizeof(path), M, "target_pages");
	ASSERT_EQ(0, vmlab_write(M, "target_pages", "7"));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(bad[i].err, vmlab_write_path(path, bad[i].in, bad[i].len)) {
			TH_LOG("input #%u '%s'", i, bad[i].in);
		}
		EXPECT_EQ(7ULL, target());
	}
	ASSERT_EQ(0, wait_actual(7, 30));
}

/*
 * 32 MiB in: free memory drops by exactly that many pages, give or take
 * NOISE_PAGES of unrelated allocations; out again: it comes back.  The
 * kernel's own balloon_inflate/balloon_deflate events agree exactly.
 */
TEST_F(balloon, inflate_deflate_moves_free_memory)
{
	const uint64_t n = 8192;
	uint64_t f0, f1, f2, inf0, def0;
	int64_t drop;

	inf0 = vmstat("balloon_inflate");
	def0 = vmstat("balloon_deflate");
	f0 = free_pages();
	ASSERT_EQ(0, vmlab_write_u64(M, "target_pages", n));
	ASSERT_EQ(0, wait_actual(n, 60));
	f1 = free_pages();
	drop = (int64_t)(f0 - f1);
	TH_LOG("free %llu -> %llu pages: dropped %lld for %llu inflated",
	       (unsigned long long)f0, (unsigned long long)f1, (long long)drop,
	       (unsigned long long)n);
	EXPECT_LE(llabs(drop - (int64_t)n), (long long)NOISE_PAGES);
	EXPECT_EQ(n, vmstat("balloon_inflate") - inf0);

	ASSERT_EQ(0, vmlab_write(M, "target_pages", "0"));
	ASSERT_EQ(0, wait_actual(0, 60));
	f2 = free_pages();
	TH_LOG("free after deflate %llu pages", (unsigned long long)f2);
	EXPECT_LE(llabs((int64_t)(f2 - f0)), (long long)NOISE_PAGES);
	EXPECT_EQ(n, vmstat("balloon_deflate") - def0);
}

/*
 * Helper pages for @n pages at full speed with @cpus inflating CPUs and
 * batch_pages 1024: each step takes 1024 * cpus pages, and cpus - 1
 * helpers take an equal share each, in whole 512-page blocks.
 */
static uint64_t helper_share(uint64_t n, uint64_t cpus)
{
	uint64_t want, share, helpers = 0;

	for (; n; n -= want) {
		want = n < 1024 * cpus ? n : 1024 * cpus;
		share = want / cpus / 512 * 512;
		if (cpus > 1)
			helpers += share * (cpus - 1);
	}
	return helpers;
}

/*
 * At full speed other CPUs take whole free blocks alongside the worker:
 * with inflate_cpus 1 none do, with 4 they take exactly their shares, and
 * either way the balloon takes exactly its target, once.
 */
TEST_F(balloon, helpers_share_full_speed)
{
	const uint64_t n = 16384;
	uint64_t cpus = sysconf(_SC_NPROCESSORS_ONLN), want, h0, i0, k0;
	static const char * const setting[] = { "1", "4" };
	unsigned int i;

	ASSERT_EQ(0, vmlab_write(M, "guard", "0"));
	ASSERT_EQ(0, vmlab_write(M, "batch_pages", "1024"));
	for (i = 0; i < 2; i++) {
		want = helper_share(n, i ? (cpus < 4 ? cpus : 4) : 1);
		ASSERT_EQ(0, vmlab_write(M, "inflate_cpus", setting[i]));
		h0 = stat_of("helper_inflated_pages");
		i0 = stat_of("inflated_pages");
		k0 = vmstat("balloon_inflate");
		ASSERT_EQ(0, vmlab_write_u64(M, "target_pages", n));
		ASSERT_EQ(0, wait_actual(n, 60));
		TH_LOG("inflate_cpus %s: helpers took %llu of %llu pages", setting[i],
		       (unsigned long long)(stat_of("helper_inflated_pages") - h0),
		       (unsigned long long)n);
		EXPECT_EQ(want, stat_of("helper_inflated_pages") - h0);
		EXPECT_EQ(n, stat_of("inflated_pages") - i0);
		EXPECT_EQ(n, vmstat("balloon_inflate") - k0);
		ASSERT_EQ(0, vmlab_write(M, "target_pages", "0"));
		ASSERT_EQ(0, wait_actual(0, 60));
	}
}

#define WRITERS 4
#define WRITES 100

struct writer {
	unsigned int seed;
	uint64_t last;
	int errors;
};

static void *writer_fn(void *arg)
{
	struct writer *w = arg;
	int i;

	for (i = 0; i < WRITES; i++) {
		w->last = rand_r(&w->seed) % 4096;
		if (vmlab_write_u64(M, "target_pages", w->last))
			w->errors++;
	}
	return NULL;
}

/* Racing writers: the balloon settles at the target that was written last. */
TEST_F(balloon, concurrent_targets_end_at_last)
{
	struct writer w[WRITERS];
	pthread_t t[WRITERS];
	uint64_t final;
	int i, match = 0;

	for (i = 0; i < WRITERS; i++) {
		w[i] = (struct writer){ .seed = 1234 + i };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, writer_fn, &w[i]));
	}
	for (i = 0; i < WRITERS; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
		EXPECT_EQ(0, w[i].errors);
	}
	final = target();
	for (i = 0; i < WRITERS; i++)
		match |= w[i].last == final;
	EXPECT_TRUE(match);
	ASSERT_EQ(0, wait_actual(final, 60));

	/* And a single write after the storm wins outright. */
	ASSERT_EQ(0, vmlab_write(M, "target_pages", "1000"));
	ASSERT_EQ(0, wait_actual(1000, 60));
}

/*
 * One worker step deflates 16384 pages (batch_pages 65536), but takes them
 * off the list 256 at a time: the dequeue runs with interrupts off, and
 * once held them off for the whole step.  No step finds every page
 * isolated, so none waits (deflate_stalls).
 */
TEST_F(balloon, deflate_takes_bounded_batches)
{
	const uint64_t n = 16384;
	uint64_t b0, o0, d0, s0, m0;

	ASSERT_EQ(0, vmlab_write(M, "guard", "0"));
	ASSERT_EQ(0, vmlab_write(M, "batch_pages", "65536"));
	ASSERT_EQ(0, vmlab_write_u64(M, "target_pages", n));
	ASSERT_EQ(0, wait_actual(n, 60));
	b0 = stat_of("deflate_batches");
	o0 = stat_of("deflate_ops");
	d0 = stat_of("deflated_pages");
	s0 = stat_of("deflate_stalls");
	m0 = vmstat("balloon_migrate");
	ASSERT_EQ(0, vmlab_write(M, "target_pages", "0"));
	ASSERT_EQ(0, wait_actual(0, 60));
	TH_LOG("%llu pages in %llu batches, %llu ops; %llu migrated meanwhile",
	       (unsigned long long)(stat_of("deflated_pages") - d0),
	       (unsigned long long)(stat_of("deflate_batches") - b0),
	       (unsigned long long)(stat_of("deflate_ops") - o0),
	       (unsigned long long)(vmstat("balloon_migrate") - m0));
	EXPECT_EQ(n, stat_of("deflated_pages") - d0);
	EXPECT_EQ(1ULL, stat_of("deflate_ops") - o0);
	EXPECT_EQ(n / 256, stat_of("deflate_batches") - b0);
	EXPECT_EQ(0ULL, stat_of("deflate_stalls") - s0);
}

/* rmmod with 16 MiB inflated gives back all of it. */
TEST_F(balloon, unload_returns_every_page)
{
	const uint64_t n = 4096;
	uint64_t f0, f1, def0;

	if (access(MODULE_KO, R_OK))
		SKIP(return, "%s not found", MODULE_KO);
	f0 = free_pages();
	ASSERT_EQ(0, vmlab_write_u64(M, "target_pages", n));
	ASSERT_EQ(0, wait_actual(n, 60));
	def0 = vmstat("balloon_deflate");
	ASSERT_EQ(0, system("rmmod vmlab_balloon"));
	EXPECT_EQ(n, vmstat("balloon_deflate") - def0);
	f1 = free_pages();
	TH_LOG("free %llu before inflating, %llu after unload",
	       (unsigned long long)f0, (unsigned long long)f1);
	EXPECT_LE(llabs((int64_t)(f1 - f0)), (long long)NOISE_PAGES);
	ASSERT_EQ(0, system("insmod " MODULE_KO));
	ASSERT_TRUE(vmlab_loaded(M));
	ASSERT_EQ(0ULL, actual());
}

/* The state letter of the balloon's worker thread in /proc, or 0. */
static char worker_state(void)
{
	char path[64], buf[512], *p;
	struct dirent *de;
	char state = 0;
	DIR *d = opendir("/proc");

	while (d && !state && (de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		if (vmlab_read_path(path, buf, sizeof(buf)) < 0 || strcmp(buf, "vmlab_balloon\n"))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if (vmlab_read_path(path, buf, sizeof(buf)) < 0)
			continue;
		p = strrchr(buf, ')');
		if (p && p[1] == ' ')
			state = p[2];
	}
	if (d)
		closedir(d);
	return state;
}

/*
 * Freshly loaded and given nothing to do, the worker thread waits for
 * work in its loop (S).  Since Linux 6.14 kthread_create_worker() no
 * longer starts the thread; created that way it sat unstarted in D until
 * the first target, and the hung-task detector reported it after 120 s
 * (make fuzz on debug-7.2, where nothing set a target for half an hour).
 */
TEST_F(balloon, worker_runs_from_load)
{
	char state;

	if (access(MODULE_KO, R_OK))
		SKIP(return, "%s not found", MODULE_KO);
	ASSERT_EQ(0, system("rmmod vmlab_balloon"));
	ASSERT_EQ(0, system("insmod " MODULE_KO));
	ASSERT_TRUE(vmlab_loaded(M));
	usleep(200 * 1000);
	state = worker_state();
	/* R only if something queued work in between; never D. */
	EXPECT_TRUE(state == 'S' || state == 'R') TH_LOG("worker state '%c'", state ?: '?');
}

TEST_HARNESS_MAIN
