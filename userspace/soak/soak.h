/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmlab-soak: a seeded random mix of operations on every vmlab interface,
 * run by several worker processes at once, with shadow copies of what was
 * written to the devices.  See Documentation/soak.rst.
 */
#ifndef _VMLAB_SOAK_H
#define _VMLAB_SOAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SOAK_PAGE	4096UL
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define DBG_ROOT	"/sys/kernel/debug/vmlab"
#define MOD_DIR		"/vmlab/modules"

/* One kind of operation: a counter in the shared statistics. */
enum op {
	OP_DBG_READ, OP_DBG_WRITE, OP_DBG_BAD_WRITE,
	OP_SP_OPEN, OP_SP_MMAP, OP_SP_MUNMAP, OP_SP_MREMAP, OP_SP_MPROTECT,
	OP_SP_MADVISE, OP_SP_FORK, OP_SP_STORE, OP_SP_VERIFY, OP_SP_IOCTL,
	OP_DAX_OPEN, OP_DAX_MMAP, OP_DAX_MUNMAP, OP_DAX_MREMAP, OP_DAX_MPROTECT,
	OP_DAX_MADVISE, OP_DAX_FORK, OP_DAX_STORE, OP_DAX_WRITE, OP_DAX_READ,
	OP_DAX_VERIFY, OP_DAX_SYNC, OP_DAX_CRASH_ON, OP_DAX_CRASH_OFF,
	OP_DAX_POWER_LOSS,
	OP_BALLOON_TARGET, OP_BALLOON_READ, OP_PRESSURE,
	OP_RMMOD, OP_INSMOD,
	OP_NR
};

#define SOAK_MAX_ERRNO	256
#define SOAK_MAX_MSGS	32

/* Shared by all workers (a MAP_SHARED anonymous mapping). */
struct soak_stats {
	uint64_t ops[OP_NR];
	/* [op][errno]: expected failures, then unexpected ones. */
	uint64_t err[OP_NR][SOAK_MAX_ERRNO];
	uint64_t bad_err[OP_NR][SOAK_MAX_ERRNO];
	uint64_t bytes_verified;
	uint64_t bytes_lost;		/* verified bytes that differed */
	uint64_t sigbus;		/* unexpected SIGBUS/SIGSEGV */
	uint64_t rmmod_busy;		/* rmmod refused: module in use */
	uint64_t unloads, reloads;
	uint64_t child_failures;	/* forked checkers that failed */
	int stop;			/* read with __atomic_load_n */
	int nmsgs;
	char msgs[SOAK_MAX_MSGS][160];	/* first failures, for the report */
};

extern struct soak_stats *st;
extern const char *const op_names[OP_NR];

struct soak_opts {
	uint64_t seed;
	unsigned int seconds;
	bool faults;		/* failslab + fail_page_alloc */
	unsigned int fault_prob;	/* percent */
	bool modcycle;
	bool verbose;
	unsigned int sp_pages;	/* pages per samepage region */
	unsigned int dax_pages;	/* pages of the dax device used */
	unsigned int balloon_pct;	/* largest balloon, % of MemTotal */
	unsigned int pressure_pct;	/* largest anon pressure, % of MemTotal */
};

extern struct soak_opts opts;

/* rng.c: xoshiro-style generator, one per worker, derived from the seed. */
struct rng { uint64_t s[2]; };
void rng_init(struct rng *r, uint64_t seed, unsigned int stream);
uint64_t rng_next(struct rng *r);
uint64_t rng_below(struct rng *r, uint64_t n);	/* 0 .. n-1 */
bool rng_chance(struct rng *r, unsigned int percent);
void rng_fill(struct rng *r, void *buf, size_t len);

/* stats.c */
void stats_init(void);
void op_ok(enum op op);
/* Counts an errno as expected if it is in @allowed (0-terminated). */
void op_fail(enum op op, int err, const int *allowed);
void op_fail_at(enum op op, int err, const int *allowed, const char *what);
void soak_fail(const char *fmt, ...) __printf(1, 2);
void note_verified(uint64_t bytes, uint64_t lost);
int stats_report(void);

/* util.c */
int read_file(const char *path, char *buf, size_t len);	/* -errno or bytes */
int write_file(const char *path, const void *buf, size_t len);	/* -errno or 0 */
int set_make_it_fail(int on);
bool stopping(void);
void soak_sleep_ms(unsigned int ms);
/* Runs fn(arg) in a guard: returns false if it took SIGBUS or SIGSEGV. */
bool guarded(void (*fn)(void *), void *arg);
uint64_t compare_bytes(const unsigned char *got, const unsigned char *want, size_t len);
unsigned long mem_total_kb(void);

/* faults.c */
void faults_setup(void);
void faults_teardown(void);
void faults_aim_kthreads(void);

/* The workers: each returns when stopping() is true. */
void dbgfs_worker(struct rng *r);
void spage_worker(struct rng *r);
void dax_worker(struct rng *r);
void balloon_worker(struct rng *r);
void pressure_worker(struct rng *r);
void modcycle_worker(struct rng *r);

#endif /* _VMLAB_SOAK_H */
