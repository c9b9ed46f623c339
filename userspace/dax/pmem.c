// SPDX-License-Identifier: GPL-2.0
/*
 * Persistence primitives for x86-64.  CLFLUSH is serialising and evicts;
 * CLFLUSHOPT is weakly ordered (needs SFENCE) and evicts; CLWB writes back
 * and may keep the line.  All three need SFENCE before the data is known to
 * have reached the persistence domain (ADR).
 */
#include <cpuid.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pmem.h"

static int pmem_kind = -1;

static enum pmem_flush_kind pmem_detect(void)
{
	unsigned int a, b, c, d;
	enum pmem_flush_kind best = PMEM_CLFLUSH;
	const char *want = getenv("PMEM_FLUSH");

	if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
		if (b & (1u << 24))
			best = PMEM_CLWB;
		else if (b & (1u << 23))
			best = PMEM_CLFLUSHOPT;
	}
	if (want && !strcmp(want, "clflush"))
		return PMEM_CLFLUSH;
	if (want && !strcmp(want, "clflushopt") && best >= PMEM_CLFLUSHOPT)
		return PMEM_CLFLUSHOPT;
	return best;
}

enum pmem_flush_kind pmem_flush_kind(void)
{
	if (pmem_kind < 0)
		pmem_kind = pmem_detect();
	return pmem_kind;
}

const char *pmem_flush_name(enum pmem_flush_kind kind)
{
	switch (kind) {
	case PMEM_CLWB:
		return "clwb";
	case PMEM_CLFLUSHOPT:
		return "clflushopt";
	default:
		return "clflush";
	}
}

void pmem_flush(const void *addr, size_t len)
{
	uintptr_t p = (uintptr_t)addr & ~(uintptr_t)(PMEM_CACHELINE - 1);
	uintptr_t end = (uintptr_t)addr + len;
	enum pmem_flush_kind kind = pmem_flush_kind();

	if (!len)
		return;
	for (; p < end; p += PMEM_CACHELINE) {
		volatile char *line = (volatile char *)p;

		switch (kind) {
		case PMEM_CLWB:
			asm volatile("clwb %0" : "+m" (*line));
			break;
		case PMEM_CLFLUSHOPT:
			asm volatile("clflushopt %0" : "+m" (*line));
			break;
		default:
			asm volatile("clflush %0" : "+m" (*line));
			break;
		}
	}
}

void pmem_drain(void)
{
	asm volatile("sfence" ::: "memory");
}

void pmem_persist(const void *addr, size_t len)
{
	pmem_flush(addr, len);
	pmem_drain();
}

/* Non-temporal 8-byte stores bypass the cache: no flush needed after. */
static void pmem_movnt(void *dst, const void *src, size_t len)
{
	uint64_t *d = dst, v;
	const char *s = src;

	for (; len >= 8; len -= 8, s += 8, d++) {
		memcpy(&v, s, 8);
		asm volatile("movnti %1, %0" : "=m" (*d) : "r" (v));
	}
	if (len) {
		memcpy(d, s, len);
		pmem_flush(d, len);
	}
}

void *pmem_memcpy_persist(void *dst, const void *src, size_t len)
{
	uintptr_t head = (-(uintptr_t)dst) & 7;

	if (len < PMEM_MOVNT_THRESHOLD) {
		memcpy(dst, src, len);
		pmem_persist(dst, len);
		return dst;
	}
	/* Cached copy up to 8-byte alignment, then streaming stores. */
	memcpy(dst, src, head);
	pmem_flush(dst, head);
	pmem_movnt((char *)dst + head, (const char *)src + head, len - head);
	pmem_drain();
	return dst;
}
