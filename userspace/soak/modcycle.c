// SPDX-License-Identifier: GPL-2.0
/*
 * The module worker: unloads a vmlab module while the other workers use
 * it, and loads it again.  A module with an open device refuses (EBUSY or
 * EWOULDBLOCK, counted); one without (balloon, tlbstat, samepage and dax
 * between their users' reopens) goes and comes back with its parameters.
 * vmlab_core stays: every other module uses it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "soak.h"

#define MAX_MODS 8

static char mods[MAX_MODS][32];
static unsigned int nmods;

static void find_modules(void)
{
	struct dirent *de;
	DIR *d = opendir(MOD_DIR);
	size_t n;

	if (!d)
		return;
	while ((de = readdir(d)) && nmods < MAX_MODS) {
		n = strlen(de->d_name);
		if (strncmp(de->d_name, "vmlab_", 6) || n < 4 || n - 3 >= sizeof(mods[0]) ||
		    strcmp(de->d_name + n - 3, ".ko") || !strcmp(de->d_name, "vmlab_core.ko"))
			continue;
		memcpy(mods[nmods], de->d_name, n - 3);
		mods[nmods++][n - 3] = '\0';
	}
	closedir(d);
}

static int load(const char *name)
{
	char path[128], params[256] = "";
	int fd, ret, i;

	snprintf(path, sizeof(path), MOD_DIR "/%s.params", name);
	if (read_file(path, params, sizeof(params)) > 0)
		params[strcspn(params, "\n")] = '\0';
	snprintf(path, sizeof(path), MOD_DIR "/%s.ko", name);
	/* The first try under fault injection (init's error paths); then without. */
	for (i = 0; i < 5; i++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (i == 1)
			set_make_it_fail(0);
		ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
		close(fd);
		if (!ret) {
			op_ok(OP_INSMOD);
			break;
		}
		op_fail(OP_INSMOD, -ret, (const int[]){ ENOMEM, 0 });
	}
	set_make_it_fail(1);
	return ret;
}

void modcycle_worker(struct rng *r)
{
	find_modules();
	set_make_it_fail(1);
	while (nmods && !stopping()) {
		const char *name = mods[rng_below(r, nmods)];
		int ret;

		soak_sleep_ms(200 + rng_below(r, 2000));
		if (stopping())
			break;
		if (syscall(SYS_delete_module, name, O_NONBLOCK)) {
			ret = errno;
			if (ret == EBUSY || ret == EWOULDBLOCK)
				__atomic_add_fetch(&st->rmmod_busy, 1, __ATOMIC_RELAXED);
			op_fail(OP_RMMOD, ret, (const int[]){ EBUSY, EWOULDBLOCK, ENOENT, 0 });
			continue;
		}
		op_ok(OP_RMMOD);
		__atomic_add_fetch(&st->unloads, 1, __ATOMIC_RELAXED);
		soak_sleep_ms(rng_below(r, 300));
		ret = load(name);
		if (ret) {
			soak_fail("insmod %s: %s", name, strerror(-ret));
			return;
		}
		__atomic_add_fetch(&st->reloads, 1, __ATOMIC_RELAXED);
		faults_aim_kthreads();
	}
}
