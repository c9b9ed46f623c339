// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab dax: mappings (PMD when aligned, 4 KiB otherwise, with the reason
 * counted), contents across unmap and module reload, the documented errnos,
 * fsync flushing exactly the dirty pages, and crash injection reverting
 * exactly the pages written since their last durable point; mremap past
 * the end, shrinking and moving; memory_failure() on a mapped page.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "vmlab_test.h"
#include "vmlab/dax.h"

#define PG 4096UL
#define SZ_2M (2UL << 20)
#define KO "/vmlab/modules/vmlab_dax.ko"
#define CRASH_PARAM "/sys/module/vmlab_dax/parameters/crash_inject"

static uint64_t stat_of(const char *name)
{
	uint64_t v = UINT64_MAX;

	vmlab_stat("dax", "stats", name, &v);
	return v;
}

static uint64_t info_of(const char *name)
{
	uint64_t v = UINT64_MAX;

	vmlab_stat("dax", "info", name, &v);
	return v;
}

/* A free, 2 MiB-aligned address with @len bytes after it. */
static char *aligned_hole(size_t len)
{
	char *p = mmap(NULL, len + SZ_2M, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p, len + SZ_2M);
	return (char *)(((uintptr_t)p + SZ_2M - 1) & ~(SZ_2M - 1));
}

static void fill(char *p, size_t len, int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (char)(seed + i * 7);
}

static int same(const char *p, size_t len, int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != (char)(seed + i * 7))
			return 0;
	return 1;
}

/* Touch a byte and report the signal it raised (0 if none) and its siginfo. */
static sigjmp_buf touch_jmp;
static volatile sig_atomic_t touch_armed;
static volatile int last_sig, last_code, last_lsb;
static void *volatile last_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	last_sig = sig;
	last_code = si->si_code;
	last_addr = si->si_addr;
	last_lsb = si->si_addr_lsb;
	if (touch_armed)
		siglongjmp(touch_jmp, 1);
}

/* si_addr counts only above si_addr_lsb: a 2 MiB mapping is reported whole. */
static int same_granule(void *a, void *b, int lsb)
{
	return ((uintptr_t)a >> lsb) == ((uintptr_t)b >> lsb);
}

static void catch_faults(void)
{
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO };

	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	last_sig = 0;
}

static int touch(volatile char *addr, int write)
{
	last_sig = 0;
	if (!sigsetjmp(touch_jmp, 1)) {
		touch_armed = 1;
		if (write)
			*addr = 1;
		else
			(void)*addr;
	}
	touch_armed = 0;
	return last_sig;
}

FIXTURE(dax) {
	int fd;
	struct vmlab_dax_info info;
	int pmd;
};

FIXTURE_SETUP(dax)
{
	if (!vmlab_loaded("dax"))
		SKIP(return, "vmlab_dax is not loaded");
	self->fd = open(VMLAB_DAX_DEVICE, O_RDWR);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(ioctl(self->fd, VMLAB_DAX_IOC_INFO, &self->info), 0);
	ASSERT_GE(self->info.size, 4 * SZ_2M);
	self->pmd = !!(self->info.flags & VMLAB_DAX_PMD);
	/* Start every test from a durable device. */
	ASSERT_EQ(fsync(self->fd), 0);
}

FIXTURE_TEARDOWN(dax)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(dax, info_matches_debugfs)
{
	ASSERT_EQ(self->info.size, info_of("size"));
	ASSERT_EQ(self->info.phys_start, info_of("phys_start"));
	ASSERT_EQ(!!(self->info.flags & VMLAB_DAX_PERSISTENT), info_of("persistent"));
	ASSERT_EQ(self->pmd, info_of("pmd_capable"));
	ASSERT_EQ(self->info.dirty_pages, 0);
	ASSERT_EQ(info_of("dirty_pages"), 0);
	TH_LOG("backing: %s, %llu MiB at %#llx, pmd %d",
	       self->info.flags & VMLAB_DAX_PERSISTENT ? "persistent" : "volatile",
	       (unsigned long long)self->info.size >> 20,
	       (unsigned long long)self->info.phys_start, self->pmd);
}

