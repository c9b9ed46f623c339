// SPDX-License-Identifier: GPL-2.0
/*
 * Small helpers: whole-file reads and writes that return -errno, the
 * per-task fault injection switch, and a guard that turns SIGBUS/SIGSEGV
 * on a device mapping into a counted failure instead of a dead worker.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "soak.h"

int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	return n;
}

int write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	return 0;
}

/*
 * Fault injection's task filter: only tasks with make-it-fail set get
 * failed allocations.  Inherited over fork().
 */
int set_make_it_fail(int on)
{
	if (!opts.faults)
		return 0;
	return write_file("/proc/self/make-it-fail", on ? "1" : "0", 1);
}

bool stopping(void)
{
	return __atomic_load_n(&st->stop, __ATOMIC_RELAXED) || getppid() == 1;
}

void soak_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static sigjmp_buf guard_env;
static volatile sig_atomic_t guard_armed;

static void guard_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!guard_armed) {
		/* Not in a guarded access: a bug of ours; die loudly. */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	fprintf(stderr, "vmlab-soak: pid %d: signal %d code %d at %p\n",
		getpid(), sig, si->si_code, si->si_addr);
	siglongjmp(guard_env, 1);
}

bool guarded(void (*fn)(void *), void *arg)
{
	static bool installed;

	if (!installed) {
		struct sigaction sa = { .sa_sigaction = guard_handler,
					.sa_flags = SA_SIGINFO | SA_NODEFER };

		sigaction(SIGBUS, &sa, NULL);
		sigaction(SIGSEGV, &sa, NULL);
		installed = true;
	}
	if (sigsetjmp(guard_env, 1)) {
		guard_armed = 0;
		__atomic_add_fetch(&st->sigbus, 1, __ATOMIC_RELAXED);
		return false;
	}
	guard_armed = 1;
	fn(arg);
	guard_armed = 0;
	return true;
}

uint64_t compare_bytes(const unsigned char *got, const unsigned char *want, size_t len)
{
	uint64_t bad = 0;
	size_t i;

	if (!memcmp(got, want, len))
		return 0;
	for (i = 0; i < len; i++)
		bad += got[i] != want[i];
	return bad;
}

unsigned long mem_total_kb(void)
{
	char buf[4096];
	char *p;

	if (read_file("/proc/meminfo", buf, sizeof(buf)) < 0)
		return 0;
	p = strstr(buf, "MemTotal:");
	return p ? strtoul(p + 9, NULL, 10) : 0;
}
