// SPDX-License-Identifier: GPL-2.0
/*
 * The tlb_flush tracepoint is not exported to modules: find it by name
 * among the kernel's tracepoints and attach a probe only while counting.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm_types.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "tlbstat.h"

static struct tracepoint *tlb_flush_tp;

static void tlbstat_find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "tlb_flush"))
		*(struct tracepoint **)priv = tp;
}

/* Return: 0, or -ENOENT when the kernel has no tlb_flush tracepoint. */
int tlbstat_tp_find(void)
{
	for_each_kernel_tracepoint(tlbstat_find_tp, &tlb_flush_tp);
	if (!tlb_flush_tp) {
		pr_err("no tlb_flush tracepoint in this kernel\n");
		return -ENOENT;
	}
	return 0;
}

/* Runs on the flushing CPU with preemption disabled, possibly in an IPI. */
static void tlbstat_tlb_flush(void *data, int reason, unsigned long pages)
{
	vmlab_tlbstat_account(&tlbstat_stats, reason, pages);
	if (reason == TLB_REMOTE_SEND_IPI)
		vmlab_tlbstat_top_record(&tlbstat_top, task_tgid_nr(current),
					 current->comm, pages);
}

int tlbstat_tp_attach(void)
{
	int ret = tracepoint_probe_register(tlb_flush_tp, tlbstat_tlb_flush, NULL);

	if (ret)
		pr_err("cannot attach to tlb_flush: %d\n", ret);
	return ret;
}

void tlbstat_tp_detach(void)
{
	tracepoint_probe_unregister(tlb_flush_tp, tlbstat_tlb_flush, NULL);
	/* No CPU may still be inside the probe once this returns. */
	tracepoint_synchronize_unregister();
}