TEST_F(dax, misuse_errnos)
{
	struct vmlab_dax_range r;
	int ro;

	errno = 0;
	ASSERT_EQ(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, self->fd, 0), MAP_FAILED);
	ASSERT_EQ(errno, EINVAL);
	ASSERT_EQ(mmap(NULL, self->info.size + PG, PROT_READ, MAP_SHARED, self->fd, 0),
		  MAP_FAILED);
	ASSERT_EQ(errno, ENXIO);
	ASSERT_EQ(mmap(NULL, PG, PROT_READ, MAP_SHARED, self->fd, self->info.size),
		  MAP_FAILED);
	ASSERT_EQ(errno, ENXIO);
	ASSERT_EQ(mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, self->fd,
		       self->info.size - PG), MAP_FAILED);
	ASSERT_EQ(errno, ENXIO);

	ro = open(VMLAB_DAX_DEVICE, O_RDONLY);
	ASSERT_GE(ro, 0);
	ASSERT_EQ(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), MAP_FAILED);
	ASSERT_EQ(errno, EACCES);
	close(ro);

	r.offset = self->info.size - PG;
	r.length = 2 * PG;
	ASSERT_EQ(ioctl(self->fd, VMLAB_DAX_IOC_PERSIST, &r), -1);
	ASSERT_EQ(errno, EINVAL);
	r.offset = PG;
	r.length = UINT64_MAX;
	ASSERT_EQ(ioctl(self->fd, VMLAB_DAX_IOC_PERSIST, &r), -1);
	ASSERT_EQ(errno, EINVAL);
	r.offset = self->info.size - PG;
	r.length = PG;
	ASSERT_EQ(ioctl(self->fd, VMLAB_DAX_IOC_PERSIST, &r), 0);
	ASSERT_EQ(ioctl(self->fd, _IO(VMLAB_DAX_IOC_MAGIC, 99), 0), -1);
	ASSERT_EQ(errno, ENOTTY);
}

TEST_F(dax, read_write_lseek_edges)
{
	off_t size = self->info.size;
	char buf[2 * PG];

	ASSERT_EQ(lseek(self->fd, 0, SEEK_END), size);
	ASSERT_EQ(lseek(self->fd, 1, SEEK_END), -1);
	ASSERT_EQ(errno, EINVAL);
	ASSERT_EQ(lseek(self->fd, -1, SEEK_SET), -1);
	ASSERT_EQ(errno, EINVAL);
	ASSERT_EQ(pread(self->fd, buf, sizeof(buf), size), 0);
	ASSERT_EQ(pwrite(self->fd, buf, 1, size), -1);
	ASSERT_EQ(errno, ENOSPC);
	/* A write across the end is cut short at the end. */
	fill(buf, sizeof(buf), 3);
	ASSERT_EQ(pwrite(self->fd, buf, sizeof(buf), size - 100), 100);
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(pread(self->fd, buf, sizeof(buf), size - 100), 100);
	ASSERT_TRUE(same(buf, 100, 3));
	ASSERT_EQ(fsync(self->fd), 0);
}

TEST_F(dax, proposes_aligned_addresses)
{
	char *p = mmap(NULL, 2 * SZ_2M, PROT_READ, MAP_SHARED, self->fd, 0);

	ASSERT_NE(p, MAP_FAILED);
	ASSERT_EQ((uintptr_t)p & (SZ_2M - 1), 0);
	munmap(p, 2 * SZ_2M);
	/* Offset 4 KiB: the address is congruent to the offset. */
	p = mmap(NULL, 2 * SZ_2M, PROT_READ, MAP_SHARED, self->fd, SZ_2M + PG);
	ASSERT_NE(p, MAP_FAILED);
	ASSERT_EQ((uintptr_t)p & (SZ_2M - 1), PG);
	munmap(p, 2 * SZ_2M);
}

