// SPDX-License-Identifier: GPL-2.0
/*
 * The samepage device and knobs: zeroed pages, offsets, limits with
 * ENOMEM, refusals with clear errnos, no unload while a region is mapped,
 * tunables that reject garbage and keep their value, read-only shared
 * mappings, pages charged to the faulting process's memory cgroup, and
 * a process past its cgroup's memory.max OOM-killed there alone.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "samepage_test.h"

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	if (!sp_loaded())
		SKIP(return, "vmlab_samepage is not loaded");
	ASSERT_EQ(0, sp_test_defaults());
	self->fd = open(VMLAB_SAMEPAGE_DEV, O_RDWR);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(dev)
{
	sp_test_defaults();
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(dev, node_is_root_only)
{
	struct stat st;

	ASSERT_EQ(0, stat(VMLAB_SAMEPAGE_DEV, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600U, st.st_mode & 0777);
}

TEST_F(dev, first_touch_is_zero)
{
	uint8_t *m = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	size_t i;

	ASSERT_NE(MAP_FAILED, m);
	for (i = 0; i < 8 * PG; i++)
		if (m[i])
			break;
	EXPECT_EQ(8 * PG, i);
	munmap(m, 8 * PG);
}

/*
 * Slots come in chunks of 84 (2 KiB), made on the first touch of one of
 * their offsets and freed with the region: metadata_bytes counts them
 * exactly, and a mapping alone costs nothing.
 */
TEST_F(dev, metadata_counts_slot_chunks)
{
	uint64_t base = sp_stat("metadata_bytes");
	uint8_t *m = mmap(NULL, 200 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	volatile uint8_t sink;

	ASSERT_NE(MAP_FAILED, m);
	EXPECT_EQ(base, sp_stat("metadata_bytes"));
	m[0] = 1;
	EXPECT_EQ(base + 2048, sp_stat("metadata_bytes"));
	m[83 * PG] = 1;
	EXPECT_EQ(base + 2048, sp_stat("metadata_bytes"));
	sink = m[84 * PG];	/* a read fault makes its slot too */
	EXPECT_EQ(base + 2 * 2048, sp_stat("metadata_bytes"));
	m[199 * PG] = 1;
	EXPECT_EQ(base + 3 * 2048, sp_stat("metadata_bytes"));
	EXPECT_EQ(0, sink);
	EXPECT_EQ(0, munmap(m, 200 * PG));
	EXPECT_EQ(0, close(self->fd));
	self->fd = -1;
	EXPECT_EQ(base, sp_stat("metadata_bytes"));
}

/* Two mappings at different offsets of one region see the same pages. */
TEST_F(dev, offsets_alias)
{
	uint8_t *all = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	uint8_t *part = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 4 * PG);
	struct vmlab_samepage_info info;

	ASSERT_NE(MAP_FAILED, all);
	ASSERT_NE(MAP_FAILED, part);
	sp_fill(part + PG, 42);
	EXPECT_EQ(-1, sp_check(all + 5 * PG, 42));
	ASSERT_EQ(0, sp_info(self->fd, &info));
	EXPECT_EQ(8U, info.reserved_pages);
	EXPECT_EQ(1U, info.resident_pages);
	munmap(part, 2 * PG);
	munmap(all, 8 * PG);
}

TEST_F(dev, map_private_is_einval)
{
	void *m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, self->fd, 0);

	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(dev, region_limit_is_enomem)
{
	void *m;

	ASSERT_EQ(0, sp_set("max_region_pages", 16));
	m = mmap(NULL, 17 * PG, PROT_READ, MAP_SHARED, self->fd, 0);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(ENOMEM, errno);
	m = mmap(NULL, PG, PROT_READ, MAP_SHARED, self->fd, 16 * PG);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(ENOMEM, errno);
	m = mmap(NULL, 16 * PG, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, m);
	munmap(m, 16 * PG);
}

TEST_F(dev, global_limit_is_enomem)
{
	int fd2 = open(VMLAB_SAMEPAGE_DEV, O_RDWR);
	void *a, *b;

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, sp_set("max_pages", 32));
	a = mmap(NULL, 24 * PG, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, a);
	b = mmap(NULL, 16 * PG, PROT_READ, MAP_SHARED, fd2, 0);
	EXPECT_EQ(MAP_FAILED, b);
	EXPECT_EQ(ENOMEM, errno);
	b = mmap(NULL, 8 * PG, PROT_READ, MAP_SHARED, fd2, 0);
	ASSERT_NE(MAP_FAILED, b);
	/* A mapping inside what is reserved costs nothing more. */
	munmap(a, 24 * PG);
	a = mmap(NULL, 24 * PG, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, a);
	munmap(a, 24 * PG);
	munmap(b, 8 * PG);
	/* Closing gives the reservation back. */
	close(fd2);
	fd2 = open(VMLAB_SAMEPAGE_DEV, O_RDWR);
	ASSERT_LE(0, fd2);
	b = mmap(NULL, 8 * PG, PROT_READ, MAP_SHARED, fd2, 0);
	ASSERT_NE(MAP_FAILED, b);
	munmap(b, 8 * PG);
	close(fd2);
}

