// SPDX-License-Identifier: GPL-2.0
/*
 * samepage merge domains: identical pages of regions of two owners (two
 * uids, or two memory cgroups) never merge at merge_across_owners=0 and
 * do at 1; a named domain (VMLAB_SAMEPAGE_IOC_SET_DOMAIN) merges across
 * owners; the domains file counts each domain's regions and pages; bad
 * input changes nothing.
 *
 * A region's owner is fixed at open(): the effective uid of the opener and
 * its memory cgroup.  So each region is opened by a child that has become
 * the owner first (or, to show the rule, only after the open), which fills
 * the pages and waits while the test (root) takes the region from it with
 * pidfd_getfd() (the debug kernels have no AF_UNIX for SCM_RIGHTS) and
 * checks the stats and the bytes.  The device node is root-only:
 * a child of another uid opens a private node of the same device, owned
 * by that uid, in a directory of the test's own.
 *
 * The probe_* cases are the classic side-channel probe, asserted on what
 * an attacker observes rather than on time (timed tests are flaky, and
 * speed lives in tools/bench/samepage-probe.sh): a write to a page that
 * was merged is a COW break, which is a page fault, so a right guess of
 * another region's page shows as faults on the attacker's write where a
 * wrong guess shows none.  Across owners at merge_across_owners=0 both
 * guesses must fault alike and nothing may merge; within one owner, or
 * at 1, the same probe must tell them apart, so that the test can fail.
 */
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "samepage_test.h"

#define OWNERS 3
#define PAGES 4
#define KEY 0x5eed5eed12345678ULL
#define UID0 1001

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

/* The fixture's state, in a struct of its own for the helpers to take. */
struct env {
	char dir[64];
	char cg[64];
	bool memcg, mounted, skipped;
	uint64_t shared, sharing;
	uint64_t cg_ino[OWNERS];
	uint8_t *map[OWNERS];
	int fd[OWNERS];
};

FIXTURE(domain) {
	struct env e;
};

/* What tells the owners apart: the uid (same memcg), or the memcg (uid 0). */
FIXTURE_VARIANT(domain) {
	bool memcg;
};

FIXTURE_VARIANT_ADD(domain, uid) {
	.memcg = false,
};

FIXTURE_VARIANT_ADD(domain, memcg) {
	.memcg = true,
};

static uid_t owner_uid(const struct env *e, int i)
{
	return e->memcg ? 0 : UID0 + i;
}

static void cg_path(struct env *e, int i, const char *file,
		    char *buf, size_t len)
{
	snprintf(buf, len, "%s/sp-domain-%d%s%s", e->cg, i, file ? "/" : "", file ? file : "");
}

static void cg_cleanup(struct env *e)
{
	char p[128];
	int i;

	if (!e->mounted)
		return;
	for (i = 0; i < OWNERS; i++) {
		cg_path(e, i, NULL, p, sizeof(p));
		rmdir(p);
	}
	umount(e->cg);
	rmdir(e->cg);
	e->mounted = false;
}

/* cgroup v2 at a directory of the test's own, one memory cgroup per owner. */
static const char *cg_setup(struct env *e)
{
	char p[128], buf[256];
	struct stat st;
	int i;

	snprintf(e->cg, sizeof(e->cg), "/tmp/sp-cgroup-XXXXXX");
	if (!mkdtemp(e->cg))
		return "cannot make a directory in /tmp";
	if (mount("none", e->cg, "cgroup2", 0, NULL)) {
		rmdir(e->cg);
		return "cannot mount cgroup v2";
	}
	e->mounted = true;
	snprintf(p, sizeof(p), "%s/cgroup.controllers", e->cg);
	if (vmlab_read_path(p, buf, sizeof(buf)) < 0 || !strstr(buf, "memory"))
		return "no memory controller in cgroup v2 (no CONFIG_MEMCG, or memory on v1)";
	snprintf(p, sizeof(p), "%s/cgroup.subtree_control", e->cg);
	if (vmlab_write_path(p, "+memory", 7))
		return "cannot enable the memory controller for child cgroups";
	for (i = 0; i < OWNERS; i++) {
		cg_path(e, i, NULL, p, sizeof(p));
		rmdir(p);
		if (mkdir(p, 0755) || stat(p, &st))
			return "cannot make a child cgroup";
		/* Its cgroup id, which the domains file prints. */
		e->cg_ino[i] = st.st_ino;
	}
	return NULL;
}

