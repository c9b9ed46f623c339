// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab tlbstat: unload and load the module while shootdown workloads run
 * and readers hold its files open, and load it disabled.  Needs the module
 * file: $VMLAB_MODULES/vmlab_tlbstat.ko (default /vmlab/modules).
 */
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "tlbwork.h"

struct load_ctx {
	atomic_int stop;
	struct tlb_pause pause;
	long rounds, reads;
};

/* Per-page munmaps: a stream of remote shootdowns while the module comes and goes. */
static void *flusher(void *arg)
{
	struct load_ctx *c = arg;

	while (!atomic_load(&c->stop)) {
		char *p;

		tlb_pause_point(&c->pause);
		p = tlb_map(8);

		if (!p || tlb_do(TLB_MUNMAP, p, 8, false))
			break;
		c->rounds++;
	}
	return NULL;
}

/* Reads race with removal: ENOENT and short reads are fine, crashes are not. */
static void *reader(void *arg)
{
	struct load_ctx *c = arg;
	char buf[8192];

	while (!atomic_load(&c->stop)) {
		tlb_pause_point(&c->pause);
		vmlab_read("tlbstat", "stats", buf, sizeof(buf));
		vmlab_read("tlbstat", "top", buf, sizeof(buf));
		vmlab_read("tlbstat", "latency", buf, sizeof(buf));
		c->reads++;
	}
	return NULL;
}

static int ko_fd(void)
{
	const char *dir = getenv("VMLAB_MODULES") ?: "/vmlab/modules";
	char path[512];

	snprintf(path, sizeof(path), "%s/vmlab_tlbstat.ko", dir);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static int load(int fd, const char *params)
{
	return syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
}

/* An open file pins the module: retry while readers hold one (for ~5 s). */
static int unload(void)
{
	int i, ret = 0;

	for (i = 0; i < 5000; i++) {
		ret = syscall(SYS_delete_module, "vmlab_tlbstat", O_NONBLOCK) ? -errno : 0;
		if (ret != -EAGAIN && ret != -EBUSY)
			break;
		usleep(1000);
	}
	return ret;
}

FIXTURE(reload) {
	int fd;
};

FIXTURE_SETUP(reload)
{
	if (!vmlab_loaded("tlbstat"))
		SKIP(return, "vmlab_tlbstat is not loaded");
	self->fd = ko_fd();
	if (self->fd < 0)
		SKIP(return, "vmlab_tlbstat.ko not found (set VMLAB_MODULES)");
}

FIXTURE_TEARDOWN(reload)
{
	/* Leave the module loaded and counting, as the harness expects. */
	if (self->fd >= 0) {
		if (!vmlab_loaded("tlbstat"))
			load(self->fd, "");
		close(self->fd);
	}
}

TEST_F_TIMEOUT(reload, unload_and_load_under_load, 120)
{
	pthread_t thr[4];
	struct load_ctx c = { 0 };
	uint64_t v;
	int i;

	ASSERT_EQ(0, pthread_create(&thr[0], NULL, flusher, &c));
	ASSERT_EQ(0, pthread_create(&thr[1], NULL, flusher, &c));
	ASSERT_EQ(0, pthread_create(&thr[2], NULL, reader, &c));
	ASSERT_EQ(0, pthread_create(&thr[3], NULL, reader, &c));
	bool racy = tlb_patching_racy();

	if (racy)
		TH_LOG("6.12 under TCG: workers pause while the module attaches and detaches");
	for (i = 0; i < 3; i++) {
		sleep(1);
		tlb_pause_begin(&c.pause, 4, racy);
		ASSERT_EQ(0, unload());
		ASSERT_FALSE(vmlab_loaded("tlbstat"));
		tlb_pause_end(&c.pause);
		sleep(1);
		tlb_pause_begin(&c.pause, 4, racy);
		ASSERT_EQ(0, load(self->fd, ""));
		tlb_pause_end(&c.pause);
		ASSERT_TRUE(vmlab_loaded("tlbstat"));
		ASSERT_EQ(0, vmlab_read_u64("tlbstat", "enable", &v));
		ASSERT_EQ((uint64_t)1, v);
	}
	sleep(1);
	atomic_store(&c.stop, 1);
	for (i = 0; i < 4; i++)
		pthread_join(thr[i], NULL);
	TH_LOG("%ld munmap rounds, %ld read rounds", c.rounds, c.reads);
	ASSERT_GT(c.rounds, 0);
	/* Freshly loaded a second ago with flushers running: it counted. */
	ASSERT_EQ(0, vmlab_stat("tlbstat", "stats", "ipi_sent", &v));
	ASSERT_GT(v, (uint64_t)0);
}

/* enable=0 at load: nothing is attached and nothing counts until enabled. */
TEST_F_TIMEOUT(reload, load_disabled, 60)
{
	uint64_t v;
	char *p;

	ASSERT_EQ(0, unload());
	ASSERT_EQ(0, load(self->fd, "enable=0"));
	ASSERT_EQ(0, vmlab_read_u64("tlbstat", "enable", &v));
	ASSERT_EQ((uint64_t)0, v);
	p = tlb_map(8);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, tlb_do(TLB_MUNMAP, p, 8, false));
	ASSERT_EQ(0, vmlab_stat("tlbstat", "stats", "task_switch", &v));
	ASSERT_EQ((uint64_t)0, v);
	ASSERT_EQ(0, vmlab_stat("tlbstat", "stats", "local_mm_shootdown", &v));
	ASSERT_EQ((uint64_t)0, v);
	ASSERT_EQ(0, vmlab_write_u64("tlbstat", "enable", 1));
	p = tlb_map(8);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, tlb_do(TLB_MUNMAP, p, 8, false));
	ASSERT_EQ(0, vmlab_stat("tlbstat", "stats", "local_mm_shootdown", &v));
	ASSERT_GT(v, (uint64_t)0);
	ASSERT_EQ(0, unload());
	ASSERT_EQ(0, load(self->fd, ""));
}

TEST_HARNESS_MAIN
