// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics shared by the workers, and the summary: operations per kind,
 * errors by errno (expected and not), bytes verified and lost.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "soak.h"

struct soak_stats *st;

const char *const op_names[OP_NR] = {
	[OP_DBG_READ] = "debugfs_read",
	[OP_DBG_WRITE] = "debugfs_write",
	[OP_DBG_BAD_WRITE] = "debugfs_bad_write",
	[OP_SP_OPEN] = "samepage_open",
	[OP_SP_MMAP] = "samepage_mmap",
	[OP_SP_MUNMAP] = "samepage_munmap",
	[OP_SP_MREMAP] = "samepage_mremap",
	[OP_SP_MPROTECT] = "samepage_mprotect",
	[OP_SP_MADVISE] = "samepage_madvise",
	[OP_SP_FORK] = "samepage_fork",
	[OP_SP_STORE] = "samepage_store",
	[OP_SP_VERIFY] = "samepage_verify",
	[OP_SP_IOCTL] = "samepage_ioctl",
	[OP_DAX_OPEN] = "dax_open",
	[OP_DAX_MMAP] = "dax_mmap",
	[OP_DAX_MUNMAP] = "dax_munmap",
	[OP_DAX_MREMAP] = "dax_mremap",
	[OP_DAX_MPROTECT] = "dax_mprotect",
	[OP_DAX_MADVISE] = "dax_madvise",
	[OP_DAX_FORK] = "dax_fork",
	[OP_DAX_STORE] = "dax_store",
	[OP_DAX_WRITE] = "dax_write",
	[OP_DAX_READ] = "dax_read",
	[OP_DAX_VERIFY] = "dax_verify",
	[OP_DAX_SYNC] = "dax_sync",
	[OP_DAX_CRASH_ON] = "dax_crash_inject_on",
	[OP_DAX_CRASH_OFF] = "dax_crash_inject_off",
	[OP_DAX_POWER_LOSS] = "dax_power_loss",
	[OP_BALLOON_TARGET] = "balloon_target",
	[OP_BALLOON_READ] = "balloon_read",
	[OP_PRESSURE] = "memory_pressure",
	[OP_RMMOD] = "rmmod",
	[OP_INSMOD] = "insmod",
};

void stats_init(void)
{
	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED) {
		perror("mmap stats");
		_exit(1);
	}
}

void op_ok(enum op op)
{
	__atomic_add_fetch(&st->ops[op], 1, __ATOMIC_RELAXED);
}

void op_fail(enum op op, int err, const int *allowed)
{
	op_fail_at(op, err, allowed, NULL);
}

void op_fail_at(enum op op, int err, const int *allowed, const char *what)
{
	int e = err > 0 && err < SOAK_MAX_ERRNO ? err : 0;

	__atomic_add_fetch(&st->ops[op], 1, __ATOMIC_RELAXED);
	for (; allowed && *allowed; allowed++) {
		if (*allowed == err) {
			__atomic_add_fetch(&st->err[op][e], 1, __ATOMIC_RELAXED);
			return;
		}
	}
	__atomic_add_fetch(&st->bad_err[op][e], 1, __ATOMIC_RELAXED);
	soak_fail("%s%s%s: unexpected errno %d (%s)", op_names[op], what ? " " : "",
		  what ? what : "", err, strerror(err));
}

void soak_fail(const char *fmt, ...)
{
	int i = __atomic_fetch_add(&st->nmsgs, 1, __ATOMIC_RELAXED);
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* The first few go into the report; all go to stderr at once. */
	if (i < SOAK_MAX_MSGS)
		memcpy(st->msgs[i], buf, sizeof(buf));
	fprintf(stderr, "vmlab-soak: FAIL: %s\n", buf);
}

void note_verified(uint64_t bytes, uint64_t lost)
{
	__atomic_add_fetch(&st->bytes_verified, bytes, __ATOMIC_RELAXED);
	if (lost)
		__atomic_add_fetch(&st->bytes_lost, lost, __ATOMIC_RELAXED);
}

/* The TAP-ish summary; returns the exit status. */
int stats_report(void)
{
	uint64_t total = 0, expected = 0, unexpected = 0;
	int op, e, n = 0, bad;

	for (op = 0; op < OP_NR; op++) {
		total += st->ops[op];
		for (e = 0; e < SOAK_MAX_ERRNO; e++) {
			expected += st->err[op][e];
			unexpected += st->bad_err[op][e];
		}
	}
	printf("# seed %llu, %u s\n", (unsigned long long)opts.seed, opts.seconds);
	for (op = 0; op < OP_NR; op++) {
		if (!st->ops[op])
			continue;
		printf("# op %-22s %10llu", op_names[op], (unsigned long long)st->ops[op]);
		for (e = 0; e < SOAK_MAX_ERRNO; e++) {
			if (st->err[op][e])
				printf(" %s:%llu", e ? strerrorname_np(e) : "?",
				       (unsigned long long)st->err[op][e]);
			if (st->bad_err[op][e])
				printf(" UNEXPECTED-%s:%llu", e ? strerrorname_np(e) : "?",
				       (unsigned long long)st->bad_err[op][e]);
		}
		printf("\n");
	}
	printf("# rmmod refused while in use: %llu, unloads %llu, reloads %llu\n",
	       (unsigned long long)st->rmmod_busy, (unsigned long long)st->unloads,
	       (unsigned long long)st->reloads);
	for (e = 0; e < st->nmsgs && e < SOAK_MAX_MSGS; e++)
		printf("# failure: %s\n", st->msgs[e]);

	printf("1..4\n");
	bad = st->bytes_lost != 0;
	printf("%sok %d soak: %llu ops, %llu bytes verified, %llu lost bytes\n",
	       bad ? "not " : "", ++n, (unsigned long long)total,
	       (unsigned long long)st->bytes_verified,
	       (unsigned long long)st->bytes_lost);
	printf("%sok %d soak: %llu expected errors, %llu unexpected errors\n",
	       unexpected ? "not " : "", ++n, (unsigned long long)expected,
	       (unsigned long long)unexpected);
	printf("%sok %d soak: %llu unexpected signals, %llu failed children\n",
	       st->sigbus || st->child_failures ? "not " : "", ++n,
	       (unsigned long long)st->sigbus, (unsigned long long)st->child_failures);
	printf("%sok %d soak: %llu operations ran\n", total ? "" : "not ", ++n,
	       (unsigned long long)total);
	fflush(stdout);
	return bad || unexpected || st->sigbus || st->child_failures || !total ||
	       st->nmsgs ? 1 : 0;
}