/* Private nodes of the device, sp-<uid>, each owned by its uid and 0600. */
static const char *node_setup(struct env *e)
{
	struct stat st;
	char p[128];
	int i;

	snprintf(e->dir, sizeof(e->dir), "/tmp/sp-node-XXXXXX");
	if (!mkdtemp(e->dir) || chmod(e->dir, 0711))
		return "cannot make a directory in /tmp";
	if (stat(VMLAB_SAMEPAGE_DEV, &st))
		return "no device node";
	/* -1: root's, for opener_is_the_owner. */
	for (i = -1; i < OWNERS; i++) {
		uid_t uid = i < 0 ? 0 : owner_uid(e, i);

		snprintf(p, sizeof(p), "%s/sp-%u", e->dir, uid);
		if (access(p, F_OK) == 0)
			continue;
		if (mknod(p, S_IFCHR | 0600, st.st_rdev) || chown(p, uid, uid))
			return "cannot make a device node in /tmp";
	}
	return NULL;
}

static void node_cleanup(struct env *e)
{
	char p[128];
	int i;

	if (!e->dir[0])
		return;
	for (i = 0; i < OWNERS; i++) {
		snprintf(p, sizeof(p), "%s/sp-%u", e->dir, UID0 + i);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/sp-0", e->dir);
	unlink(p);
	rmdir(e->dir);
	e->dir[0] = 0;
}

/* Take owner @i's identity: its memory cgroup, then its uid. */
static int become(struct env *e, int i)
{
	uid_t uid = owner_uid(e, i);
	char p[128];

	if (e->memcg) {
		cg_path(e, i, "cgroup.procs", p, sizeof(p));
		if (vmlab_write_path(p, "0", 1))
			return -1;
	}
	if (uid && (setresgid(uid, uid, uid) || setresuid(uid, uid, uid)))
		return -1;
	return 0;
}

/*
 * In a child: open a region as owner @i (or as root, and become owner @i
 * only after the open when @after), join @key unless 0, fill its pages
 * with @seed, write its fd number to @up and wait until @down is closed.
 * Returns the exit status.
 */
static int opener(struct env *e, int i, uint64_t key,
		  uint64_t seed, bool after, int up, int down)
{
	char node[128], c;
	uint8_t *m;
	int fd, p;

	if (!after && become(e, i))
		return 1;
	snprintf(node, sizeof(node), "%s/sp-%u", e->dir, after ? 0 : owner_uid(e, i));
	fd = open(node, O_RDWR);
	if (fd < 0)
		return 2;
	if (after && become(e, i))
		return 3;
	if (key && ioctl(fd, VMLAB_SAMEPAGE_IOC_SET_DOMAIN, &key))
		return 4;
	m = mmap(NULL, PAGES * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return 5;
	for (p = 0; p < PAGES; p++)
		sp_fill(m + p * PG, seed);
	if (write(up, &fd, sizeof(fd)) != sizeof(fd))
		return 6;
	/* EOF: the test has the region. */
	return read(down, &c, 1) == 0 ? 0 : 7;
}

/* Region @i: opened by owner @owner and filled as described at opener(). */
static int open_region_as(struct env *e, int i, int owner,
			  uint64_t key, uint64_t seed, bool after)
{
	int up[2], down[2], status, child_fd, pidfd, fd = -1;
	pid_t pid;

	if (pipe(up))
		return -1;
	if (pipe(down))
		goto close_up;
	pid = fork();
	if (pid < 0)
		goto close_down;
	if (!pid) {
		close(up[0]);
		close(down[1]);
		_exit(opener(e, owner, key, seed, after, up[1], down[0]));
	}
	close(up[1]);
	close(down[0]);
	if (read(up[0], &child_fd, sizeof(child_fd)) == sizeof(child_fd)) {
		pidfd = syscall(SYS_pidfd_open, pid, 0);
		if (pidfd >= 0) {
			fd = syscall(SYS_pidfd_getfd, pidfd, child_fd, 0);
			close(pidfd);
		}
	}
	close(down[1]);
	close(up[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "# opener %d exited with %d\n", i, status);
		goto close_fd;
	}
	if (fd < 0) {
		fprintf(stderr, "# pidfd_getfd: %s\n", strerror(errno));
		return -1;
	}
	e->map[i] = mmap(NULL, PAGES * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (e->map[i] == MAP_FAILED) {
		e->map[i] = NULL;
		goto close_fd;
	}
	e->fd[i] = fd;
	return 0;

close_down:
	close(down[0]);
	close(down[1]);
close_up:
	close(up[0]);
	close(up[1]);
	return -1;
close_fd:
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Region @i, opened by owner @i. */
static int open_region(struct env *e, int i,
		       uint64_t key, uint64_t seed, bool after)
{
	return open_region_as(e, i, i, key, seed, after);
}

struct dom {
	uint64_t id, regions, shared, sharing;
};

/*
 * The line of the domains file whose last field is @what ("all",
 * "key=N", "uid=U,memcg=M"), or starts with it when @prefix.  Returns
 * 0, or -1 when there is no such line.
 */
static int domain_line(const char *what, bool prefix, struct dom *d)
{
	char buf[16384], name[128], *line, *save = NULL;
	unsigned long long v[4];
	size_t n = strlen(what);

	if (vmlab_read(SP, "domains", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%llu %llu %llu %llu %127s",
			   &v[0], &v[1], &v[2], &v[3], name) != 5)
			continue;
		if (prefix ? strncmp(name, what, n) : strcmp(name, what))
			continue;
		*d = (struct dom){ v[0], v[1], v[2], v[3] };
		return 0;
	}
	return -1;
}

/* Owner @i's own domain. */
static int owner_domain(struct env *e, int i, struct dom *d)
{
	char what[64];

	if (e->memcg) {
		snprintf(what, sizeof(what), "uid=0,memcg=%llu",
			 (unsigned long long)e->cg_ino[i]);
		return domain_line(what, false, d);
	}
	snprintf(what, sizeof(what), "uid=%u,", UID0 + i);
	return domain_line(what, true, d);
}

static int key_domain(uint64_t key, struct dom *d)
{
	char what[64];

	snprintf(what, sizeof(what), "key=%llu", (unsigned long long)key);
	return domain_line(what, false, d);
}

/* How much a stat moved since the fixture's setup. */
static int64_t delta(uint64_t base, const char *name)
{
	return (int64_t)(sp_stat(name) - base);
}

static void expect_dom(struct __test_metadata *_metadata, int line,
		       const struct dom *d, uint64_t regions, uint64_t shared,
		       uint64_t sharing)
{
	EXPECT_EQ(regions, d->regions) TH_LOG("regions of the domain at line %d", line);
	EXPECT_EQ(shared, d->shared) TH_LOG("pages_shared of the domain at line %d", line);
	EXPECT_EQ(sharing, d->sharing) TH_LOG("pages_sharing of the domain at line %d", line);
}

/* Domain @d has @regions regions, @shared merged pages and @sharing sharers. */
#define EXPECT_DOM(d, regions, shared, sharing) \
	expect_dom(_metadata, __LINE__, &(d), regions, shared, sharing)

static void expect_content(struct __test_metadata *_metadata,
			   struct env *e, int nr, uint64_t seed)
{
	struct vmlab_samepage_info info;
	int i, p;

	for (i = 0; i < nr; i++) {
		ASSERT_EQ(0, sp_info(e->fd[i], &info));
		EXPECT_EQ((uint64_t)PAGES, info.merged_pages);
		for (p = 0; p < PAGES; p++)
			EXPECT_EQ(-1, sp_check(e->map[i] + p * PG, seed));
	}
}

FIXTURE_SETUP(domain)
{
	struct env *e = &self->e;
	const char *why;
	int i;

	for (i = 0; i < OWNERS; i++)
		e->fd[i] = -1;
	if (!sp_loaded()) {
		e->skipped = true;
		SKIP(return, "vmlab_samepage is not loaded");
	}
	ASSERT_EQ(0, sp_test_defaults());
	ASSERT_EQ(0U, sp_get("merge_across_owners"));
	e->memcg = variant->memcg;
	why = e->memcg ? cg_setup(e) : NULL;
	if (!why)
		why = node_setup(e);
	if (why) {
		cg_cleanup(e);
		node_cleanup(e);
		e->skipped = true;
		SKIP(return, "%s: %s", why, strerror(errno));
	}
	e->shared = sp_stat("pages_shared");
	e->sharing = sp_stat("pages_sharing");
}

FIXTURE_TEARDOWN(domain)
{
	struct env *e = &self->e;
	int i;

	for (i = 0; i < OWNERS; i++) {
		if (e->map[i])
			munmap(e->map[i], PAGES * PG);
		if (e->fd[i] >= 0)
			close(e->fd[i]);
	}
	/* With the regions gone nothing is merged, so the knob may go back. */
	sp_test_defaults();
	cg_cleanup(e);
	node_cleanup(e);
}

/* At 0 each owner's pages merge among themselves only: 2 merged pages. */
TEST_F(domain, owners_never_merge_at_0)
{
	struct env *e = &self->e;
	struct dom d;
	int i;

	if (e->skipped)
		return;
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, open_region(e, i, 0, 40, false));
	ASSERT_EQ(0, sp_scan(2));
	EXPECT_EQ(2, delta(e->shared, "pages_shared"));
	EXPECT_EQ(2 * (PAGES - 1), delta(e->sharing, "pages_sharing"));
	expect_content(_metadata, e, 2, 40);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, owner_domain(e, i, &d));
		EXPECT_DOM(d, 1, 1, PAGES - 1);
	}
	EXPECT_EQ(-1, domain_line("all", false, &d));
}

