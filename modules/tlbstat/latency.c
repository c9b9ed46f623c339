// SPDX-License-Identifier: GPL-2.0
/*
 * Shootdown latency on the initiating CPU: a kretprobe around the function
 * that sends the flush IPIs and waits for every target to finish.  The
 * first candidate symbol the kernel has is used; without any, the rest of
 * tlbstat keeps working and the latency_probe file says why.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "tlbstat.h"

/*
 * native_flush_tlb_multi() emits the TLB_REMOTE_SEND_IPI event itself, so its
 * call count equals ipi_sent; paravirt flushers (KVM, Hyper-V) call it for
 * the CPUs they must interrupt.  flush_tlb_multi() is the generic entry.
 */
static const char * const tlbstat_lat_symbols[] = {
	"native_flush_tlb_multi",
	"flush_tlb_multi",
};

static struct kretprobe tlbstat_krp;
static const char *tlbstat_lat_symbol;	/* attached to, or NULL */
static int tlbstat_lat_error;		/* last registration error */
static u64 tlbstat_lat_missed;		/* nmissed of earlier attachments */

/* Kprobe handlers run from int3, like NMIs: only the NMI-safe clock will do. */
static int tlbstat_lat_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	*(u64 *)ri->data = ktime_get_mono_fast_ns();
	return 0;
}

static int tlbstat_lat_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	vmlab_hist_record(&tlbstat_latency, ktime_get_mono_fast_ns() - *(u64 *)ri->data);
	return 0;
}

void tlbstat_lat_attach(void)
{
	unsigned int i;
	int ret = -ENOENT;

	for (i = 0; i < ARRAY_SIZE(tlbstat_lat_symbols); i++) {
		/* A kretprobe keeps its resolved address: start afresh. */
		memset(&tlbstat_krp, 0, sizeof(tlbstat_krp));
		tlbstat_krp.kp.symbol_name = tlbstat_lat_symbols[i];
		tlbstat_krp.entry_handler = tlbstat_lat_entry;
		tlbstat_krp.handler = tlbstat_lat_return;
		tlbstat_krp.data_size = sizeof(u64);
		/* The flush runs with preemption off: one instance per CPU. */
		tlbstat_krp.maxactive = 2 * num_possible_cpus();
		ret = register_kretprobe(&tlbstat_krp);
		if (!ret) {
			tlbstat_lat_symbol = tlbstat_lat_symbols[i];
			tlbstat_lat_error = 0;
			return;
		}
	}
	tlbstat_lat_error = ret;
	pr_info("no shootdown latency: no probe-able IPI flush function (%d)\n", ret);
}

void tlbstat_lat_detach(void)
{
	if (!tlbstat_lat_symbol)
		return;
	unregister_kretprobe(&tlbstat_krp);
	tlbstat_lat_missed += tlbstat_krp.nmissed;
	tlbstat_lat_symbol = NULL;
}

void tlbstat_lat_reset(void)
{
	tlbstat_lat_missed = 0;
	if (tlbstat_lat_symbol)
		tlbstat_krp.nmissed = 0;
	vmlab_hist_reset(&tlbstat_latency);
}

void tlbstat_lat_show(struct seq_file *m)
{
	u64 missed = tlbstat_lat_missed;

	if (tlbstat_lat_symbol) {
		missed += READ_ONCE(tlbstat_krp.nmissed);
		seq_printf(m, "state attached\nsymbol %s\n", tlbstat_lat_symbol);
	} else if (tlbstat_lat_error) {
		seq_printf(m, "state unavailable\nsymbol none\nerror %d\n",
			   tlbstat_lat_error);
	} else {
		seq_puts(m, "state detached\nsymbol none\n");
	}
	seq_printf(m, "missed %llu\n", missed);
}