TEST_F(dax, pmd_when_aligned)
{
	uint64_t pmd0 = stat_of("fault_pmd"), pte0 = stat_of("fault_pte");
	uint64_t nopmd0 = stat_of("pmd_fallback_no_pmd_support");
	uint64_t mapped0 = stat_of("bytes_mapped"), flush0;
	char *p = mmap(NULL, 2 * SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
		       2 * SZ_2M);

	ASSERT_NE(p, MAP_FAILED);
	p[0] = 1;
	p[SZ_2M + 5] = 2;
	p[SZ_2M - 1] = 3;	/* same PMD as p[0]: no fault */
	if (self->pmd) {
		ASSERT_EQ(stat_of("fault_pmd") - pmd0, 2);
		ASSERT_EQ(stat_of("fault_pte") - pte0, 0);
		ASSERT_EQ(stat_of("bytes_mapped") - mapped0, 2 * SZ_2M);
	} else {
		/* Huge faults reach a VMA only if vma_is_dax() (CONFIG_FS_DAX). */
		ASSERT_LE(stat_of("pmd_fallback_no_pmd_support") - nopmd0, 2);
		ASSERT_EQ(stat_of("fault_pmd") - pmd0, 0);
		ASSERT_EQ(stat_of("fault_pte") - pte0, 3);
	}
	/* A PMD write dirties all its 512 pages; fsync flushes them all. */
	flush0 = stat_of("flush_bytes");
	ASSERT_EQ(fsync(self->fd), 0);
	ASSERT_EQ(stat_of("flush_bytes") - flush0, self->pmd ? 2 * SZ_2M : 3 * PG);
	if (self->pmd) {
		uint64_t mk0 = stat_of("mkwrite_pmd");
		volatile char c;

		/* fsync zapped the PMDs: a read maps 2 MiB read-only, ... */
		pmd0 = stat_of("fault_pmd");
		c = p[0];
		ASSERT_EQ(c, 1);
		ASSERT_EQ(stat_of("fault_pmd") - pmd0, 1);
		/* ... and the first write makes it writable. */
		p[1] = 4;
		ASSERT_EQ(stat_of("mkwrite_pmd") - mk0, 1);
		ASSERT_EQ(stat_of("fault_pmd") - pmd0, 1);
		ASSERT_EQ(info_of("dirty_pages"), 512);
		ASSERT_EQ(fsync(self->fd), 0);
	}
	munmap(p, 2 * SZ_2M);
}

TEST_F(dax, pte_when_unaligned)
{
	uint64_t pmd0 = stat_of("fault_pmd"), pte0 = stat_of("fault_pte");
	uint64_t range0 = stat_of("pmd_fallback_vma_range");
	uint64_t unal0 = stat_of("pmd_fallback_unaligned");
	char *hole = aligned_hole(3 * SZ_2M), *p;
	size_t i;

	ASSERT_NE(hole, NULL);
	/* Address 4 KiB past a 2 MiB boundary, offset 0: 3 blocks touched. */
	p = mmap(hole + PG, 2 * SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 self->fd, 0);
	ASSERT_EQ(p, hole + PG);
	for (i = 0; i < 2 * SZ_2M; i += PG)
		p[i] = 1;
	ASSERT_EQ(stat_of("fault_pmd") - pmd0, 0);
	ASSERT_EQ(stat_of("fault_pte") - pte0, 2 * SZ_2M / PG);
	if (self->pmd) {
		/* First and last blocks are partly outside the VMA. */
		ASSERT_EQ(stat_of("pmd_fallback_vma_range") - range0, 2);
		ASSERT_EQ(stat_of("pmd_fallback_unaligned") - unal0, 1);
	}
	munmap(p, 2 * SZ_2M);

	/* Aligned address, offset 4 KiB: every block is misaligned. */
	pte0 = stat_of("fault_pte");
	unal0 = stat_of("pmd_fallback_unaligned");
	p = mmap(hole, 2 * SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 self->fd, PG);
	ASSERT_EQ(p, hole);
	p[0] = 1;
	p[SZ_2M] = 1;
	ASSERT_EQ(stat_of("fault_pte") - pte0, 2);
	ASSERT_EQ(stat_of("fault_pmd") - pmd0, 0);
	if (self->pmd)
		ASSERT_EQ(stat_of("pmd_fallback_unaligned") - unal0, 2);
	munmap(p, 2 * SZ_2M);
	ASSERT_EQ(fsync(self->fd), 0);
}

TEST_F(dax, contents_survive_unmap_and_remap)
{
	const off_t off = 5 * SZ_2M;
	char *p, buf[3 * PG];

	p = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, off);
	ASSERT_NE(p, MAP_FAILED);
	fill(p + 3 * PG, 3 * PG, 41);
	ASSERT_EQ(munmap(p, 16 * PG), 0);

	p = mmap(NULL, SZ_2M, PROT_READ, MAP_SHARED, self->fd, off);
	ASSERT_NE(p, MAP_FAILED);
	ASSERT_TRUE(same(p + 3 * PG, 3 * PG, 41));
	ASSERT_EQ(pread(self->fd, buf, sizeof(buf), off + 3 * PG), sizeof(buf));
	ASSERT_TRUE(same(buf, sizeof(buf), 41));
	/* And write() is seen through the mapping. */
	fill(buf, PG, 77);
	ASSERT_EQ(pwrite(self->fd, buf, PG, off + 10 * PG), PG);
	ASSERT_TRUE(same(p + 10 * PG, PG, 77));
	munmap(p, SZ_2M);
	ASSERT_EQ(fsync(self->fd), 0);
}

