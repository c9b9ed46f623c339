// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab_balloon as a virtio-balloon front end, from inside the guest:
 * the mode status reports matches the driver's sysfs binding; while bound,
 * a local target is refused with EBUSY; unbinding a full balloon returns
 * every page and reports them on the deflate queue, binding again
 * re-inflates to the host's target in batches; the device moves to
 * virtio_balloon and back.
 *
 * Compaction moves pages of a bound balloon and tells the host of each.
 *
 * The tests that need a bound device and a host target SKIP without them:
 * selftests/balloon/vmhost_virtio.sh boots a VM with a virtio-balloon
 * device, binds it to vmlab_balloon and sets a target over QMP first.
 */
#include <dirent.h>

#include "balloon_helpers.h"

#define VIRTIO_DEVICES "/sys/bus/virtio/devices"
#define VIRTIO_DRIVERS "/sys/bus/virtio/drivers"
#define VIRTIO_ID_BALLOON 5
/* Pages per message on the inflate and deflate queues (VB_PFN_BATCH). */
#define PFN_BATCH 256
/* Inflating CPUs at most (inflate_cpus' default), each with a partial batch per step. */
#define MAX_COMMITTERS 8

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

/* The status file's value for @name, as a string; "" if absent. */
static void status_str(const char *name, char *out, size_t len)
{
	char buf[2048], *p, key[64], val[64];

	out[0] = '\0';
	if (vmlab_read(M, "status", buf, sizeof(buf)) < 0)
		return;
	snprintf(key, sizeof(key), "\n%s ", name);
	p = strstr(buf, key);
	if (p && sscanf(p + strlen(key), "%63s", val) == 1)
		snprintf(out, len, "%s", val);
}

static int mode_is(const char *want)
{
	char mode[64];

	status_str("mode", mode, sizeof(mode));
	return !strcmp(mode, want);
}

/* The balloon device's name (virtioN), or -ENODEV. */
static int balloon_device(char *name, size_t len)
{
	DIR *d = opendir(VIRTIO_DEVICES);
	struct dirent *e;
	char path[512];
	int ret = -ENODEV;
	unsigned int id;
	FILE *f;

	if (!d)
		return -ENODEV;
	while (ret && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), VIRTIO_DEVICES "/%s/device", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%x", &id) == 1 && id == VIRTIO_ID_BALLOON) {
			snprintf(name, len, "%s", e->d_name);
			ret = 0;
		}
		fclose(f);
	}
	closedir(d);
	return ret;
}

/* Is @dev bound to @driver, per sysfs? */
static int bound_to(const char *driver, const char *dev)
{
	char path[512];

	snprintf(path, sizeof(path), VIRTIO_DRIVERS "/%s/%s", driver, dev);
	return !access(path, F_OK);
}

static int driver_op(const char *driver, const char *op, const char *dev)
{
	char path[512];

	snprintf(path, sizeof(path), VIRTIO_DRIVERS "/%s/%s", driver, op);
	return write_str(path, dev);
}

/* Wait for the bound balloon to hold the host's target (status target_pages). */
static int wait_host_target(int seconds)
{
	int i;

	for (i = 0; i < seconds * 10; i++) {
		if (target() && actual() == target() && state_is("idle"))
			return 0;
		sleep_ms(100);
	}
	return -ETIMEDOUT;
}

/* Wait for the kernel's balloon_inflate event count to reach @want. */
static int wait_vmstat(const char *name, uint64_t want, int seconds)
{
	int i;

	for (i = 0; i < seconds * 10; i++) {
		if (vmstat(name) >= want)
			return 0;
		sleep_ms(100);
	}
	return -ETIMEDOUT;
}

FIXTURE(vio) {
	char dev[64];
};

FIXTURE_SETUP(vio)
{
	if (!vmlab_loaded(M))
		SKIP(return, "vmlab_balloon is not loaded");
	if (balloon_device(self->dev, sizeof(self->dev)))
		self->dev[0] = '\0';
}

FIXTURE_TEARDOWN(vio)
{
	/* Leave the device with vmlab_balloon, as the test found it. */
	if (self->dev[0] && !bound_to("vmlab_balloon", self->dev) &&
	    !bound_to("virtio_balloon", self->dev))
		driver_op("vmlab_balloon", "bind", self->dev);
}