/*
 * At 1 they merge into one page; the knob cannot go back to 0 while that
 * page exists, and after run=2 and 0 they merge apart again.
 */
TEST_F(domain, owners_merge_at_1)
{
	struct env *e = &self->e;
	struct dom d;
	int i;

	if (e->skipped)
		return;
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, open_region(e, i, 0, 41, false));
	ASSERT_EQ(0, sp_set("merge_across_owners", 1));
	ASSERT_EQ(0, sp_scan(2));
	EXPECT_EQ(1, delta(e->shared, "pages_shared"));
	EXPECT_EQ(2 * PAGES - 1, delta(e->sharing, "pages_sharing"));
	expect_content(_metadata, e, 2, 41);
	ASSERT_EQ(0, domain_line("all", false, &d));
	EXPECT_EQ(0U, d.id);
	EXPECT_DOM(d, sp_stat("regions"), sp_stat("pages_shared"), sp_stat("pages_sharing"));
	EXPECT_EQ(-1, owner_domain(e, 0, &d));

	EXPECT_EQ(-EBUSY, vmlab_write(SP, "merge_across_owners", "0\n"));
	EXPECT_EQ(1U, sp_get("merge_across_owners"));
	ASSERT_EQ(0, sp_set("run", 2));
	EXPECT_EQ(0, delta(e->shared, "pages_shared"));
	ASSERT_EQ(0, sp_set("merge_across_owners", 0));
	ASSERT_EQ(0, sp_scan(2));
	EXPECT_EQ(2, delta(e->shared, "pages_shared"));
	EXPECT_EQ(2 * (PAGES - 1), delta(e->sharing, "pages_sharing"));
	expect_content(_metadata, e, 2, 41);
}

