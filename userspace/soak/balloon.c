// SPDX-License-Identifier: GPL-2.0
/*
 * The balloon worker moves the balloon's target in every accepted format
 * (pages, 0x pages, sizes) and reads it back; the pressure worker fills
 * and frees anonymous memory meanwhile.  Both stay below a share of
 * MemTotal so that the OOM killer (whose report is a splat) never runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "soak.h"

#define BALLOON DBG_ROOT "/balloon"

void balloon_worker(struct rng *r)
{
	/*
	 * ENOENT: the module is being reloaded; ENXIO: debugfs refuses to
	 * open a file whose module is going away; EIO: the file was
	 * removed while open.
	 */
	static const int ok[] = { ENOENT, ENODEV, ENXIO, EIO, ENOMEM, 0 };
	unsigned long max = mem_total_kb() / 4 * opts.balloon_pct / 100;
	char buf[64], back[64];
	unsigned long pages, got;
	int len, ret;

	set_make_it_fail(1);
	while (!stopping()) {
		pages = rng_below(r, max + 1);
		switch (rng_below(r, 3)) {
		case 0:
			len = snprintf(buf, sizeof(buf), "%lu\n", pages);
			break;
		case 1:
			len = snprintf(buf, sizeof(buf), "0x%lx", pages);
			break;
		default:
			/* KiB, rounded up to whole pages by the module. */
			len = snprintf(buf, sizeof(buf), "%luK", pages * 4);
		}
		ret = write_file(BALLOON "/target_pages", buf, len);
		if (ret) {
			op_fail(OP_BALLOON_TARGET, -ret, ok);
			soak_sleep_ms(100);
			continue;
		}
		op_ok(OP_BALLOON_TARGET);
		ret = read_file(BALLOON "/target_pages", back, sizeof(back));
		if (ret < 0) {
			op_fail(OP_BALLOON_READ, -ret, ok);
			continue;
		}
		op_ok(OP_BALLOON_READ);
		got = strtoul(back, NULL, 10);
		/* 0: a reload came in between. */
		if (got != pages && got != 0)
			soak_fail("balloon: wrote \"%.*s\", target reads %lu, not %lu",
				  len, buf, got, pages);
		ret = read_file(BALLOON "/status", back, sizeof(back));
		if (ret < 0)
			op_fail(OP_BALLOON_READ, -ret, ok);
		else
			op_ok(OP_BALLOON_READ);
		soak_sleep_ms(50 + rng_below(r, 500));
	}
	write_file(BALLOON "/target_pages", "0", 1);
}

void pressure_worker(struct rng *r)
{
	unsigned long max = mem_total_kb() * 1024 / 100 * opts.pressure_pct;

	while (!stopping()) {
		size_t len = (rng_below(r, max / SOAK_PAGE) + 1) * SOAK_PAGE;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			op_fail(OP_PRESSURE, errno, (const int[]){ ENOMEM, 0 });
			soak_sleep_ms(100);
			continue;
		}
		memset(p, 0x5a, len);
		op_ok(OP_PRESSURE);
		soak_sleep_ms(200 + rng_below(r, 1800));
		munmap(p, len);
	}
}