/* Why a test that needs a bound device and a host target cannot run, or NULL. */
static const char *no_host_target(const char *dev)
{
	if (!dev[0] || !bound_to("vmlab_balloon", dev))
		return "no balloon device bound to vmlab_balloon";
	if (!target())
		return "the host set no target (QMP balloon)";
	return NULL;
}

/* status says local or virtio, and agrees with the sysfs binding. */
TEST_F(vio, status_reports_mode)
{
	char path[512], device[64];
	int bound;

	snprintf(path, sizeof(path), VIRTIO_DRIVERS "/vmlab_balloon");
	ASSERT_EQ(0, access(path, F_OK)) {
		TH_LOG("the module registered no virtio driver");
	}
	bound = self->dev[0] && bound_to("vmlab_balloon", self->dev);
	status_str("device", device, sizeof(device));
	if (bound) {
		EXPECT_TRUE(mode_is("virtio"));
		EXPECT_STREQ(self->dev, device);
	} else {
		EXPECT_TRUE(mode_is("local"));
		EXPECT_STREQ("-", device);
	}
}

/* The host owns the target while bound: a local write is refused, unchanged. */
TEST_F(vio, local_target_refused_while_bound)
{
	uint64_t t;

	if (!self->dev[0] || !bound_to("vmlab_balloon", self->dev))
		SKIP(return, "no balloon device bound to vmlab_balloon");
	t = target();
	EXPECT_EQ(-EBUSY, vmlab_write(M, "target_pages", "100"));
	EXPECT_EQ(-EBUSY, vmlab_write(M, "target_pages", "0"));
	EXPECT_EQ(t, target());
	/* Garbage is still garbage, before the device is considered. */
	EXPECT_EQ(-EINVAL, vmlab_write(M, "target_pages", "abc"));
}

/*
 * Three unbind/bind cycles with the host's target inflated: unbinding
 * returns every page (balloon_deflate rises by exactly the balloon's size,
 * free memory comes back) and reports them all on the deflate queue, at
 * most PFN_BATCH a message; binding re-inflates to the host's target and
 * reports every page on the inflate queue in batches.  Over the cycles the
 * kernel's inflate and deflate events differ by exactly what is held.
 * Its waits for the host allow 300 s: the harness's 30 s were outlived by
 * three cycles on debug-7.2 (KASAN) on a busy host.
 */
TEST_F_TIMEOUT(vio, unbind_bind_cycles_return_every_page, 600)
{
	uint64_t inf_start, def_start, host, a, f0, f1, d0, m0, m1, ops0, inf0;
	const char *why = no_host_target(self->dev);
	int i;

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, wait_host_target(300));
	host = target();
	inf_start = vmstat("balloon_inflate");
	def_start = vmstat("balloon_deflate");
	a = actual();
	for (i = 0; i < 3; i++) {
		d0 = vmstat("balloon_deflate");
		m0 = stat_of("host_deflate_msgs");
		f0 = free_pages();
		ASSERT_EQ(0, driver_op("vmlab_balloon", "unbind", self->dev));
		EXPECT_EQ(0ULL, actual());
		EXPECT_TRUE(mode_is("local"));
		EXPECT_EQ(host, vmstat("balloon_deflate") - d0);
		m1 = stat_of("host_deflate_msgs");
		EXPECT_LE((host + PFN_BATCH - 1) / PFN_BATCH, m1 - m0);
		f1 = free_pages();
		EXPECT_LE((int64_t)(host - NOISE_PAGES), (int64_t)(f1 - f0)) {
			TH_LOG("cycle %d: free %llu -> %llu for %llu pages", i,
			       (unsigned long long)f0, (unsigned long long)f1,
			       (unsigned long long)host);
		}

		inf0 = vmstat("balloon_inflate");
		m0 = stat_of("host_inflate_msgs");
		ops0 = stat_of("inflate_ops");
		ASSERT_EQ(0, driver_op("vmlab_balloon", "bind", self->dev));
		EXPECT_TRUE(mode_is("virtio"));
		ASSERT_EQ(0, wait_host_target(300));
		EXPECT_EQ(host, actual());
		EXPECT_EQ(host, vmstat("balloon_inflate") - inf0);
		m1 = stat_of("host_inflate_msgs");
		/* Every page reported, in batches: not one message a page. */
		EXPECT_LE((host + PFN_BATCH - 1) / PFN_BATCH, m1 - m0);
		EXPECT_GE(host / PFN_BATCH +
			  (stat_of("inflate_ops") - ops0) * MAX_COMMITTERS, m1 - m0);
	}
	/* Back where it started: every page that went in came out. */
	EXPECT_EQ(a, actual());
	EXPECT_EQ(vmstat("balloon_inflate") - inf_start,
		  vmstat("balloon_deflate") - def_start);
	EXPECT_EQ(0ULL, stat_of("host_errors"));
}