/*
 * The owner is whoever opened the region, as it was at open(): regions
 * opened by root (in its memory cgroup) merge at 0 even when two other
 * owners mapped and wrote them.
 */
TEST_F(domain, opener_is_the_owner)
{
	struct env *e = &self->e;
	int i;

	if (e->skipped)
		return;
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, open_region(e, i, 0, 42, true));
	ASSERT_EQ(0, sp_scan(2));
	EXPECT_EQ(1, delta(e->shared, "pages_shared"));
	EXPECT_EQ(2 * PAGES - 1, delta(e->sharing, "pages_sharing"));
	expect_content(_metadata, e, 2, 42);
}

/* Two owners in one named domain merge; a third owner stays apart. */
TEST_F(domain, named_domain_merges_across_owners)
{
	struct env *e = &self->e;
	struct dom d;
	int i;

	if (e->skipped)
		return;
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, open_region(e, i, i < 2 ? KEY : 0, 43, false));
	ASSERT_EQ(0, sp_scan(2));
	EXPECT_EQ(2, delta(e->shared, "pages_shared"));
	EXPECT_EQ(2 * PAGES - 1 + PAGES - 1, delta(e->sharing, "pages_sharing"));
	expect_content(_metadata, e, 3, 43);
	ASSERT_EQ(0, key_domain(KEY, &d));
	EXPECT_DOM(d, 2, 1, 2 * PAGES - 1);
	EXPECT_NE(0U, d.id);
	ASSERT_EQ(0, owner_domain(e, 2, &d));
	EXPECT_DOM(d, 1, 1, PAGES - 1);
	/* The first two left their owners' domains, which are gone. */
	EXPECT_EQ(-1, owner_domain(e, 0, &d));
	EXPECT_EQ(-1, owner_domain(e, 1, &d));
}