TEST_F(dax, fsync_flushes_exactly_the_dirty_pages)
{
	uint64_t flush0, clean0, mk0, pte0;
	struct vmlab_dax_info info;
	char *p = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
		       7 * SZ_2M);
	volatile char c;

	ASSERT_NE(p, MAP_FAILED);
	p[1 * PG] = 1;
	p[2 * PG + 100] = 2;
	p[9 * PG] = 3;
	ASSERT_EQ(ioctl(self->fd, VMLAB_DAX_IOC_INFO, &info), 0);
	ASSERT_EQ(info.dirty_pages, 3);
	flush0 = stat_of("flush_bytes");
	clean0 = stat_of("fsync_clean");
	ASSERT_EQ(fsync(self->fd), 0);
	ASSERT_EQ(stat_of("flush_bytes") - flush0, 3 * PG);
	ASSERT_EQ(stat_of("fsync_clean") - clean0, 0);
	/* A clean device: nothing flushed. */
	ASSERT_EQ(fsync(self->fd), 0);
	ASSERT_EQ(stat_of("flush_bytes") - flush0, 3 * PG);
	ASSERT_EQ(stat_of("fsync_clean") - clean0, 1);

	/* Read maps read-only; the first write then comes through mkwrite. */
	pte0 = stat_of("fault_pte");
	mk0 = stat_of("mkwrite_pte");
	c = p[1 * PG];
	ASSERT_EQ(c, 1);
	ASSERT_EQ(stat_of("fault_pte") - pte0, 1);
	p[1 * PG] = 4;
	ASSERT_EQ(stat_of("mkwrite_pte") - mk0, 1);
	ASSERT_EQ(stat_of("fault_pte") - pte0, 1);
	/* msync of the mapping flushes it. */
	ASSERT_EQ(msync(p, 16 * PG, MS_SYNC), 0);
	ASSERT_EQ(stat_of("flush_bytes") - flush0, 4 * PG);
	munmap(p, 16 * PG);
}

TEST_F(dax, unload_refused_while_mapped)
{
	char *p = mmap(NULL, PG, PROT_READ, MAP_SHARED, self->fd, 0);

	ASSERT_NE(p, MAP_FAILED);
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(syscall(SYS_delete_module, "vmlab_dax", O_NONBLOCK), -1);
	ASSERT_EQ(errno, EWOULDBLOCK);
	munmap(p, PG);
}

static int set_crash(int on)
{
	return vmlab_write_path(CRASH_PARAM, on ? "1\n" : "0\n", 2);
}