TEST_F(dev, mremap_cannot_grow)
{
	void *m = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, self->fd, 0), *n;

	ASSERT_NE(MAP_FAILED, m);
	n = mremap(m, 2 * PG, 4 * PG, MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, n);
	EXPECT_EQ(EFAULT, errno);
	munmap(m, 2 * PG);
}

TEST_F(dev, bad_ioctl_is_enotty)
{
	EXPECT_EQ(-1, ioctl(self->fd, _IO(VMLAB_SAMEPAGE_IOC_MAGIC, 99), 0));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, VMLAB_SAMEPAGE_IOC_INFO, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

/* A mapping holds the file and the file holds the module. */
TEST_F(dev, no_unload_while_mapped)
{
	void *m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);

	ASSERT_NE(MAP_FAILED, m);
	close(self->fd);
	self->fd = -1;
	*(volatile char *)m = 1;
	EXPECT_EQ(-1, syscall(SYS_delete_module, "vmlab_samepage", O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	EXPECT_TRUE(sp_loaded());
	EXPECT_EQ(1, *(volatile char *)m);
	munmap(m, PG);
}

struct knob {
	const char *name;
	const char *too_big;
	const char *too_small;
};

static const struct knob knobs[] = {
	{ "run", "3", NULL },
	{ "pages_to_scan", "1048577", "0" },
	{ "sleep_millisecs", "60001", NULL },
	{ "max_page_sharing", "1048577", "1" },
	{ "use_zero_pages", "2", NULL },
	{ "stable_scans", "9", NULL },
	{ "max_region_pages", "16777217", "0" },
	{ "max_pages", "67108865", "0" },
	{ "merge_across_owners", "2", NULL },
};

TEST_F(dev, tunables_reject_garbage)
{
	static const char * const garbage[] = {
		"", "\n", "abc\n", "-1\n", "1x\n", "1 2\n", "0x\n",
	};
	size_t k, g;

	for (k = 0; k < ARRAY_SIZE(knobs); k++) {
		uint64_t before = sp_get(knobs[k].name);

		ASSERT_NE(~0ULL, before);
		for (g = 0; g < ARRAY_SIZE(garbage); g++)
			EXPECT_EQ(-EINVAL, vmlab_write(SP, knobs[k].name, garbage[g])) {
				TH_LOG("%s <- garbage #%zu", knobs[k].name, g);
			}
		EXPECT_EQ(-ERANGE, vmlab_write(SP, knobs[k].name, knobs[k].too_big));
		if (knobs[k].too_small)
			EXPECT_EQ(-ERANGE, vmlab_write(SP, knobs[k].name, knobs[k].too_small));
		EXPECT_EQ(before, sp_get(knobs[k].name));
	}
}

TEST_F(dev, defaults_as_documented)
{
	/* The fixture changed some; these it leaves at their load-time value. */
	EXPECT_EQ(256U, sp_get("max_page_sharing"));
	EXPECT_EQ(0U, sp_get("use_zero_pages"));
	EXPECT_EQ(0U, sp_get("stable_scans"));
	EXPECT_EQ(0U, sp_get("merge_across_owners"));
	EXPECT_EQ(0, vmlab_stat(SP, "stats", "pages_shared", &(uint64_t){ 0 }));
	EXPECT_EQ(0, vmlab_stat(SP, "stats", "hash_collisions", &(uint64_t){ 0 }));
}

/*
 * A read-only open maps PROT_READ|MAP_SHARED (do_mmap() clears VM_SHARED
 * for it, so the module must look at VM_MAYSHARE), reads zeros, and can
 * never be made writable.
 */
TEST_F(dev, read_only_map_shared)
{
	int fd = open(VMLAB_SAMEPAGE_DEV, O_RDONLY);
	struct vmlab_samepage_info info;
	uint8_t *m;
	size_t i;

	ASSERT_LE(0, fd);
	m = mmap(NULL, 4 * PG, PROT_READ, MAP_SHARED, fd, 0);
	EXPECT_EQ(0, m == MAP_FAILED ? errno : 0);
	ASSERT_NE(MAP_FAILED, m);
	for (i = 0; i < 4 * PG; i++)
		if (m[i])
			break;
	EXPECT_EQ(4 * PG, i);
	ASSERT_EQ(0, sp_info(fd, &info));
	EXPECT_EQ(4U, info.reserved_pages);
	EXPECT_EQ(4U, info.resident_pages);
	EXPECT_EQ(-1, mprotect(m, 4 * PG, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(0, munmap(m, 4 * PG));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	EXPECT_EQ(EACCES, errno);
	/* MAP_PRIVATE stays refused on a read-only open too. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

#define CG_ROOT "/sys/fs/cgroup"
#define CG_TEST CG_ROOT "/vmlab_samepage_test"
#define CG_PAGES 2048UL

static int cg_read_u64(const char *path, uint64_t *v)
{
	char buf[64];

	if (vmlab_read_path(path, buf, sizeof(buf)) <= 0)
		return -1;
	*v = strtoull(buf, NULL, 10);
	return 0;
}

/* In cgroup @cg from now on, a region of @pages pages; NULL on failure. */
static uint8_t *cg_region(const char *cg, size_t pages, int *fd)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	if (vmlab_write_path(path, "0", 1))
		return NULL;
	return sp_region(pages, fd);
}

/*
 * In the child cgroup: fault in CG_PAGES pages of a region (reads are
 * enough, they allocate), report memory.current, close the region, report
 * it again.  Exit status 0 when all of it worked.
 */
static int cg_child(int out)
{
	uint64_t cur[2];
	volatile uint8_t sink = 0;
	uint8_t *m;
	size_t p;
	int fd;

	m = cg_region(CG_TEST, CG_PAGES, &fd);
	if (!m)
		return 2;
	for (p = 0; p < CG_PAGES; p++)
		sink |= m[p * PG];
	if (sink)
		return 3;
	if (cg_read_u64(CG_TEST "/memory.current", &cur[0]))
		return 4;
	munmap(m, CG_PAGES * PG);
	close(fd);
	if (cg_read_u64(CG_TEST "/memory.current", &cur[1]))
		return 5;
	return write(out, cur, sizeof(cur)) == sizeof(cur) ? 0 : 6;
}

/*
 * The module, and cgroup v2 with the memory controller, mounted on CG_ROOT
 * here if need be (then *@mounted, for the caller to unmount).  NULL, or
 * why a memcg test cannot run.
 */
static const char *cg_memory(bool *mounted)
{
	static char why[128];
	char buf[256];

	*mounted = false;
	if (!sp_loaded())
		return "vmlab_samepage is not loaded";
	if (access(CG_ROOT "/cgroup.controllers", F_OK)) {
		if (mount("none", CG_ROOT, "cgroup2", 0, NULL)) {
			snprintf(why, sizeof(why), "cannot mount cgroup v2 on %s: %s",
				 CG_ROOT, strerror(errno));
			return why;
		}
		*mounted = true;
	}
	if (vmlab_read_path(CG_ROOT "/cgroup.controllers", buf, sizeof(buf)) < 0 ||
	    !strstr(buf, "memory")) {
		if (*mounted)
			umount(CG_ROOT);
		*mounted = false;
		return "no memory controller in cgroup v2 (CONFIG_MEMCG off)";
	}
	return NULL;
}

/* A region's pages are charged to the memory cgroup of whoever faults them. */
TEST(memcg_charged)
{
	uint64_t before, cur[2];
	int pfd[2], status;
	const char *why;
	bool mounted;
	pid_t pid;

	why = cg_memory(&mounted);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, vmlab_write_path(CG_ROOT "/cgroup.subtree_control", "+memory", 7));
	rmdir(CG_TEST);
	ASSERT_EQ(0, mkdir(CG_TEST, 0755));
	ASSERT_EQ(0, cg_read_u64(CG_TEST "/memory.current", &before));
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(cg_child(pfd[1]));
	close(pfd[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ((ssize_t)sizeof(cur), read(pfd[0], cur, sizeof(cur)));
	close(pfd[0]);
	EXPECT_EQ(0, rmdir(CG_TEST));
	if (mounted)
		umount(CG_ROOT);
	TH_LOG("memory.current: %llu before, %llu faulted in, %llu closed (region %lu)",
	       (unsigned long long)before, (unsigned long long)cur[0],
	       (unsigned long long)cur[1], CG_PAGES * PG);
	/* Page tables and the child's own pages only add to the charge. */
	EXPECT_LE(before + CG_PAGES * PG, cur[0]);
	/* Uncharged when freed; per-CPU charge caches keep at most a little. */
	EXPECT_GT(CG_PAGES * PG, cur[1]);
}

#define CG_OTHER CG_ROOT "/vmlab_samepage_other_test"
/* The offender's memory.max, in pages; it faults four times as many. */
#define CG_LIMIT_PAGES 2048UL

/* In the limited CG_TEST: fault far past memory.max; only a kill stops it. */
static int cg_offender(void)
{
	volatile uint8_t sink = 0;
	uint8_t *m;
	size_t p;
	int fd;

	m = cg_region(CG_TEST, 4 * CG_LIMIT_PAGES, &fd);
	if (!m)
		return 2;
	for (p = 0; p < 4 * CG_LIMIT_PAGES; p++)
		sink |= m[p * PG];
	return sink ? 4 : 3;	/* the limit did not hold */
}

/*
 * In CG_OTHER, unlimited: write CG_PAGES pages of a region, report
 * memory.current, wait for @go, then check every page and report
 * memory.current again.  Exit status 0 when all of it worked.
 */
static int cg_bystander(int out, int go)
{
	uint64_t cur[2];
	uint8_t *m;
	size_t p;
	char c;
	int fd;

	m = cg_region(CG_OTHER, CG_PAGES, &fd);
	if (!m)
		return 2;
	for (p = 0; p < CG_PAGES; p++)
		memset(m + p * PG, (int)(p & 0xff) | 1, PG);
	if (cg_read_u64(CG_OTHER "/memory.current", &cur[0]) ||
	    write(out, &cur[0], sizeof(cur[0])) != sizeof(cur[0]) || read(go, &c, 1) != 1)
		return 3;
	for (p = 0; p < CG_PAGES; p++)
		if (m[p * PG] != ((p & 0xff) | 1) || m[p * PG + PG - 1] != ((p & 0xff) | 1))
			return 4;
	if (cg_read_u64(CG_OTHER "/memory.current", &cur[1]))
		return 5;
	return write(out, &cur[1], sizeof(cur[1])) == sizeof(cur[1]) ? 0 : 6;
}

/* "oom_kill N" from a cgroup's memory.events, or UINT64_MAX. */
static uint64_t cg_oom_kills(const char *cg)
{
	char path[256], buf[512], *p;

	snprintf(path, sizeof(path), "%s/memory.events", cg);
	if (vmlab_read_path(path, buf, sizeof(buf)) <= 0)
		return UINT64_MAX;
	p = strstr(buf, "oom_kill ");
	return p ? strtoull(p + 9, NULL, 10) : UINT64_MAX;
}

/*
 * The memcg rules for a region's pages are those of any charged memory:
 * a process that faults past its cgroup's memory.max (the pages are not
 * reclaimable, so reclaim cannot help) is OOM-killed inside its cgroup,
 * and its region's pages are uncharged as it dies; a process in another
 * cgroup keeps its pages, their contents and its charge.  The kill's
 * report in the kernel log is expected (vmtest accepts a memcg OOM kill
 * in a cgroup named /vmlab_*test, and only that).
 */
TEST(memcg_limit_kills_only_the_offender)
{
	int opfd[2], gopfd[2], status, bstatus;
	uint64_t other[2], after;
	const char *why;
	pid_t off, by;
	char buf[256];
	bool mounted;

	why = cg_memory(&mounted);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, vmlab_write_path(CG_ROOT "/cgroup.subtree_control", "+memory", 7));
	rmdir(CG_TEST);
	rmdir(CG_OTHER);
	ASSERT_EQ(0, mkdir(CG_TEST, 0755));
	ASSERT_EQ(0, mkdir(CG_OTHER, 0755));
	snprintf(buf, sizeof(buf), "%lu", CG_LIMIT_PAGES * PG);
	ASSERT_EQ(0, vmlab_write_path(CG_TEST "/memory.max", buf, strlen(buf)));
	ASSERT_EQ(0, pipe(opfd));
	ASSERT_EQ(0, pipe(gopfd));

	by = fork();
	ASSERT_LE(0, by);
	if (!by)
		_exit(cg_bystander(opfd[1], gopfd[0]));
	ASSERT_EQ((ssize_t)sizeof(other[0]), read(opfd[0], &other[0], sizeof(other[0])));

	off = fork();
	ASSERT_LE(0, off);
	if (!off)
		_exit(cg_offender());
	ASSERT_EQ(off, waitpid(off, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
		TH_LOG("the offender %s %d", WIFSIGNALED(status) ? "died of signal" : "exited",
		       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	}
	EXPECT_EQ(1ULL, cg_oom_kills(CG_TEST));
	ASSERT_EQ(0, cg_read_u64(CG_TEST "/memory.current", &after));

	ASSERT_EQ(1, write(gopfd[1], "g", 1));
	ASSERT_EQ((ssize_t)sizeof(other[1]), read(opfd[0], &other[1], sizeof(other[1])));
	ASSERT_EQ(by, waitpid(by, &bstatus, 0));
	EXPECT_TRUE(WIFEXITED(bstatus) && WEXITSTATUS(bstatus) == 0);
	EXPECT_EQ(0ULL, cg_oom_kills(CG_OTHER));
	close(opfd[0]);
	close(opfd[1]);
	close(gopfd[0]);
	close(gopfd[1]);
	EXPECT_EQ(0, rmdir(CG_TEST));
	EXPECT_EQ(0, rmdir(CG_OTHER));
	if (mounted)
		umount(CG_ROOT);
	TH_LOG("offender's cgroup after the kill: %llu bytes (limit %lu); other: %llu, then %llu",
	       (unsigned long long)after, CG_LIMIT_PAGES * PG,
	       (unsigned long long)other[0], (unsigned long long)other[1]);
	/* Its region went with it: uncharged, but for per-CPU charge caches. */
	EXPECT_GT(CG_LIMIT_PAGES * PG / 2, after);
	/* The bystander's pages stayed charged to it, all of them. */
	EXPECT_LE(CG_PAGES * PG, other[0]);
	EXPECT_LE(CG_PAGES * PG, other[1]);
}

/* Whether some kprobe is jump-optimized, which the optimizer does only after an RCU Tasks wait. */
static bool kprobe_optimized(void)
{
	char buf[16384];

	return vmlab_read_path("/sys/kernel/debug/kprobes/list", buf, sizeof(buf)) > 0 &&
	       strstr(buf, "[OPTIMIZED]");
}

/* Register and unregister tlbstat's kretprobe a few times: 0 when done. */
static int toggle_kprobe(void)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (vmlab_write_u64("tlbstat", "enable", 1))
			return 1;
		/* The kprobe optimizer runs a few jiffies after a registration. */
		usleep(100 * 1000);
		if (vmlab_write_u64("tlbstat", "enable", 0))
			return 2;
	}
	return 0;
}

/*
 * At sleep_millisecs=0 the scanner never sleeps.  It must still pass RCU
 * Tasks quiescent states, or every synchronize_rcu_tasks() in the system
 * waits for it.  The kprobe optimizer calls one with kprobe_mutex held, so
 * on a kernel that optimizes kprobes (the debug kernel) an unregister
 * blocked until the scanner stopped: this once hung a module unload after
 * make soak.  The deadline is a hang detector, far above a grace period.
 */
TEST_F_TIMEOUT(dev, full_speed_scanner_lets_rcu_tasks_finish, 120)
{
	uint64_t enabled;
	double deadline;
	int status = 0;
	pid_t pid, done = 0;
	bool in_time;

	if (vmlab_read_u64("tlbstat", "enable", &enabled))
		SKIP(return, "vmlab_tlbstat is not loaded: nothing registers a kprobe");
	/* Only an optimized probe makes its unregister wait for RCU Tasks. */
	ASSERT_EQ(0, vmlab_write_u64("tlbstat", "enable", 1));
	usleep(300 * 1000);
	if (!kprobe_optimized()) {
		vmlab_write_u64("tlbstat", "enable", enabled);
		SKIP(return, "no optimized kprobe here: nothing waits for RCU Tasks");
	}
	ASSERT_EQ(0, sp_set("sleep_millisecs", 0));
	ASSERT_EQ(0, sp_set("run", 1));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(toggle_kprobe());
	deadline = sp_now() + 60;
	while (!done && sp_now() < deadline) {
		done = waitpid(pid, &status, WNOHANG);
		usleep(10 * 1000);
	}
	in_time = done == pid;
	/* Stopping the scanner ends a grace period it was holding up. */
	EXPECT_EQ(0, sp_set("run", 0));
	if (!done)
		done = waitpid(pid, &status, 0);
	EXPECT_EQ(0, vmlab_write_u64("tlbstat", "enable", enabled));
	ASSERT_TRUE(in_time) TH_LOG("the kprobe toggles did not finish in 60 s");
	ASSERT_EQ(pid, done);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