/*
 * The documented switch: unbind from vmlab_balloon, bind virtio_balloon,
 * which inflates to the same host target; and back.  The kernel's balloon
 * events count both drivers' pages.  The same timeout as the cycles.
 */
TEST_F_TIMEOUT(vio, switch_to_virtio_balloon_and_back, 600)
{
	const char *why = no_host_target(self->dev);
	uint64_t host, inf0, def0;
	char path[512];

	if (why)
		SKIP(return, "%s", why);
	snprintf(path, sizeof(path), VIRTIO_DRIVERS "/virtio_balloon");
	if (access(path, F_OK))
		SKIP(return, "virtio_balloon is not loaded");
	ASSERT_EQ(0, wait_host_target(300));
	host = target();

	def0 = vmstat("balloon_deflate");
	ASSERT_EQ(0, driver_op("vmlab_balloon", "unbind", self->dev));
	EXPECT_EQ(host, vmstat("balloon_deflate") - def0);
	inf0 = vmstat("balloon_inflate");
	ASSERT_EQ(0, driver_op("virtio_balloon", "bind", self->dev));
	EXPECT_TRUE(bound_to("virtio_balloon", self->dev));
	EXPECT_TRUE(mode_is("local"));
	/* virtio_balloon reaches the host's target in its own time. */
	ASSERT_EQ(0, wait_vmstat("balloon_inflate", inf0 + host, 300));

	def0 = vmstat("balloon_deflate");
	ASSERT_EQ(0, driver_op("virtio_balloon", "unbind", self->dev));
	ASSERT_EQ(0, wait_vmstat("balloon_deflate", def0 + host, 300));
	ASSERT_EQ(0, driver_op("vmlab_balloon", "bind", self->dev));
	EXPECT_TRUE(mode_is("virtio"));
	ASSERT_EQ(0, wait_host_target(300));
	EXPECT_EQ(host, actual());
}

/*
 * Compaction in virtio mode: every balloon page it moves is reported as
 * a migration (the new page inflated, then the old one deflated, one
 * host_migrations each), the balloon's size stays the host's target, and
 * no message fails.  Compaction moves balloon pages only where they sit
 * between free pages, so the layout is made as pressure_test's compaction
 * test makes it, with the host's target in place of a local one: unbound,
 * a child takes all free memory but half the target and 16 MiB, and frees
 * every other page; bound again, the balloon takes the free blocks, then
 * single pages from those holes; the child exits.
 */
TEST_F_TIMEOUT(vio, compaction_moves_pages_and_tells_host, 600)
{
	const char *why = no_host_target(self->dev);
	uint64_t host, free, mig0, ours0, moved;
	struct holes holes;

	if (why)
		SKIP(return, "%s", why);
	if (access("/proc/sys/vm/compact_memory", W_OK))
		SKIP(return, "no /proc/sys/vm/compact_memory");
	ASSERT_EQ(0, wait_host_target(300));
	host = target();
	ASSERT_EQ(0, driver_op("vmlab_balloon", "unbind", self->dev));
	free = meminfo_pages("MemFree");
	ASSERT_LT(host + 4096, free);
	ASSERT_EQ(0, holes_make(&holes, (free - host / 2 - 4096) * 4096));
	EXPECT_EQ(0, driver_op("vmlab_balloon", "bind", self->dev));
	EXPECT_EQ(0, wait_host_target(300));
	EXPECT_EQ(0, holes_release(&holes));
	ASSERT_TRUE(mode_is("virtio"));

	mig0 = stat_of("host_migrations");
	ours0 = stat_of("migrated_pages");
	ASSERT_EQ(0, vmlab_write_path("/proc/sys/vm/compact_memory", "1\n", 2));
	moved = stat_of("migrated_pages") - ours0;
	TH_LOG("compaction migrated %llu of %llu balloon pages",
	       (unsigned long long)moved, (unsigned long long)host);
	EXPECT_LT(0ULL, moved);
	EXPECT_EQ(moved, stat_of("host_migrations") - mig0);
	EXPECT_EQ(host, actual());
	EXPECT_EQ(0ULL, stat_of("host_errors"));
}

TEST_HARNESS_MAIN