/*
 * A bad pointer is EFAULT and a region with merged pages cannot move
 * (EBUSY), leaving everything as it was; asking for the domain a region
 * is in succeeds; once unmerged it moves, and key 0 brings it back.
 */
TEST_F(domain, set_domain_errors_change_nothing)
{
	struct env *e = &self->e;
	uint64_t key = KEY, zero = 0;
	struct dom d;
	int i;

	if (e->skipped)
		return;
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, open_region(e, i, 0, 44, false));
	EXPECT_EQ(-1, ioctl(e->fd[0], VMLAB_SAMEPAGE_IOC_SET_DOMAIN, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, owner_domain(e, 0, &d));
	EXPECT_DOM(d, 1, 0, 0);
	EXPECT_EQ(-1, key_domain(KEY, &d));

	ASSERT_EQ(0, sp_scan(2));
	EXPECT_EQ(-1, ioctl(e->fd[0], VMLAB_SAMEPAGE_IOC_SET_DOMAIN, &key));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, key_domain(KEY, &d));
	ASSERT_EQ(0, owner_domain(e, 0, &d));
	EXPECT_DOM(d, 1, 1, PAGES - 1);
	/* Where it is already: nothing to move. */
	EXPECT_EQ(0, ioctl(e->fd[0], VMLAB_SAMEPAGE_IOC_SET_DOMAIN, &zero));
	ASSERT_EQ(0, owner_domain(e, 0, &d));
	EXPECT_DOM(d, 1, 1, PAGES - 1);

	ASSERT_EQ(0, sp_set("run", 2));
	for (i = 0; i < 2; i++)
		EXPECT_EQ(0, ioctl(e->fd[i], VMLAB_SAMEPAGE_IOC_SET_DOMAIN, &key));
	EXPECT_EQ(0, ioctl(e->fd[1], VMLAB_SAMEPAGE_IOC_SET_DOMAIN, &key));
	ASSERT_EQ(0, key_domain(KEY, &d));
	EXPECT_DOM(d, 2, 0, 0);
	ASSERT_EQ(0, sp_scan(2));
	ASSERT_EQ(0, key_domain(KEY, &d));
	EXPECT_DOM(d, 2, 1, 2 * PAGES - 1);
	expect_content(_metadata, e, 2, 44);

	ASSERT_EQ(0, sp_set("run", 2));
	EXPECT_EQ(0, ioctl(e->fd[0], VMLAB_SAMEPAGE_IOC_SET_DOMAIN, &zero));
	ASSERT_EQ(0, key_domain(KEY, &d));
	EXPECT_DOM(d, 1, 0, 0);
	ASSERT_EQ(0, owner_domain(e, 0, &d));
	EXPECT_DOM(d, 1, 0, 0);
}

/* Page seeds of the probe: the victim's secrets, the attacker's guesses. */
#define SECRET 1000
#define WRONG 2000
#define OTHER 3000

/* Page faults the calling thread takes for one write to @p. */
static long write_faults(uint8_t *p)
{
	struct rusage a, b;

	getrusage(RUSAGE_SELF, &a);
	*(volatile uint8_t *)p = 0x5a;
	getrusage(RUSAGE_SELF, &b);
	return (b.ru_minflt - a.ru_minflt) + (b.ru_majflt - a.ru_majflt);
}

struct probe {
	long right, wrong;		/* faults on the attacker's write */
	int64_t merges, cow_breaks;	/* module counters, over the probe */
	uint64_t attacker_merged;	/* merged_pages of the attacker's region */
};

