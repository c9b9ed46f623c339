// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab dax crash injection with a real program: the persistent log from
 * userspace/dax.  A log that persists each record before acknowledging it
 * recovers exactly the acknowledged records after inject_power_loss; a log
 * that skips its persists is caught losing records it acknowledged.
 */
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "vmlab_test.h"
#include "vmlab/dax.h"
#include "plog.h"
#include "pmem.h"

#define LOG_OFF (32UL << 20)
#define LOG_SIZE (256UL << 10)
#define CRASH_PARAM "/sys/module/vmlab_dax/parameters/crash_inject"

struct dev {
	int fd;
	char *map;
	int skip;	/* a buggy program: no flush, no durable point */
};

static void dev_persist(void *ctx, void *addr, size_t len)
{
	struct dev *d = ctx;
	struct vmlab_dax_range r = { LOG_OFF + ((char *)addr - d->map), len };

	if (d->skip)
		return;
	pmem_persist(addr, len);
	ioctl(d->fd, VMLAB_DAX_IOC_PERSIST, &r);
}

static long append(struct plog *l, int count)
{
	char buf[PLOG_MAX_RECORD];
	long ret = -1;

	while (count--) {
		ret = plog_append(l, buf, plog_sample_payload(l->next_seq, buf, sizeof(buf)));
		if (ret < 0)
			break;
	}
	return ret;
}

static int power_loss(void)
{
	return vmlab_write("dax", "inject_power_loss", "1\n");
}

FIXTURE(log) {
	struct dev d;
	struct plog l;
};

FIXTURE_SETUP(log)
{
	if (!vmlab_loaded("dax"))
		SKIP(return, "vmlab_dax is not loaded");
	ASSERT_EQ(vmlab_write_path(CRASH_PARAM, "1\n", 2), 0);
	self->d.fd = open(VMLAB_DAX_DEVICE, O_RDWR);
	ASSERT_GE(self->d.fd, 0);
	self->d.map = mmap(NULL, LOG_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			   self->d.fd, LOG_OFF);
	ASSERT_NE(self->d.map, MAP_FAILED);
	memset(self->d.map, 0, LOG_SIZE);
	ASSERT_EQ(fsync(self->d.fd), 0);
	ASSERT_EQ(plog_create(&self->l, self->d.map, LOG_SIZE, dev_persist, &self->d), 0);
}

FIXTURE_TEARDOWN(log)
{
	if (self->d.map && self->d.map != MAP_FAILED)
		munmap(self->d.map, LOG_SIZE);
	if (self->d.fd >= 0)
		close(self->d.fd);
	vmlab_write_path(CRASH_PARAM, "0\n", 2);
}

TEST_F(log, acknowledged_records_survive)
{
	struct plog r;
	uint64_t bad;

	ASSERT_EQ(append(&self->l, 50), 49);
	/* An append in flight: record written, never published or persisted. */
	self->d.skip = 1;
	ASSERT_EQ(append(&self->l, 3), 52);
	ASSERT_EQ(power_loss(), 0);
	ASSERT_EQ(plog_open(&r, self->d.map, LOG_SIZE, dev_persist, &self->d, &bad), 50);
	/* And the log goes on from there. */
	self->d.skip = 0;
	ASSERT_EQ(append(&r, 1), 50);
	ASSERT_EQ(power_loss(), 0);
	ASSERT_EQ(plog_open(&r, self->d.map, LOG_SIZE, dev_persist, &self->d, &bad), 51);
}

TEST_F(log, skipped_flushes_are_caught)
{
	struct plog r;
	uint64_t bad;

	ASSERT_EQ(append(&self->l, 5), 4);
	self->d.skip = 1;
	ASSERT_EQ(append(&self->l, 10), 14);	/* "acknowledged" 15 */
	ASSERT_EQ(power_loss(), 0);
	ASSERT_EQ(plog_open(&r, self->d.map, LOG_SIZE, dev_persist, &self->d, &bad), 5);
}

TEST_HARNESS_MAIN