TEST_F(dax, crash_injection_reverts_exactly_the_dirty_pages)
{
	uint64_t rev0, tracked0, crashfb0;
	char *p, *q, buf[PG], c;
	int i;

	ASSERT_EQ(set_crash(0), 0);
	ASSERT_EQ(vmlab_write("dax", "inject_power_loss", "1\n"), -EOPNOTSUPP);
	ASSERT_EQ(vmlab_write("dax", "inject_power_loss", "x\n"), -EINVAL);

	p = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 9 * SZ_2M);
	ASSERT_NE(p, MAP_FAILED);
	for (i = 0; i < 16; i++)
		fill(p + i * PG, PG, 10);
	/* Written before crash injection: made durable by turning it on. */
	ASSERT_EQ(set_crash(1), 0);
	ASSERT_EQ(info_of("crash_inject"), 1);
	ASSERT_EQ(info_of("dirty_pages"), 0);
	rev0 = stat_of("crash_pages_reverted");
	tracked0 = stat_of("crash_pages_tracked");

	fill(p + 2 * PG, PG, 20);
	fill(p + 5 * PG + 1000, 100, 20);
	fill(p + 7 * PG, PG, 20);
	fill(buf, PG, 30);
	ASSERT_EQ(pwrite(self->fd, buf, PG, 9 * SZ_2M + 9 * PG), PG);
	/* Page 11 is written and made durable: it must survive. */
	fill(p + 11 * PG, PG, 40);
	{
		struct vmlab_dax_range r = { 9 * SZ_2M + 11 * PG, PG };

		ASSERT_EQ(ioctl(self->fd, VMLAB_DAX_IOC_PERSIST, &r), 0);
	}
	ASSERT_EQ(info_of("dirty_pages"), 4);
	ASSERT_EQ(stat_of("crash_pages_tracked") - tracked0, 5);

	ASSERT_EQ(vmlab_write("dax", "inject_power_loss", "1\n"), 0);
	ASSERT_EQ(stat_of("crash_pages_reverted") - rev0, 4);
	ASSERT_EQ(info_of("dirty_pages"), 0);
	ASSERT_EQ(info_of("shadow_pages"), 0);
	for (i = 0; i < 16; i++) {
		int seed = i == 11 ? 40 : 10;

		ASSERT_TRUE(same(p + i * PG, PG, seed)) TH_LOG("page %d", i);
	}

	/* With crash injection on, aligned mappings use 4 KiB pages. */
	crashfb0 = stat_of("pmd_fallback_crash_inject");
	q = mmap(NULL, SZ_2M, PROT_READ, MAP_SHARED, self->fd, 10 * SZ_2M);
	ASSERT_NE(q, MAP_FAILED);
	c = *(volatile char *)q;
	(void)c;
	if (self->pmd)
		ASSERT_EQ(stat_of("pmd_fallback_crash_inject") - crashfb0, 1);
	munmap(q, SZ_2M);
	munmap(p, 16 * PG);
	ASSERT_EQ(set_crash(0), 0);
	ASSERT_EQ(info_of("crash_inject"), 0);
}

/*
 * Turning crash injection on and off while faults run: a 2 MiB block may
 * get 4 KiB mappings (and a page table) while it is on and a PMD fault
 * after it is off; the kernel log must stay clean and the data right.
 */
