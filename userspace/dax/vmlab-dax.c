// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab-dax (vmlabctl dax): drive /dev/vmlab_dax0 from the shell.
 *
 *   vmlab-dax info
 *   vmlab-dax log-init  [-o OFFSET] [-s SIZE]
 *   vmlab-dax log-append N [-o OFFSET] [-s SIZE] [--no-flush] [--delay-us US]
 *   vmlab-dax log-check [-o OFFSET] [-s SIZE] [--expect-min N]
 *
 * log-append prints "ack SEQ" after each record is durable (flushed with
 * the best cache instruction, fenced, and declared to the device with the
 * persist ioctl); --no-flush skips both, as a buggy program would.
 * log-check recovers the log, verifies every record and exits non-zero
 * when it is damaged or holds fewer than N records.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmlab/dax.h"
#include "plog.h"
#include "pmem.h"

struct opts {
	unsigned long long offset;
	unsigned long long size;
	unsigned long long expect_min;
	unsigned long long delay_us;
	int no_flush;
};

struct dev {
	int fd;
	char *map;
	struct opts *o;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: vmlab-dax info\n"
		"       vmlab-dax log-init [-o OFFSET] [-s SIZE]\n"
		"       vmlab-dax log-append N [-o OFFSET] [-s SIZE] [--no-flush] [--delay-us US]\n"
		"       vmlab-dax log-check [-o OFFSET] [-s SIZE] [--expect-min N]\n");
	exit(2);
}

static void dev_persist(void *ctx, void *addr, size_t len)
{
	struct dev *d = ctx;
	struct vmlab_dax_range r = {
		.offset = d->o->offset + ((char *)addr - d->map),
		.length = len,
	};

	if (d->o->no_flush)
		return;
	pmem_persist(addr, len);
	if (ioctl(d->fd, VMLAB_DAX_IOC_PERSIST, &r)) {
		perror("VMLAB_DAX_IOC_PERSIST");
		exit(1);
	}
}

static int dev_open(struct dev *d, struct opts *o)
{
	d->o = o;
	d->fd = open(VMLAB_DAX_DEVICE, O_RDWR);
	if (d->fd < 0) {
		perror(VMLAB_DAX_DEVICE);
		return -1;
	}
	d->map = mmap(NULL, o->size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, o->offset);
	if (d->map == MAP_FAILED) {
		perror("mmap");
		return -1;
	}
	return 0;
}

static int cmd_info(void)
{
	struct vmlab_dax_info info;
	int fd = open(VMLAB_DAX_DEVICE, O_RDONLY);

	if (fd < 0 || ioctl(fd, VMLAB_DAX_IOC_INFO, &info)) {
		perror(VMLAB_DAX_DEVICE);
		return 1;
	}
	printf("size %llu\nphys_start %#llx\npersistent %d\npmd %d\ncrash_inject %d\n"
	       "dirty_pages %llu\nflush %s\n",
	       (unsigned long long)info.size, (unsigned long long)info.phys_start,
	       !!(info.flags & VMLAB_DAX_PERSISTENT), !!(info.flags & VMLAB_DAX_PMD),
	       !!(info.flags & VMLAB_DAX_CRASH_INJECT),
	       (unsigned long long)info.dirty_pages, pmem_flush_name(pmem_flush_kind()));
	return 0;
}

struct verify {
	unsigned long long n;
	unsigned long long bad;
};

static int verify_one(void *arg, const struct plog_rec *r, const void *payload)
{
	struct verify *v = arg;
	char buf[PLOG_MAX_RECORD];
	uint32_t len = plog_sample_payload(r->seq, buf, sizeof(buf));

	if (r->len != len || memcmp(payload, buf, len)) {
		fprintf(stderr, "record %llu: payload differs\n", v->n);
		v->bad++;
	}
	v->n++;
	return 0;
}

static int cmd_log(const char *cmd, unsigned long long count, struct opts *o)
{
	struct verify v = { 0 };
	struct plog l;
	struct dev d;
	uint64_t bad = 0;
	long ret;
	char buf[PLOG_MAX_RECORD];

	if (dev_open(&d, o))
		return 1;
	if (!strcmp(cmd, "log-init")) {
		if (plog_create(&l, d.map, o->size, dev_persist, &d))
			return 1;
		printf("log created: %llu bytes at offset %llu\n", o->size, o->offset);
		return 0;
	}
	ret = plog_open(&l, d.map, o->size, dev_persist, &d, &bad);
	if (ret == -ENODATA) {
		printf("no log at offset %llu\n", o->offset);
		return 1;
	}
	if (ret < 0) {
		printf("log damaged at record %llu\n", (unsigned long long)bad);
		return 1;
	}
	if (!strcmp(cmd, "log-check")) {
		plog_walk(&l, verify_one, &v);
		printf("records %llu, bad %llu\n", v.n, v.bad);
		if (v.bad || v.n < o->expect_min) {
			printf("FAIL: expected at least %llu intact records\n", o->expect_min);
			return 1;
		}
		return 0;
	}
	for (; count; count--) {
		uint32_t len = plog_sample_payload(l.next_seq, buf, sizeof(buf));

		ret = plog_append(&l, buf, len);
		if (ret < 0) {
			printf("append: %s\n", strerror(-ret));
			return 1;
		}
		printf("ack %ld\n", ret);
		fflush(stdout);
		if (o->delay_us)
			usleep(o->delay_us);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .offset = 0, .size = 16ULL << 20 };
	unsigned long long count = 0;
	const char *cmd;
	int i = 2;

	if (argc < 2)
		usage();
	cmd = argv[1];
	if (!strcmp(cmd, "info"))
		return cmd_info();
	if (!strcmp(cmd, "log-append")) {
		if (argc < 3)
			usage();
		count = strtoull(argv[2], NULL, 0);
		i = 3;
	} else if (strcmp(cmd, "log-init") && strcmp(cmd, "log-check")) {
		usage();
	}
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			o.offset = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "-s") && i + 1 < argc)
			o.size = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--expect-min") && i + 1 < argc)
			o.expect_min = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--delay-us") && i + 1 < argc)
			o.delay_us = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--no-flush"))
			o.no_flush = 1;
		else
			usage();
	}
	return cmd_log(cmd, count, &o);
}
