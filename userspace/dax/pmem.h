/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small persistence library for memory-mapped persistent memory, in the
 * spirit of PMDK's libpmem: flush with the best instruction the CPU has
 * (CLWB, else CLFLUSHOPT, else CLFLUSH), fence, and copy with non-temporal
 * stores above a size threshold.
 */
#ifndef _VMLAB_PMEM_H
#define _VMLAB_PMEM_H

#include <stddef.h>

enum pmem_flush_kind { PMEM_CLFLUSH, PMEM_CLFLUSHOPT, PMEM_CLWB };

#define PMEM_CACHELINE 64
/* Copies of at least this many bytes use non-temporal stores. */
#define PMEM_MOVNT_THRESHOLD 256

/*
 * Chosen once from CPUID; PMEM_FLUSH=clflush|clflushopt|clwb overrides it
 * (downwards only: an instruction the CPU lacks is never used).
 */
enum pmem_flush_kind pmem_flush_kind(void);
const char *pmem_flush_name(enum pmem_flush_kind kind);

/* Write back the cache lines of [addr, addr + len); no fence. */
void pmem_flush(const void *addr, size_t len);
/* Order the flushes and non-temporal stores before what follows. */
void pmem_drain(void);
/* pmem_flush + pmem_drain. */
void pmem_persist(const void *addr, size_t len);
/* memcpy that leaves [dst, dst + len) persistent. */
void *pmem_memcpy_persist(void *dst, const void *src, size_t len);

#endif /* _VMLAB_PMEM_H */
