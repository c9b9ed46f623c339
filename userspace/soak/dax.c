// SPDX-License-Identifier: GPL-2.0
/*
 * The dax worker: write(), read(), stores through mappings, durable points
 * and power-loss injection on the first pages of /dev/vmlab_dax0.
 *
 * Two shadows: cur, what every byte reads as now, and durable, what it
 * held at its page's last durable point while crash injection is on.  A
 * power loss makes cur = durable (Documentation/dax.rst: exactly the pages
 * written since their last durable point are reverted).  Durable points
 * are fsync() (the whole device), VMLAB_DAX_IOC_PERSIST and msync(MS_SYNC)
 * (their page ranges) and turning crash injection on (everything).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "maps.h"
#include "vmlab/dax.h"

#define CRASH_PARAM "/sys/module/vmlab_dax/parameters/crash_inject"
#define POWER_LOSS DBG_ROOT "/dax/inject_power_loss"

static const struct dev_ops dax_ops = {
	OP_DAX_MMAP, OP_DAX_MUNMAP, OP_DAX_MREMAP, OP_DAX_MPROTECT, OP_DAX_MADVISE,
	OP_DAX_FORK, OP_DAX_STORE, OP_DAX_VERIFY,
};

static struct dev dax = { .name = "dax", .fd = -1, .can_grow = true, .ops = &dax_ops };
static unsigned char *durable;
static bool crash_on;
static bool persistent;
static bool have_baseline;

static void make_durable(unsigned long first, unsigned long n)
{
	memcpy(durable + first * SOAK_PAGE, dax.shadow + first * SOAK_PAGE, n * SOAK_PAGE);
}

/*
 * What a read of the device may fail with under the soak: EFAULT when a
 * page of the user's buffer cannot be faulted in (see read_fully()),
 * ENOMEM and EINTR under fault injection.
 */
static const int read_errors[] = { EFAULT, ENOMEM, EINTR, 0 };

static bool is_read_error(int err)
{
	const int *e;

	for (e = read_errors; *e; e++)
		if (*e == err)
			return true;
	return false;
}

/*
 * pread() until @len bytes are in, as read(2) may stop short: the device
 * copies out through a bounce page and stops at a page of the user's
 * buffer that cannot be faulted in, under the soak's memory pressure and
 * fault injection (seen on debug-7.2, swap on, after the suites: short
 * reads of 28656 and 892912 bytes of the first 1 MiB).
 */
static ssize_t read_fully(void *buf, size_t len)
{
	unsigned int failures = 0;
	size_t done = 0;
	ssize_t n;

	while (done < len && failures < 100) {
		n = pread(dax.fd, (char *)buf + done, len - done, done);
		if (n > 0) {
			done += n;
			continue;
		}
		if (n == 0 || !is_read_error(errno))
			break;
		failures++;
	}
	return done;
}

/* Reads the whole window with read() and checks it against cur. */
static void verify_window(void)
{
	size_t len = dax.pages * SOAK_PAGE;
	unsigned char *buf = malloc(len);
	ssize_t n;
	uint64_t lost;

	if (!buf)
		return;
	n = pread(dax.fd, buf, len, 0);
	if (n < 0) {
		/* EFAULT: the buffer's first page could not be faulted in. */
		op_fail(OP_DAX_READ, errno, read_errors);
	} else {
		op_ok(OP_DAX_READ);
		lost = compare_bytes(buf, dax.shadow, n);
		note_verified(n, lost);
		if (lost)
			soak_fail("dax: %llu bytes differ in the window",
				  (unsigned long long)lost);
	}
	free(buf);
}