TEST_F(dax, crash_toggle_races_faults)
{
	pid_t pid = fork();
	int i, status;

	ASSERT_GE(pid, 0);
	if (!pid) {
		/* Hold no reference to the module; die with the test. */
		close(self->fd);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (i = 0; i < 60; i++)
			set_crash(i & 1);
		set_crash(0);
		_exit(0);
	}
	for (i = 0; i < 60; i++) {
		char *p = mmap(NULL, 2 * SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED,
			       self->fd, 13 * SZ_2M);
		volatile char *v = p;

		ASSERT_NE(p, MAP_FAILED);
		v[SZ_2M + 300 * PG] = (char)i;
		(void)v[0];	/* a read fault first */
		v[0] = (char)(i + 1);
		v[100 * PG] = (char)(i + 2);
		ASSERT_EQ(v[0], (char)(i + 1));
		ASSERT_EQ(v[100 * PG], (char)(i + 2));
		ASSERT_EQ(v[SZ_2M + 300 * PG], (char)i);
		munmap(p, 2 * SZ_2M);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_EQ(status, 0);
	ASSERT_EQ(info_of("crash_inject"), 0);
	ASSERT_EQ(fsync(self->fd), 0);
}

/*
 * The VMA is neither VM_PFNMAP nor VM_DONTEXPAND (as device-dax's), so
 * mremap may grow a mapping of the whole device past its end; the pages
 * past the end then get SIGBUS (BUS_ADRERR) from the fault handler.
 * Shrinking and moving (to a 2 MiB-aligned address, where PMDs move
 * whole, and to a misaligned one, where they are split, i.e. zapped) keep
 * the contents, and writes through the moved mapping are still tracked.
 */
TEST_F(dax, mremap_past_end_shrink_and_move)
{
	size_t size = self->info.size, big = size + 2 * SZ_2M;
	uint64_t sigbus0, pastend0, flush0;
	char *p, *q, *hole;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(p, MAP_FAILED);
	fill(p + 3 * PG, PG, 51);
	fill(p + SZ_2M + 7 * PG, PG, 52);
	fill(p + size - PG, PG, 53);
	ASSERT_EQ(fsync(self->fd), 0);

	q = mremap(p, size, big, MREMAP_MAYMOVE);
	ASSERT_NE(q, MAP_FAILED);
	ASSERT_TRUE(same(q + 3 * PG, PG, 51));
	ASSERT_TRUE(same(q + size - PG, PG, 53));
	catch_faults();
	sigbus0 = stat_of("fault_sigbus");
	pastend0 = stat_of("pmd_fallback_past_end");
	ASSERT_EQ(touch(q + size, 0), SIGBUS);
	ASSERT_EQ(last_code, BUS_ADRERR);
	ASSERT_EQ(last_addr, q + size);
	ASSERT_EQ(touch(q + size + SZ_2M + 5 * PG, 1), SIGBUS);
	ASSERT_EQ(last_addr, q + size + SZ_2M + 5 * PG);
	ASSERT_EQ(stat_of("fault_sigbus") - sigbus0, 2);
	/* The mapping is 2 MiB aligned: each block past the end is refused. */
	if (self->pmd)
		ASSERT_EQ(stat_of("pmd_fallback_past_end") - pastend0, 2);
	ASSERT_EQ(info_of("dirty_pages"), 0);

	/* Shrink to 4 blocks: the rest is gone, the contents stay. */
	ASSERT_EQ(mremap(q, big, 4 * SZ_2M, 0), q);
	ASSERT_TRUE(same(q + 3 * PG, PG, 51));
	ASSERT_EQ(touch(q + 4 * SZ_2M, 0), SIGSEGV);

	/* Move to a 2 MiB-aligned address, then to a misaligned one. */
	hole = aligned_hole(9 * SZ_2M);
	ASSERT_NE(hole, NULL);
	p = mremap(q, 4 * SZ_2M, 4 * SZ_2M, MREMAP_MAYMOVE | MREMAP_FIXED, hole);
	ASSERT_EQ(p, hole);
	ASSERT_TRUE(same(p + 3 * PG, PG, 51));
	ASSERT_TRUE(same(p + SZ_2M + 7 * PG, PG, 52));
	ASSERT_EQ(touch(q, 0), SIGSEGV);
	q = mremap(p, 4 * SZ_2M, 4 * SZ_2M, MREMAP_MAYMOVE | MREMAP_FIXED,
		   hole + 4 * SZ_2M + PG);
	ASSERT_EQ(q, hole + 4 * SZ_2M + PG);
	ASSERT_TRUE(same(q + 3 * PG, PG, 51));
	ASSERT_TRUE(same(q + SZ_2M + 7 * PG, PG, 52));

	/* A write through the moved mapping dirties exactly its page. */
	fill(q + SZ_2M + 7 * PG, PG, 54);
	ASSERT_EQ(info_of("dirty_pages"), 1);
	flush0 = stat_of("flush_bytes");
	ASSERT_EQ(fsync(self->fd), 0);
	ASSERT_EQ(stat_of("flush_bytes") - flush0, PG);
	ASSERT_EQ(munmap(q, 4 * SZ_2M), 0);
}

/*
 * One block mapped 2 MiB by one mapping and 4 KiB by another.  Where a PMD
 * maps a folio (7.2: "pmd_folios" counts the blocks that are one), the
 * 4 KiB fault takes the PMD down and makes the block order-0 pages again,
 * and the first mapping then faults 4 KiB too (pmd_fallback_busy) until
 * the second one is gone.  Everywhere the contents stay and the block is
 * mapped 2 MiB again once nothing maps it 4 KiB.
 */
TEST_F(dax, pmd_and_pte_share_a_block)
{
	const off_t off = 20 * SZ_2M;
	uint64_t pmd0, busy0, folios;
	char *a, *b, *hole;

	if (self->info.size < 21 * SZ_2M)
		SKIP(return, "device smaller than 42 MiB");
	a = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, off);
	ASSERT_NE(a, MAP_FAILED);
	pmd0 = stat_of("fault_pmd");
	fill(a, SZ_2M, 81);
	ASSERT_EQ(stat_of("fault_pmd") - pmd0, self->pmd ? 1 : 0);
	folios = info_of("pmd_folios");

	hole = aligned_hole(2 * SZ_2M);
	ASSERT_NE(hole, NULL);
	b = mmap(hole + PG, SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 self->fd, off);
	ASSERT_EQ(b, hole + PG);
	ASSERT_TRUE(same(b, SZ_2M, 81));
	if (folios)
		ASSERT_EQ(info_of("pmd_folios"), folios - 1);

	busy0 = stat_of("pmd_fallback_busy");
	pmd0 = stat_of("fault_pmd");
	ASSERT_TRUE(same(a, SZ_2M, 81));
	fill(b + 5 * PG, PG, 82);
	ASSERT_TRUE(same(a + 5 * PG, PG, 82));
	if (folios) {
		ASSERT_EQ(stat_of("pmd_fallback_busy") - busy0, 1);
		ASSERT_EQ(stat_of("fault_pmd") - pmd0, 0);
	}
	ASSERT_EQ(munmap(b, SZ_2M), 0);
	ASSERT_EQ(munmap(a, SZ_2M), 0);

	a = mmap(NULL, SZ_2M, PROT_READ, MAP_SHARED, self->fd, off);
	ASSERT_NE(a, MAP_FAILED);
	pmd0 = stat_of("fault_pmd");
	ASSERT_TRUE(same(a + 5 * PG, PG, 82));
	ASSERT_EQ(stat_of("fault_pmd") - pmd0, self->pmd ? 1 : 0);
	if (folios)
		ASSERT_EQ(info_of("pmd_folios"), folios);
	ASSERT_EQ(munmap(a, SZ_2M), 0);
	ASSERT_EQ(fsync(self->fd), 0);
}

