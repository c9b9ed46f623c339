/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmlab core: per-CPU counters, log2 histograms and tunables, each declared
 * once and exposed as one debugfs file under /sys/kernel/debug/vmlab/<module>/.
 */
#ifndef _VMLAB_STATS_H
#define _VMLAB_STATS_H

#include <linux/percpu.h>
#include <linux/types.h>
#include <linux/log2.h>

struct dentry;
struct seq_file;

/*
 * Counters, as vmw_balloon does its stats: an enum ending in a count, and a
 * parallel array of names with designated initialisers, so adding a stat is
 * one enum entry and one name:
 *
 *	enum foo_counter { FOO_HITS, FOO_MISSES, FOO_NR_COUNTERS };
 *	static const char * const foo_counter_names[] = {
 *		[FOO_HITS] = "hits",
 *		[FOO_MISSES] = "misses",
 *	};
 *	static_assert(ARRAY_SIZE(foo_counter_names) == FOO_NR_COUNTERS);
 *
 * vmlab_counters_init() refuses a names array with a hole (-EINVAL).
 */
/**
 * struct vmlab_counters - a set of per-CPU u64 counters
 * @vals: per-CPU array of @nr counters
 * @names: one name per counter, printed as "name value"
 * @nr: number of counters
 *
 * Increments touch only the local CPU's copy; readers sum every possible CPU.
 * Sums are modulo 2^64, so a counter incremented on one CPU and decremented on
 * another reads correctly even though each CPU's copy wraps.
 */
struct vmlab_counters {
	u64 __percpu *vals;
	const char * const *names;
	unsigned int nr;
};

int vmlab_counters_init(struct vmlab_counters *c, const char * const *names,
			unsigned int nr);
void vmlab_counters_destroy(struct vmlab_counters *c);
u64 vmlab_counters_read(const struct vmlab_counters *c, unsigned int idx);
void vmlab_counters_reset(struct vmlab_counters *c);
void vmlab_counters_show(struct seq_file *m, const struct vmlab_counters *c);
struct dentry *vmlab_counters_debugfs(const char *name, struct dentry *dir,
				      struct vmlab_counters *c);

static inline void vmlab_counter_add(struct vmlab_counters *c,
				     unsigned int idx, u64 delta)
{
	this_cpu_add(c->vals[idx], delta);
}

static inline void vmlab_counter_inc(struct vmlab_counters *c, unsigned int idx)
{
	this_cpu_inc(c->vals[idx]);
}

static inline void vmlab_counter_dec(struct vmlab_counters *c, unsigned int idx)
{
	this_cpu_dec(c->vals[idx]);
}

/*
 * Log2 histograms: bucket 0 holds the value 0, bucket b (1..64) holds
 * [2^(b-1), 2^b - 1].  Values are recorded per CPU and summed on read.
 */
#define VMLAB_HIST_BUCKETS 65

/**
 * struct vmlab_hist - a per-CPU log2 histogram
 * @buckets: per-CPU array of VMLAB_HIST_BUCKETS counts
 * @sum: per-CPU sum of recorded values, for the mean
 * @unit: printed in the header, e.g. "ns" or "pages"
 */
struct vmlab_hist {
	u64 __percpu *buckets;
	u64 __percpu *sum;
	const char *unit;
};

static inline unsigned int vmlab_hist_bucket(u64 value)
{
	return value ? fls64(value) : 0;
}

/* Smallest value that lands in @bucket. */
static inline u64 vmlab_hist_bucket_low(unsigned int bucket)
{
	return bucket ? 1ULL << (bucket - 1) : 0;
}

/* Largest value that lands in @bucket. */
static inline u64 vmlab_hist_bucket_high(unsigned int bucket)
{
	return bucket ? (1ULL << (bucket - 1)) + ((1ULL << (bucket - 1)) - 1) : 0;
}

int vmlab_hist_init(struct vmlab_hist *h, const char *unit);
void vmlab_hist_destroy(struct vmlab_hist *h);
void vmlab_hist_reset(struct vmlab_hist *h);
u64 vmlab_hist_count(const struct vmlab_hist *h, unsigned int bucket);
u64 vmlab_hist_total(const struct vmlab_hist *h);
u64 vmlab_hist_sum(const struct vmlab_hist *h);
void vmlab_hist_show(struct seq_file *m, const struct vmlab_hist *h);
struct dentry *vmlab_hist_debugfs(const char *name, struct dentry *dir,
				  struct vmlab_hist *h);

static inline void vmlab_hist_record(struct vmlab_hist *h, u64 value)
{
	this_cpu_inc(h->buckets[vmlab_hist_bucket(value)]);
	this_cpu_add(*h->sum, value);
}

/**
 * struct vmlab_tunable - a u64 knob with a range, as one debugfs file
 * @name: file name
 * @val: the value; read with READ_ONCE() by the module
 * @min: smallest accepted value
 * @max: largest accepted value
 * @set: optional; called with the new value under the tunable's lock and
 *	 may refuse it with an errno, leaving @val unchanged
 * @lock: serialises writers so @set sees writes in order
 *
 * The file is a debugfs attribute (DEFINE_DEBUGFS_ATTRIBUTE): writes parse
 * with kstrtoull, garbage gets -EINVAL and an out-of-range value -ERANGE,
 * and a refused write leaves the value as it was.
 */
struct vmlab_tunable {
	const char *name;
	u64 val;
	u64 min;
	u64 max;
	int (*set)(struct vmlab_tunable *t, u64 val);
	struct mutex lock;	/* serialises writers and @set */
};

struct dentry *vmlab_tunable_debugfs(struct vmlab_tunable *t, struct dentry *dir);

/* /sys/kernel/debug/vmlab/<name>/, removed with debugfs_remove_recursive(). */
struct dentry *vmlab_debugfs_dir(const char *name);

#endif /* _VMLAB_STATS_H */
