/* SPDX-License-Identifier: GPL-2.0 */
/* vmlab-tlbstat scenarios: the operations that flush TLBs, and their setting. */
#ifndef _TLBSTAT_WORKLOAD_H
#define _TLBSTAT_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>

enum tlb_scenario { SC_MUNMAP, SC_MPROTECT, SC_MADVISE, SC_JIT, SC_NR };

extern const char * const tlb_scenario_names[SC_NR];

/* Called with 0 right before the measured part and with 1 right after. */
typedef void (*tlb_mark_fn)(void *ctx, int after);

/*
 * Prepare @pages pages for @sc, run the measured part (per page or
 * batched, JIT pages in groups of @group) between the two @mark calls,
 * clean up.  Returns the number of system calls of the measured part and
 * its wall time in @ns, or -errno.
 */
long tlb_scenario_run(enum tlb_scenario sc, int pages, bool batched, int group,
		      uint64_t *ns, tlb_mark_fn mark, void *ctx);

/*
 * One-page munmap calls over @pages touched pages, each call timed: the
 * benchmark's per-call latencies, in @ns (room for @pages), sorted.
 */
int tlb_munmap_call_times(int pages, uint64_t *ns);

/* Threads spinning on every CPU but 0, which the caller is pinned to. */
int tlb_workers_start(void);
void tlb_workers_stop(void);
int tlb_pin_self(int cpu);
int tlb_ncpus(void);

#endif
