// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the persistent log and the persistence library.  A crash is
 * modelled with a second image that only receives what was persisted: the
 * log must recover every record it acknowledged from that image, and a
 * log that skips its persists must be caught.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plog.h"
#include "pmem.h"
#include "kselftest.h"

#define SIZE (64 * 1024)

struct model {
	char *live;
	char *durable;
	int skip;	/* a buggy program: persists nothing */
};

static void model_persist(void *ctx, void *addr, size_t len)
{
	struct model *m = ctx;
	size_t off = (char *)addr - m->live;

	if (!m->skip)
		memcpy(m->durable + off, addr, len);
}

static void real_persist(void *ctx, void *addr, size_t len)
{
	(void)ctx;
	pmem_persist(addr, len);
}

static long append_samples(struct plog *l, int count)
{
	char buf[PLOG_MAX_RECORD];
	long last = -1;
	int i;

	for (i = 0; i < count; i++) {
		uint32_t len = plog_sample_payload(l->next_seq, buf, sizeof(buf));

		last = plog_append(l, buf, len);
		if (last < 0)
			return last;
	}
	return last;
}

struct verify {
	uint64_t n;
	int bad;
};

static int verify_one(void *arg, const struct plog_rec *r, const void *payload)
{
	struct verify *v = arg;
	char buf[PLOG_MAX_RECORD];
	uint32_t len = plog_sample_payload(r->seq, buf, sizeof(buf));

	if (r->seq != v->n || r->len != len || memcmp(payload, buf, len))
		v->bad++;
	v->n++;
	return 0;
}

int main(void)
{
	static char live[SIZE], durable[SIZE], src[1000], dst[1000 + 16];
	struct model m = { live, durable, 0 };
	struct verify v = { 0 };
	struct plog l, r;
	uint64_t bad = ~0ULL;
	long ret;
	int i;

	ksft_print_header();
	ksft_set_plan(13);
	ksft_test_result(plog_crc32("123456789", 9) == 0xcbf43926u, "crc32 check value\n");
	ksft_test_result(plog_open(&r, live, SIZE, model_persist, &m, &bad) == -ENODATA,
			 "no log in zeroed memory\n");

	/* Correct program: every acknowledged record survives the crash. */
	plog_create(&l, live, SIZE, model_persist, &m);
	ret = append_samples(&l, 50);
	ksft_test_result(ret == 49, "50 appends acknowledged\n");
	memcpy(live, durable, SIZE);
	ksft_test_result(plog_open(&r, live, SIZE, model_persist, &m, &bad) == 50,
			 "50 records recovered after the crash\n");
	plog_walk(&r, verify_one, &v);
	ksft_test_result(v.n == 50 && v.bad == 0, "recovered records are intact and in order\n");
	ksft_test_result(append_samples(&r, 1) == 50, "appending continues at seq 50\n");

	/* A torn append (record written, tail not yet) is invisible. */
	memcpy(durable, live, SIZE);
	live[PLOG_HEADER + r.hdr->tail + 20] ^= 1;
	ksft_test_result(plog_open(&r, live, SIZE, model_persist, &m, &bad) == 51,
			 "bytes beyond the tail are ignored\n");

	/* Damage below the tail is found and named. */
	live[PLOG_HEADER + 40] ^= 0x55;
	ksft_test_result(plog_open(&r, live, SIZE, model_persist, &m, &bad) == -EUCLEAN && bad == 1,
			 "a damaged record below the tail is reported\n");
	live[PLOG_HEADER + 40] ^= 0x55;

	/* Buggy program: skips persists, loses acknowledged records. */
	memset(live, 0, SIZE);
	memset(durable, 0, SIZE);
	plog_create(&l, live, SIZE, model_persist, &m);
	m.skip = 1;
	ret = append_samples(&l, 10);
	memcpy(live, durable, SIZE);
	ksft_test_result(ret == 9 && plog_open(&r, live, SIZE, model_persist, &m, &bad) == 0,
			 "a log without persists is caught: 10 acknowledged, 0 recovered\n");
	m.skip = 0;

	/* Full log. */
	plog_create(&l, live, PLOG_HEADER + 512, model_persist, &m);
	ksft_test_result(append_samples(&l, 100) == -ENOSPC, "a full log says ENOSPC\n");

	/* The persistence library on ordinary memory. */
	ksft_print_msg("flush instruction: %s\n", pmem_flush_name(pmem_flush_kind()));
	for (i = 0; i < (int)sizeof(src); i++)
		src[i] = i * 13;
	for (i = 0; i < 8; i++) {
		memset(dst, 0, sizeof(dst));
		pmem_memcpy_persist(dst + i, src, sizeof(src));
		if (memcmp(dst + i, src, sizeof(src)) || dst[i + sizeof(src)])
			break;
	}
	ksft_test_result(i == 8, "pmem_memcpy_persist (non-temporal) copies at every alignment\n");
	memset(dst, 0, sizeof(dst));
	pmem_memcpy_persist(dst + 3, src, 100);
	ksft_test_result(!memcmp(dst + 3, src, 100) && !dst[103],
			 "pmem_memcpy_persist (cached) copies\n");

	plog_create(&l, live, SIZE, real_persist, NULL);
	ksft_test_result(append_samples(&l, 20) == 19 &&
			 plog_open(&r, live, SIZE, real_persist, NULL, &bad) == 20,
			 "log with real cache flushes\n");

	ksft_finished();
}
