// SPDX-License-Identifier: GPL-2.0
/*
 * The samepage device and knobs: zeroed pages, offsets, limits with
 * ENOMEM, refusals with clear errnos, no unload while a region is mapped,
 * tunables that reject garbage and keep their value, read-only shared
 * mappings, and pages charged to the faulting process's memory cgroup.
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

	if (vmlab_write_path(CG_TEST "/cgroup.procs", "0", 1))
		return 1;
	m = sp_region(CG_PAGES, &fd);
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

/* A region's pages are charged to the memory cgroup of whoever faults them. */
TEST(memcg_charged)
{
	bool mounted = false;
	uint64_t before, cur[2];
	int pfd[2], status;
	char buf[256];
	pid_t pid;

	if (!sp_loaded())
		SKIP(return, "vmlab_samepage is not loaded");
	if (access(CG_ROOT "/cgroup.controllers", F_OK)) {
		if (mount("none", CG_ROOT, "cgroup2", 0, NULL))
			SKIP(return, "cannot mount cgroup v2 on %s: %s", CG_ROOT, strerror(errno));
		mounted = true;
	}
	if (vmlab_read_path(CG_ROOT "/cgroup.controllers", buf, sizeof(buf)) < 0 ||
	    !strstr(buf, "memory")) {
		if (mounted)
			umount(CG_ROOT);
		SKIP(return, "no memory controller in cgroup v2 (CONFIG_MEMCG off)");
	}
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