static void dax_open(void)
{
	static const int ok[] = { ENOENT, ENODEV, ENXIO, ENOMEM, 0 };
	struct vmlab_dax_info info;
	ssize_t n;

	dax.fd = open(VMLAB_DAX_DEVICE, O_RDWR);
	if (dax.fd < 0) {
		op_fail(OP_DAX_OPEN, errno, ok);
		return;
	}
	op_ok(OP_DAX_OPEN);
	if (ioctl(dax.fd, VMLAB_DAX_IOC_INFO, &info)) {
		soak_fail("dax: info: %s", strerror(errno));
		close(dax.fd);
		dax.fd = -1;
		return;
	}
	if (info.size < dax.pages * SOAK_PAGE)
		dax.pages = info.size / SOAK_PAGE;
	persistent = info.flags & VMLAB_DAX_PERSISTENT;
	/* A reload resets the parameter; our belief follows the device. */
	crash_on = info.flags & VMLAB_DAX_CRASH_INJECT;
	/*
	 * Everything was durable when we closed it (we fsync()ed), and
	 * unload writes back: persistent contents must have survived.
	 * Volatile (RAM) backing starts zeroed at each load: take it as is.
	 */
	if (have_baseline && persistent) {
		verify_window();
	} else {
		n = read_fully(dax.shadow, dax.pages * SOAK_PAGE);
		if (n != (ssize_t)(dax.pages * SOAK_PAGE)) {
			soak_fail("dax: baseline read: %zd", n);
			close(dax.fd);
			dax.fd = -1;
			return;
		}
		have_baseline = true;
	}
	memcpy(durable, dax.shadow, dax.pages * SOAK_PAGE);
}

static void dax_close(void)
{
	dev_unmap_all(&dax);
	/* So that the model holds whether or not the module is reloaded. */
	if (fsync(dax.fd))
		soak_fail("dax: fsync before close: %s", strerror(errno));
	make_durable(0, dax.pages);
	close(dax.fd);
	dax.fd = -1;
}

static void dax_write(struct rng *r)
{
	size_t len = 1 + rng_below(r, 3 * SOAK_PAGE);
	off_t off = rng_below(r, dax.pages * SOAK_PAGE - len);
	unsigned char *buf = malloc(len);
	ssize_t n;

	if (!buf)
		return;
	rng_fill(r, buf, len);
	n = pwrite(dax.fd, buf, len, off);
	if (n < 0) {
		op_fail(OP_DAX_WRITE, errno, (const int[]){ ENOMEM, EINTR, 0 });
	} else {
		op_ok(OP_DAX_WRITE);
		memcpy(dax.shadow + off, buf, n);
	}
	free(buf);
}

static void dax_read(struct rng *r)
{
	size_t len = 1 + rng_below(r, 3 * SOAK_PAGE);
	off_t off = rng_below(r, dax.pages * SOAK_PAGE - len);
	unsigned char *buf = malloc(len);
	ssize_t n;
	uint64_t lost;

	if (!buf)
		return;
	n = pread(dax.fd, buf, len, off);
	if (n < 0) {
		/* EFAULT: as in read_fully(). */
		op_fail(OP_DAX_READ, errno, read_errors);
	} else {
		op_ok(OP_DAX_READ);
		lost = compare_bytes(buf, dax.shadow + off, n);
		note_verified(n, lost);
		if (lost)
			soak_fail("dax: read at %lld: %llu bytes differ", (long long)off,
				  (unsigned long long)lost);
	}
	free(buf);
}

static void dax_sync(struct rng *r)
{
	unsigned int how = rng_below(r, 4);
	struct vmlab_dax_range range;
	struct map *m;

	switch (how) {
	case 0:
		if (fsync(dax.fd)) {
			op_fail(OP_DAX_SYNC, errno, NULL);
			return;
		}
		make_durable(0, dax.pages);
		break;
	case 1:
		/* Page-aligned: the rounding of a ragged range is not modelled. */
		range.offset = rng_below(r, dax.pages) * SOAK_PAGE;
		range.length = (1 + rng_below(r, dax.pages - range.offset / SOAK_PAGE)) *
			       SOAK_PAGE;
		if (ioctl(dax.fd, VMLAB_DAX_IOC_PERSIST, &range)) {
			op_fail(OP_DAX_SYNC, errno, NULL);
			return;
		}
		make_durable(range.offset / SOAK_PAGE, range.length / SOAK_PAGE);
		break;
	case 2:
		/* Past the end of the device, and overflowing: EINVAL. */
		range.offset = rng_chance(r, 50) ? ~0ULL - SOAK_PAGE : 1ULL << 62;
		range.length = 2 * SOAK_PAGE;
		if (!ioctl(dax.fd, VMLAB_DAX_IOC_PERSIST, &range))
			soak_fail("dax: persist of a bad range succeeded");
		else
			op_fail(OP_DAX_SYNC, errno, (const int[]){ EINVAL, 0 });
		return;
	default:
		if (!dax.nmaps)
			return;
		m = &dax.maps[rng_below(r, dax.nmaps)];
		if (msync(m->addr, m->npages * SOAK_PAGE, MS_SYNC)) {
			op_fail(OP_DAX_SYNC, errno, (const int[]){ ENOMEM, 0 });
			return;
		}
		make_durable(m->pgoff, m->npages);
	}
	op_ok(OP_DAX_SYNC);
}

