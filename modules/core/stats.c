// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU counters and log2 histograms: updated locklessly on the local CPU,
 * summed over every possible CPU when debugfs is read.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <vmlab/stats.h>

int vmlab_counters_init(struct vmlab_counters *c, const char * const *names,
			unsigned int nr)
{
	unsigned int i;

	/* A forgotten name would print as "(null)": refuse it at load. */
	for (i = 0; i < nr; i++)
		if (!names[i])
			return -EINVAL;
	c->vals = __alloc_percpu(nr * sizeof(u64), __alignof__(u64));
	if (!c->vals)
		return -ENOMEM;
	c->names = names;
	c->nr = nr;
	return 0;
}
EXPORT_SYMBOL_GPL(vmlab_counters_init);

void vmlab_counters_destroy(struct vmlab_counters *c)
{
	free_percpu(c->vals);
	c->vals = NULL;
}
EXPORT_SYMBOL_GPL(vmlab_counters_destroy);

u64 vmlab_counters_read(const struct vmlab_counters *c, unsigned int idx)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += *per_cpu_ptr(&c->vals[idx], cpu);
	return sum;
}
EXPORT_SYMBOL_GPL(vmlab_counters_read);

/* Not atomic against concurrent increments: a reset races like any reader. */
void vmlab_counters_reset(struct vmlab_counters *c)
{
	unsigned int i;
	int cpu;

	for_each_possible_cpu(cpu)
		for (i = 0; i < c->nr; i++)
			WRITE_ONCE(*per_cpu_ptr(&c->vals[i], cpu), 0);
}
EXPORT_SYMBOL_GPL(vmlab_counters_reset);

void vmlab_counters_show(struct seq_file *m, const struct vmlab_counters *c)
{
	unsigned int i;

	for (i = 0; i < c->nr; i++)
		seq_printf(m, "%s %llu\n", c->names[i], vmlab_counters_read(c, i));
}
EXPORT_SYMBOL_GPL(vmlab_counters_show);

static int vmlab_counters_seq_show(struct seq_file *m, void *unused)
{
	vmlab_counters_show(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vmlab_counters_seq);

struct dentry *vmlab_counters_debugfs(const char *name, struct dentry *dir,
				      struct vmlab_counters *c)
{
	return debugfs_create_file(name, 0400, dir, c, &vmlab_counters_seq_fops);
}
EXPORT_SYMBOL_GPL(vmlab_counters_debugfs);

int vmlab_hist_init(struct vmlab_hist *h, const char *unit)
{
	h->buckets = __alloc_percpu(VMLAB_HIST_BUCKETS * sizeof(u64),
				    __alignof__(u64));
	if (!h->buckets)
		return -ENOMEM;
	h->sum = alloc_percpu(u64);
	if (!h->sum) {
		free_percpu(h->buckets);
		h->buckets = NULL;
		return -ENOMEM;
	}
	h->unit = unit;
	return 0;
}
EXPORT_SYMBOL_GPL(vmlab_hist_init);

void vmlab_hist_destroy(struct vmlab_hist *h)
{
	free_percpu(h->buckets);
	free_percpu(h->sum);
	h->buckets = NULL;
	h->sum = NULL;
}
EXPORT_SYMBOL_GPL(vmlab_hist_destroy);

void vmlab_hist_reset(struct vmlab_hist *h)
{
	unsigned int b;
	int cpu;

	for_each_possible_cpu(cpu) {
		for (b = 0; b < VMLAB_HIST_BUCKETS; b++)
			WRITE_ONCE(*per_cpu_ptr(&h->buckets[b], cpu), 0);
		WRITE_ONCE(*per_cpu_ptr(h->sum, cpu), 0);
	}
}
EXPORT_SYMBOL_GPL(vmlab_hist_reset);

u64 vmlab_hist_count(const struct vmlab_hist *h, unsigned int bucket)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += *per_cpu_ptr(&h->buckets[bucket], cpu);
	return n;
}
EXPORT_SYMBOL_GPL(vmlab_hist_count);

u64 vmlab_hist_total(const struct vmlab_hist *h)
{
	unsigned int b;
	u64 n = 0;

	for (b = 0; b < VMLAB_HIST_BUCKETS; b++)
		n += vmlab_hist_count(h, b);
	return n;
}
EXPORT_SYMBOL_GPL(vmlab_hist_total);

u64 vmlab_hist_sum(const struct vmlab_hist *h)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += *per_cpu_ptr(h->sum, cpu);
	return sum;
}
EXPORT_SYMBOL_GPL(vmlab_hist_sum);

/*
 * Text for people and scripts alike: a header, then one "low..high: count"
 * line per bucket from the first to the last non-empty one.
 */
void vmlab_hist_show(struct seq_file *m, const struct vmlab_hist *h)
{
	u64 counts[VMLAB_HIST_BUCKETS], total = 0;
	int b, first = -1, last = -1;

	for (b = 0; b < VMLAB_HIST_BUCKETS; b++) {
		counts[b] = vmlab_hist_count(h, b);
		total += counts[b];
		if (counts[b]) {
			if (first < 0)
				first = b;
			last = b;
		}
	}
	seq_printf(m, "unit: %s\ncount: %llu\nsum: %llu\n", h->unit, total,
		   vmlab_hist_sum(h));
	for (b = first; b >= 0 && b <= last; b++)
		seq_printf(m, "%20llu .. %20llu: %llu\n", vmlab_hist_bucket_low(b),
			   vmlab_hist_bucket_high(b), counts[b]);
}
EXPORT_SYMBOL_GPL(vmlab_hist_show);

static int vmlab_hist_seq_show(struct seq_file *m, void *unused)
{
	vmlab_hist_show(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vmlab_hist_seq);

struct dentry *vmlab_hist_debugfs(const char *name, struct dentry *dir,
				  struct vmlab_hist *h)
{
	return debugfs_create_file(name, 0400, dir, h, &vmlab_hist_seq_fops);
}
EXPORT_SYMBOL_GPL(vmlab_hist_debugfs);
