/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A persistent append-only log in a byte-addressable region.
 *
 * Layout: a header page (magic, capacity, tail), then records of
 * { u32 len, u32 crc32, u64 seq, payload[len] } padded to 8 bytes.  An
 * append writes and persists the record beyond the tail, then publishes it
 * by persisting a new tail: one aligned 8-byte store, so a crash leaves the
 * old tail or the new one and every record below the tail is whole.
 * Recovery walks the records up to the tail and checks each checksum.
 */
#ifndef _VMLAB_PLOG_H
#define _VMLAB_PLOG_H

#include <stddef.h>
#include <stdint.h>

#define PLOG_MAGIC 0x474f4c42414c4d56ULL	/* "VMLABLOG" */
#define PLOG_HEADER 4096
#define PLOG_MAX_RECORD 4096

struct plog_header {
	uint64_t magic;
	uint64_t capacity;	/* bytes of record area */
	uint64_t tail;		/* bytes of record area committed */
};

struct plog_rec {
	uint32_t len;
	uint32_t crc;
	uint64_t seq;
};

/* How a range is made durable: flush + fence, plus whatever the medium needs. */
typedef void (*plog_persist_fn)(void *ctx, void *addr, size_t len);

struct plog {
	char *base;
	size_t size;
	struct plog_header *hdr;
	uint64_t next_seq;
	plog_persist_fn persist;
	void *ctx;
};

uint32_t plog_crc32(const void *buf, size_t len);
/* Format an empty log over [base, base + size). */
int plog_create(struct plog *l, void *base, size_t size, plog_persist_fn fn, void *ctx);
/*
 * Open and recover: -ENODATA without a log, -EUCLEAN when a record below
 * the tail is damaged (*bad set to its index); else the number of records.
 */
long plog_open(struct plog *l, void *base, size_t size, plog_persist_fn fn, void *ctx,
	       uint64_t *bad);
/* Append; returns the record's sequence number once durable, or -errno. */
long plog_append(struct plog *l, const void *data, uint32_t len);
/* Visit every committed record in order; stops at a non-zero return. */
int plog_walk(struct plog *l, int (*fn)(void *arg, const struct plog_rec *r,
					const void *payload), void *arg);

/* The deterministic payload of record @seq used by the tools and tests. */
uint32_t plog_sample_payload(uint64_t seq, char *buf, size_t cap);

#endif /* _VMLAB_PLOG_H */
