// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab-dax (vmlabctl dax): drive /dev/vmlab_dax0 from the shell.
 *
 *   vmlab-dax info
 *   vmlab-dax log-init  [-o OFFSET] [-s SIZE]
 *   vmlab-dax log-append N [-o OFFSET] [-s SIZE] [--no-flush] [--delay-us US]
 *   vmlab-dax log-check [-o OFFSET] [-s SIZE] [--expect-min N]
 *
 * Options may come before or after N; numbers take C syntax (0x...).
 *
 * log-append prints "ack SEQ" after each record is durable (flushed with
 * the best cache instruction, fenced, and declared to the device with the
 * persist ioctl); --no-flush skips both, as a buggy program would.
 * log-check recovers the log, verifies every record and exits non-zero
 * when it is damaged or holds fewer than N records.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
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

static void print_usage(FILE *out)
{
	fprintf(out,
		"usage: vmlab-dax info\n"
		"       vmlab-dax log-init [-o OFFSET] [-s SIZE]\n"
		"       vmlab-dax log-append N [-o OFFSET] [-s SIZE] [--no-flush] [--delay-us US]\n"
		"       vmlab-dax log-check [-o OFFSET] [-s SIZE] [--expect-min N]\n"
		"       vmlab-dax --help\n");
}

/* Usage errors exit 2, as in every vmlab program. */
static void usage_error(void)
{
	print_usage(stderr);
	exit(2);
}

/* A whole number in C syntax (0x... too), or a usage error. */
static unsigned long long parse_num(const char *what, const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	/* strtoull() skips blanks and negates a '-': digits only. */
	if (errno || end == s || *end || !isdigit((unsigned char)*s)) {
		fprintf(stderr, "vmlab-dax: %s: not a number: '%s'\n", what, s);
		usage_error();
	}
	return v;
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
	enum { OPT_NO_FLUSH = 256, OPT_DELAY_US, OPT_EXPECT_MIN };
	static const struct option lopts[] = {
		{ "offset", required_argument, NULL, 'o' },
		{ "size", required_argument, NULL, 's' },
		{ "no-flush", no_argument, NULL, OPT_NO_FLUSH },
		{ "delay-us", required_argument, NULL, OPT_DELAY_US },
		{ "expect-min", required_argument, NULL, OPT_EXPECT_MIN },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct opts o = { .offset = 0, .size = 16ULL << 20 };
	unsigned long long count = 0;
	bool append, check, placed = false;
	const char *cmd;
	int c;

	/* Options before the command: only --help ("+": stop at the command). */
	while ((c = getopt_long(argc, argv, "+h", lopts + 5, NULL)) != -1) {
		if (c != 'h')
			usage_error();
		print_usage(stdout);
		return 0;
	}
	if (optind >= argc)
		usage_error();
	cmd = argv[optind];
	append = !strcmp(cmd, "log-append");
	check = !strcmp(cmd, "log-check");
	if (strcmp(cmd, "info") && strcmp(cmd, "log-init") && !append && !check)
		usage_error();

	/* The command's options, before or after its operand (glibc permutes). */
	argc -= optind;
	argv += optind;
	optind = 0;
	while ((c = getopt_long(argc, argv, "o:s:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.offset = parse_num("--offset", optarg);
			placed = true;
			break;
		case 's':
			o.size = parse_num("--size", optarg);
			placed = true;
			break;
		case OPT_NO_FLUSH:
			o.no_flush = 1;
			break;
		case OPT_DELAY_US:
			o.delay_us = parse_num("--delay-us", optarg);
			break;
		case OPT_EXPECT_MIN:
			o.expect_min = parse_num("--expect-min", optarg);
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			usage_error();
		}
	}
	/* Each option only where it means something, as the usage says. */
	if ((o.no_flush || o.delay_us) && !append)
		usage_error();
	if (o.expect_min && !check)
		usage_error();
	if (!strcmp(cmd, "info")) {
		if (optind != argc || placed)
			usage_error();
		return cmd_info();
	}
	if (append) {
		if (optind != argc - 1)
			usage_error();
		count = parse_num("N", argv[optind]);
	} else if (optind != argc) {
		usage_error();
	}
	return cmd_log(cmd, count, &o);
}