/*
 * Region 0 is the victim's, whose pages hold secrets; region @attacker is
 * the attacker's: page 0 holds a right guess of the victim's page 0, page 1
 * a wrong guess, pages 2 and 3 other content.  Every page of the two
 * regions differs from the others of its region, so nothing merges within
 * a region.  The test writes the pages (the attacker's PTEs are then
 * present and writable), lets the scanner run, and counts the faults of
 * one write to each guess.
 */
static void run_probe(struct __test_metadata *_metadata, struct env *e,
		      int attacker, struct probe *pr)
{
	uint64_t merges = sp_stat("merges"), cow = sp_stat("cow_breaks");
	uint8_t *v = e->map[0], *a = e->map[attacker];
	struct vmlab_samepage_info info;
	int p;

	for (p = 0; p < PAGES; p++) {
		sp_fill(v + p * PG, SECRET + p);
		sp_fill(a + p * PG, p == 0 ? SECRET : p == 1 ? WRONG : OTHER + p);
	}
	ASSERT_EQ(0, sp_scan(2));
	ASSERT_EQ(0, sp_info(e->fd[attacker], &info));
	pr->attacker_merged = info.merged_pages;
	pr->right = write_faults(a);
	pr->wrong = write_faults(a + PG);
	pr->merges = delta(merges, "merges");
	pr->cow_breaks = delta(cow, "cow_breaks");
	TH_LOG("faults on the write: right guess %ld, wrong guess %ld", pr->right, pr->wrong);
	TH_LOG("merges %lld, COW breaks %lld", (long long)pr->merges, (long long)pr->cow_breaks);
}

/* The probe cannot tell a right guess from a wrong one: nothing merged. */
static void expect_blind(struct __test_metadata *_metadata, struct env *e,
			 const struct probe *pr)
{
	EXPECT_EQ(0U, pr->attacker_merged);
	EXPECT_EQ(0, pr->merges);
	EXPECT_EQ(0, delta(e->shared, "pages_shared"));
	EXPECT_EQ(0, pr->cow_breaks);
	EXPECT_EQ(pr->wrong, pr->right);
	EXPECT_EQ(0, pr->right);
}

/* The probe tells: the right guess merged, and its write broke COW. */
static void expect_told(struct __test_metadata *_metadata, struct env *e,
			const struct probe *pr)
{
	EXPECT_EQ(1U, pr->attacker_merged);
	EXPECT_EQ(2, pr->merges);
	EXPECT_EQ(1, pr->cow_breaks);
	EXPECT_EQ(0, pr->wrong);
	EXPECT_LT(pr->wrong, pr->right);
}

/* Two owners at merge_across_owners=0: the probe learns nothing. */
TEST_F(domain, probe_across_owners_is_blind)
{
	struct env *e = &self->e;
	struct probe pr;
	int i;

	if (e->skipped)
		return;
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, open_region(e, i, 0, 45, false));
	run_probe(_metadata, e, 1, &pr);
	expect_blind(_metadata, e, &pr);
	for (i = 0; i < PAGES; i++)
		EXPECT_EQ(-1, sp_check(e->map[0] + i * PG, SECRET + i));
}

/*
 * The positive controls: the same probe between regions of one owner, or
 * of two owners at merge_across_owners=1 or in one named domain, tells.
 */
TEST_F(domain, probe_within_one_owner_tells)
{
	struct env *e = &self->e;
	struct probe pr;
	int i;

	if (e->skipped)
		return;
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, open_region_as(e, i, 0, 0, 46, false));
	run_probe(_metadata, e, 1, &pr);
	expect_told(_metadata, e, &pr);
}

TEST_F(domain, probe_across_owners_at_1_tells)
{
	struct env *e = &self->e;
	struct probe pr;
	int i;

	if (e->skipped)
		return;
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, open_region(e, i, 0, 47, false));
	ASSERT_EQ(0, sp_set("merge_across_owners", 1));
	run_probe(_metadata, e, 1, &pr);
	expect_told(_metadata, e, &pr);
}

TEST_F(domain, probe_in_a_named_domain_tells)
{
	struct env *e = &self->e;
	struct probe pr;
	int i;

	if (e->skipped)
		return;
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, open_region(e, i, KEY, 48, false));
	run_probe(_metadata, e, 1, &pr);
	expect_told(_metadata, e, &pr);
}

TEST_HARNESS_MAIN