/*
 * memory_failure() on a mapped page (MADV_HWPOISON: the generic handler,
 * as for a machine check): every process that maps it gets SIGBUS
 * (BUS_MCEERR_AR for the caller, with the mapping's size in si_addr_lsb
 * and an address in that mapping, the block's first byte on 7.2;
 * BUS_MCEERR_AO at once for those that asked for early kills, the others
 * when they touch it), the page is never mapped again
 * (VM_FAULT_HWPOISON), its 2 MiB block (only that one is unmapped) falls
 * back to 4 KiB mappings, the other pages keep their contents, and
 * read()/write() stop short of it (EIO on it).  It stays poisoned until
 * the module is reloaded.
 */
TEST_F(dax, memory_failure_kills_mappers)
{
	const off_t off = 16 * SZ_2M;
	uint64_t hw0, fbp0, pte0, pmd0;
	int ready[2], go[2], status, i;
	char *p, c, buf[2 * PG];
	pid_t pid[2];

	if (!info_of("struct_pages"))
		SKIP(return, "no struct pages: memory_failure() cannot see the pfns");
	if (self->info.size < 18 * SZ_2M)
		SKIP(return, "device smaller than 36 MiB");
	p = mmap(NULL, 2 * SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, off);
	ASSERT_NE(p, MAP_FAILED);
	fill(p, 2 * SZ_2M, 61);
	ASSERT_EQ(fsync(self->fd), 0);
	ASSERT_TRUE(same(p, 2 * SZ_2M, 61));

	/*
	 * Two other mappers of the page: one asked for early kills (signalled
	 * when the poison is found), one did not (signalled when it touches
	 * the page again).
	 */
	ASSERT_EQ(pipe(ready), 0);
	ASSERT_EQ(pipe(go), 0);
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		ASSERT_GE(pid[i], 0);
		if (pid[i])
			continue;
		if (!i)
			prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_EARLY, 0, 0);
		c = *(volatile char *)(p + 3 * PG);
		if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(2);
		c = *(volatile char *)(p + 3 * PG);
		_exit(3);
	}
	ASSERT_EQ(read(ready[0], &c, 1), 1);
	ASSERT_EQ(read(ready[0], &c, 1), 1);

	catch_faults();
	hw0 = stat_of("fault_hwpoison");
	if (madvise(p + 3 * PG, PG, MADV_HWPOISON)) {
		int e = errno;

		kill(pid[0], SIGKILL);
		kill(pid[1], SIGKILL);
		waitpid(pid[0], NULL, 0);
		waitpid(pid[1], NULL, 0);
		munmap(p, 2 * SZ_2M);
		if (e == EINVAL)
			SKIP(return, "kernel without CONFIG_MEMORY_FAILURE");
		ASSERT_EQ(e, 0);
	}
	/* The caller is signalled on the way out of madvise(). */
	ASSERT_EQ(last_sig, SIGBUS);
	ASSERT_EQ(last_code, BUS_MCEERR_AR);
	ASSERT_EQ(last_lsb, self->pmd ? 21 : 12);
	ASSERT_TRUE(same_granule(last_addr, p + 3 * PG, last_lsb));
	ASSERT_EQ(waitpid(pid[0], &status, 0), pid[0]);
	ASSERT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(WTERMSIG(status), SIGBUS);
	ASSERT_EQ(waitpid(pid[1], &status, WNOHANG), 0);
	ASSERT_EQ(write(go[1], "gg", 2), 2);
	ASSERT_EQ(waitpid(pid[1], &status, 0), pid[1]);
	ASSERT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(WTERMSIG(status), SIGBUS);
	ASSERT_EQ(stat_of("fault_hwpoison") - hw0, 1);
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
	ASSERT_EQ(info_of("poisoned_pages"), 1);

	/* The page itself: refused, with the hardware-poison SIGBUS. */
	ASSERT_EQ(touch(p + 3 * PG + 10, 0), SIGBUS);
	ASSERT_EQ(last_code, BUS_MCEERR_AR);
	ASSERT_EQ(last_addr, p + 3 * PG + 10);
	ASSERT_EQ(last_lsb, 12);
	ASSERT_EQ(stat_of("fault_hwpoison") - hw0, 2);

	/*
	 * Its block: 4 KiB mappings, contents intact; the next one:
	 * untouched.  Only what mapped the page is unmapped: its whole block
	 * when it was PMD-mapped (refaulted 4 KiB at a time), else the page
	 * alone (its neighbours stay mapped: no fault).
	 */
	fbp0 = stat_of("pmd_fallback_poison");
	pte0 = stat_of("fault_pte");
	pmd0 = stat_of("fault_pmd");
	ASSERT_TRUE(same(p + 4 * PG, PG, 61 + 4 * PG * 7));
	ASSERT_EQ(stat_of("fault_pte") - pte0, self->pmd ? 1 : 0);
	if (self->pmd)
		ASSERT_EQ(stat_of("pmd_fallback_poison") - fbp0, 1);
	ASSERT_TRUE(same(p + SZ_2M, SZ_2M, 61 + SZ_2M * 7));
	ASSERT_EQ(stat_of("fault_pmd") - pmd0, 0);
	ASSERT_EQ(stat_of("fault_pte") - pte0, self->pmd ? 1 : 0);

	/* read()/write() stop short of it. */
	ASSERT_EQ(pread(self->fd, buf, sizeof(buf), off + 2 * PG), PG);
	ASSERT_TRUE(same(buf, PG, 61 + 2 * PG * 7));
	ASSERT_EQ(pread(self->fd, buf, sizeof(buf), off + 3 * PG + 1), -1);
	ASSERT_EQ(errno, EIO);
	ASSERT_EQ(pwrite(self->fd, buf, sizeof(buf), off + 3 * PG), -1);
	ASSERT_EQ(errno, EIO);
	munmap(p, 2 * SZ_2M);
	ASSERT_EQ(fsync(self->fd), 0);
}

