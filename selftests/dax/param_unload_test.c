// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab dax: the crash_inject module parameter against module load and
 * unload.  Its sysfs file outlives ->exit() and exists before ->init()
 * returns, and a write to it pins nothing, so writes racing rmmod/insmod
 * must neither touch a torn-down device nor flip crash injection behind
 * the back of a device that is coming up.  Any splat in the kernel log
 * (KASAN on the debug kernel) fails the run.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "vmlab_test.h"
#include "vmlab/dax.h"

#define KO "/vmlab/modules/vmlab_dax.ko"
#define CRASH_PARAM "/sys/module/vmlab_dax/parameters/crash_inject"
#define WRITERS 2
#define MAX_CYCLES 12
/* Within the harness's per-test limit below: a cycle takes 5 s under KASAN. */
#define MAX_SECONDS 20

static uint64_t info_of(const char *name)
{
	uint64_t v = UINT64_MAX;

	vmlab_stat("dax", "info", name, &v);
	return v;
}

/* "Y" or "N" as param_get_bool prints it; -1 when unreadable. */
static int param_value(void)
{
	char buf[8];

	if (vmlab_read_path(CRASH_PARAM, buf, sizeof(buf)) < 1)
		return -1;
	return buf[0] == 'Y';
}

static int set_crash(int on)
{
	return vmlab_write_path(CRASH_PARAM, on ? "1\n" : "0\n", 2);
}

static int load(int ko, const char *params)
{
	return syscall(SYS_finit_module, ko, params, 0) ? -errno : 0;
}

static int unload(void)
{
	return syscall(SYS_delete_module, "vmlab_dax", O_NONBLOCK) ? -errno : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Writes that succeeded, per writer; shared with the parent. */
struct counts {
	uint64_t ok[WRITERS];
};

/* Toggle crash_inject as fast as possible, reopening across reloads. */
static void writer(struct counts *c, int id)
{
	int on = id & 1;

	/* Never outlive the test, even one the harness kills. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		int fd = open(CRASH_PARAM, O_WRONLY);

		if (fd < 0)
			continue;
		if (write(fd, on ? "1\n" : "0\n", 2) == 2)
			c->ok[id]++;
		close(fd);
		on = !on;
	}
}

FIXTURE(reload) {
	int ko;
};

FIXTURE_SETUP(reload)
{
	self->ko = -1;
	if (!vmlab_loaded("dax"))
		SKIP(return, "vmlab_dax is not loaded");
	self->ko = open(KO, O_RDONLY);
	if (self->ko < 0)
		SKIP(return, "%s not found", KO);
}

/* Whatever happened, leave the module loaded with its defaults. */
FIXTURE_TEARDOWN(reload)
{
	if (self->ko < 0)
		return;
	if (!vmlab_loaded("dax"))
		load(self->ko, "");
	close(self->ko);
}

/* A value given to insmod holds from the first open, and reads back. */
TEST_F_TIMEOUT(reload, insmod_argument_applies, 60)
{
	ASSERT_EQ(unload(), 0);
	ASSERT_EQ(load(self->ko, "crash_inject=1"), 0);
	ASSERT_EQ(param_value(), 1);
	ASSERT_EQ(info_of("crash_inject"), 1);
	ASSERT_EQ(info_of("dirty_pages"), 0);
	ASSERT_EQ(set_crash(0), 0);
	ASSERT_EQ(info_of("crash_inject"), 0);
	ASSERT_EQ(info_of("shadow_pages"), 0);
	ASSERT_EQ(vmlab_write_path(CRASH_PARAM, "2\n", 2), -EINVAL);
	ASSERT_EQ(vmlab_write_path(CRASH_PARAM, "x\n", 2), -EINVAL);
	ASSERT_EQ(param_value(), 0);

	ASSERT_EQ(unload(), 0);
	ASSERT_EQ(load(self->ko, "crash_inject=0"), 0);
	ASSERT_EQ(param_value(), 0);
	ASSERT_EQ(info_of("crash_inject"), 0);
}

/*
 * Writers toggle crash_inject in a tight loop while the module is unloaded
 * and loaded again: every unload and load succeeds (a parameter write pins
 * nothing), the kernel log stays clean, and afterwards the module works and
 * its parameter and its device agree.
 */
TEST_F_TIMEOUT(reload, writes_race_unload_and_load, 60)
{
	struct counts *c;
	pid_t pid[WRITERS];
	double t0 = now();
	int i, cycles = 0, fd, status;
	char buf[4096];
	uint64_t total = 0;

	c = mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(c, MAP_FAILED);
	for (i = 0; i < WRITERS; i++) {
		pid[i] = fork();
		ASSERT_GE(pid[i], 0);
		if (!pid[i]) {
			writer(c, i);
			_exit(0);
		}
	}
	while (cycles < MAX_CYCLES && now() - t0 < MAX_SECONDS) {
		ASSERT_EQ(unload(), 0);
		ASSERT_EQ(load(self->ko, ""), 0);
		cycles++;
	}
	for (i = 0; i < WRITERS; i++) {
		kill(pid[i], SIGKILL);
		ASSERT_EQ(waitpid(pid[i], &status, 0), pid[i]);
		total += c->ok[i];
	}
	TH_LOG("%d unload/load cycles in %.1f s, %llu parameter writes",
	       cycles, now() - t0, (unsigned long long)total);
	ASSERT_GT(cycles, 0);
	ASSERT_GT(total, 0);

	/* The parameter and the device agree, both ways. */
	ASSERT_EQ(param_value(), info_of("crash_inject"));
	ASSERT_EQ(set_crash(1), 0);
	ASSERT_EQ(param_value(), 1);
	ASSERT_EQ(info_of("crash_inject"), 1);
	ASSERT_EQ(info_of("dirty_pages"), 0);
	fd = open(VMLAB_DAX_DEVICE, O_RDWR);
	ASSERT_GE(fd, 0);
	memset(buf, 0x5a, sizeof(buf));
	ASSERT_EQ(pwrite(fd, buf, sizeof(buf), 0), sizeof(buf));
	ASSERT_EQ(info_of("shadow_pages"), 1);
	ASSERT_EQ(fsync(fd), 0);
	ASSERT_EQ(info_of("shadow_pages"), 0);
	close(fd);
	ASSERT_EQ(set_crash(0), 0);
	ASSERT_EQ(info_of("crash_inject"), 0);
	munmap(c, sizeof(*c));
}

TEST_HARNESS_MAIN
