// SPDX-License-Identifier: GPL-2.0
/*
 * The persistent log: append with record-then-tail ordering, recovery by
 * walking and checksumming.  See plog.h for the layout.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plog.h"

static uint32_t crc_table[256];

uint32_t plog_crc32(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint32_t crc = ~0u;
	unsigned int i, j;

	if (!crc_table[1]) {
		for (i = 0; i < 256; i++) {
			uint32_t c = i;

			for (j = 0; j < 8; j++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			crc_table[i] = c;
		}
	}
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static size_t rec_size(uint32_t len)
{
	return (sizeof(struct plog_rec) + len + 7) & ~(size_t)7;
}

static uint32_t rec_crc(const struct plog_rec *r, const void *payload)
{
	uint64_t seq = r->seq;
	uint32_t c1 = plog_crc32(&seq, sizeof(seq));

	return c1 ^ plog_crc32(payload, r->len) ^ r->len;
}

int plog_create(struct plog *l, void *base, size_t size, plog_persist_fn fn, void *ctx)
{
	if (size <= PLOG_HEADER)
		return -EINVAL;
	l->base = base;
	l->size = size;
	l->hdr = base;
	l->persist = fn;
	l->ctx = ctx;
	l->next_seq = 0;
	l->hdr->capacity = size - PLOG_HEADER;
	l->hdr->tail = 0;
	fn(ctx, l->hdr, sizeof(*l->hdr));
	/* The magic last: a half-made header is no log. */
	l->hdr->magic = PLOG_MAGIC;
	fn(ctx, &l->hdr->magic, sizeof(l->hdr->magic));
	return 0;
}

int plog_walk(struct plog *l, int (*fn)(void *arg, const struct plog_rec *r,
					const void *payload), void *arg)
{
	uint64_t off = 0, tail = l->hdr->tail;
	int ret;

	while (off < tail) {
		const struct plog_rec *r = (void *)(l->base + PLOG_HEADER + off);

		ret = fn(arg, r, r + 1);
		if (ret)
			return ret;
		off += rec_size(r->len);
	}
	return 0;
}

struct check {
	uint64_t n;
	uint64_t tail;
	uint64_t off;
};

static int check_one(void *arg, const struct plog_rec *r, const void *payload)
{
	struct check *c = arg;

	if (r->len > PLOG_MAX_RECORD || c->off + rec_size(r->len) > c->tail ||
	    r->seq != c->n || r->crc != rec_crc(r, payload))
		return -EUCLEAN;
	c->off += rec_size(r->len);
	c->n++;
	return 0;
}

long plog_open(struct plog *l, void *base, size_t size, plog_persist_fn fn, void *ctx,
	       uint64_t *bad)
{
	struct check c = { 0 };
	int ret;

	l->base = base;
	l->size = size;
	l->hdr = base;
	l->persist = fn;
	l->ctx = ctx;
	if (size <= PLOG_HEADER || l->hdr->magic != PLOG_MAGIC)
		return -ENODATA;
	if (l->hdr->capacity != size - PLOG_HEADER || l->hdr->tail > l->hdr->capacity ||
	    l->hdr->tail & 7) {
		*bad = 0;
		return -EUCLEAN;
	}
	c.tail = l->hdr->tail;
	ret = plog_walk(l, check_one, &c);
	if (ret) {
		*bad = c.n;
		return ret;
	}
	l->next_seq = c.n;
	return c.n;
}

long plog_append(struct plog *l, const void *data, uint32_t len)
{
	uint64_t tail = l->hdr->tail;
	struct plog_rec *r;
	size_t need = rec_size(len);

	if (len > PLOG_MAX_RECORD)
		return -EINVAL;
	if (need > l->hdr->capacity - tail)
		return -ENOSPC;
	r = (void *)(l->base + PLOG_HEADER + tail);
	r->len = len;
	r->seq = l->next_seq;
	memcpy(r + 1, data, len);
	r->crc = rec_crc(r, r + 1);
	l->persist(l->ctx, r, need);
	/* Publish: one aligned 8-byte store, then make it durable. */
	__atomic_store_n(&l->hdr->tail, tail + need, __ATOMIC_RELEASE);
	l->persist(l->ctx, &l->hdr->tail, sizeof(l->hdr->tail));
	return l->next_seq++;
}

uint32_t plog_sample_payload(uint64_t seq, char *buf, size_t cap)
{
	uint32_t len = 24 + (seq * 37) % 200, i;
	int n;

	if (len > cap)
		len = cap;
	n = snprintf(buf, cap, "record %llu:", (unsigned long long)seq);
	for (i = n; i < len; i++)
		buf[i] = 'a' + (seq + i) % 26;
	return len;
}