/* Last: it unloads and reloads the module (without parameters). */
TEST_F(dax, contents_survive_module_reload)
{
	const off_t off = 11 * SZ_2M + 3 * PG;
	struct vmlab_dax_info info;
	char buf[2 * PG];
	int ko;

	if (!(self->info.flags & VMLAB_DAX_PERSISTENT))
		SKIP(return, "RAM backing does not survive a reload");
	ko = open(KO, O_RDONLY);
	if (ko < 0)
		SKIP(return, "%s not found", KO);
	fill(buf, sizeof(buf), 99);
	ASSERT_EQ(pwrite(self->fd, buf, sizeof(buf), off), sizeof(buf));
	ASSERT_EQ(fsync(self->fd), 0);
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(syscall(SYS_delete_module, "vmlab_dax", O_NONBLOCK), 0);
	ASSERT_EQ(access(VMLAB_DAX_DEVICE, F_OK), -1);
	ASSERT_EQ(syscall(SYS_finit_module, ko, "", 0), 0);
	close(ko);
	self->fd = open(VMLAB_DAX_DEVICE, O_RDWR);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(ioctl(self->fd, VMLAB_DAX_IOC_INFO, &info), 0);
	ASSERT_EQ(info.phys_start, self->info.phys_start);
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(pread(self->fd, buf, sizeof(buf), off), sizeof(buf));
	ASSERT_TRUE(same(buf, sizeof(buf), 99));
}

TEST_HARNESS_MAIN