/*
 * Crash injection's switches and the power loss run without fault
 * injection: the model needs to know whether they happened.
 */
static void crash_toggle(struct rng *r)
{
	static const char *const bad[] = { "2", "abc", "-1", "\n" };
	const char *v = crash_on ? "0" : "1";
	enum op op = crash_on ? OP_DAX_CRASH_OFF : OP_DAX_CRASH_ON;
	int ret;

	set_make_it_fail(0);
	if (rng_chance(r, 20)) {
		v = bad[rng_below(r, 4)];
		ret = write_file(CRASH_PARAM, v, strlen(v));
		if (!ret)
			soak_fail("dax: crash_inject took \"%s\"", v);
		else
			op_fail(op, -ret, (const int[]){ EINVAL, 0 });
	} else {
		ret = write_file(CRASH_PARAM, v, 1);
		if (ret) {
			op_fail(op, -ret, NULL);
		} else {
			op_ok(op);
			crash_on = !crash_on;
			if (crash_on)
				make_durable(0, dax.pages);
		}
	}
	set_make_it_fail(1);
}

static void power_loss(void)
{
	int ret;
	int i;

	set_make_it_fail(0);
	ret = write_file(POWER_LOSS, "1", 1);
	set_make_it_fail(1);
	if (!crash_on) {
		if (!ret)
			soak_fail("dax: power loss without crash injection succeeded");
		else
			op_fail(OP_DAX_POWER_LOSS, -ret, (const int[]){ EOPNOTSUPP, 0 });
		return;
	}
	if (ret) {
		op_fail(OP_DAX_POWER_LOSS, -ret, NULL);
		return;
	}
	op_ok(OP_DAX_POWER_LOSS);
	memcpy(dax.shadow, durable, dax.pages * SOAK_PAGE);
	verify_window();
	for (i = 0; i < dax.nmaps; i++)
		dev_verify_map(&dax, &dax.maps[i]);
}

void dax_worker(struct rng *r)
{
	dax.pages = opts.dax_pages;
	dax.shadow = malloc(dax.pages * SOAK_PAGE);
	durable = malloc(dax.pages * SOAK_PAGE);
	if (!dax.shadow || !durable)
		return;
	set_make_it_fail(1);
	while (!stopping()) {
		unsigned int what = rng_below(r, 1000);

		if (dax.fd < 0) {
			dax_open();
			if (dax.fd < 0)
				soak_sleep_ms(50);
			continue;
		}
		if (what < 80)
			dev_mmap(r, &dax);
		else if (what < 130)
			dev_munmap(r, &dax);
		else if (what < 170)
			dev_mremap(r, &dax);
		else if (what < 210)
			dev_mprotect(r, &dax);
		else if (what < 260)
			dev_madvise(r, &dax);
		else if (what < 290)
			dev_fork(r, &dax);
		else if (what < 450)
			dev_store(r, &dax);
		else if (what < 560)
			dax_write(r);
		else if (what < 650)
			dax_read(r);
		else if (what < 800)
			dev_verify(r, &dax);
		else if (what < 900)
			dax_sync(r);
		else if (what < 940)
			crash_toggle(r);
		else if (what < 980)
			power_loss();
		else if (what < 990)
			verify_window();
		else
			dax_close();
	}
	if (dax.fd >= 0)
		dax_close();
}
