// SPDX-License-Identifier: GPL-2.0
/*
 * The vmlab debugfs tree: present, well-formed, root-only, read-only files
 * refuse writes, and every writable file rejects garbage with a clear errno
 * and keeps its value.
 */
#include <dirent.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "kselftest_harness.h"
#include "vmlab_test.h"

#define MAX_FILES 256

struct entry {
	char path[512];
	mode_t mode;
};

/* Every regular file under vmlab/, one level of module directories deep. */
static int collect(struct entry *out, int max)
{
	DIR *top = opendir(VMLAB_DEBUGFS), *sub;
	struct dirent *d, *f;
	struct stat st;
	int n = 0;

	if (!top)
		return -errno;
	while ((d = readdir(top)) && n < max) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(out[n].path, sizeof(out[n].path), VMLAB_DEBUGFS "/%s", d->d_name);
		if (stat(out[n].path, &st))
			continue;
		if (!S_ISDIR(st.st_mode)) {
			out[n++].mode = st.st_mode;
			continue;
		}
		sub = opendir(out[n].path);
		if (!sub)
			continue;
		while ((f = readdir(sub)) && n < max) {
			if (f->d_name[0] == '.')
				continue;
			snprintf(out[n].path, sizeof(out[n].path), VMLAB_DEBUGFS "/%s/%s",
				 d->d_name, f->d_name);
			if (!stat(out[n].path, &st) && S_ISREG(st.st_mode))
				out[n++].mode = st.st_mode;
		}
		closedir(sub);
	}
	closedir(top);
	return n;
}

FIXTURE(tree) {
	struct entry files[MAX_FILES];
	int nr;
	char buf[65536];
	char before[65536];
};

FIXTURE_SETUP(tree)
{
	if (access(VMLAB_DEBUGFS, F_OK))
		SKIP(return, "vmlab_core is not loaded");
	self->nr = collect(self->files, MAX_FILES);
	ASSERT_GT(self->nr, 0);
}

FIXTURE_TEARDOWN(tree)
{
}

TEST_F(tree, version_names_running_kernel)
{
	struct utsname u;
	char expect[512];

	ASSERT_EQ(0, uname(&u));
	snprintf(expect, sizeof(expect), "on %s\n", u.release);
	ASSERT_LT(0, vmlab_read_path(VMLAB_DEBUGFS "/version", self->buf, sizeof(self->buf)));
	ASSERT_EQ(0, strncmp(self->buf, "vmlab ", 6));
	ASSERT_NE(NULL, strstr(self->buf, expect));
}

/* Root only: no group or other bits on any file, and no execute bit. */
TEST_F(tree, files_are_root_only)
{
	int i;

	for (i = 0; i < self->nr; i++) {
		EXPECT_EQ(0U, self->files[i].mode & 0177) {
			TH_LOG("%s has mode %o", self->files[i].path,
			       self->files[i].mode & 0777);
		}
		EXPECT_NE(0U, self->files[i].mode & 0600);
	}
}

/* Every readable file reads without error; write-only files are actions. */
TEST_F(tree, every_readable_file_reads)
{
	int i;

	for (i = 0; i < self->nr; i++) {
		ssize_t n;

		if (!(self->files[i].mode & 0400))
			continue;
		n = vmlab_read_path(self->files[i].path, self->buf, sizeof(self->buf));
		EXPECT_LE(0, n) {
			TH_LOG("%s: %s", self->files[i].path, strerror(-n));
		}
	}
}

TEST_F(tree, read_only_files_refuse_writes)
{
	int i, checked = 0;

	for (i = 0; i < self->nr; i++) {
		if (self->files[i].mode & 0200)
			continue;
		ASSERT_LE(0, vmlab_read_path(self->files[i].path, self->before,
					     sizeof(self->before)));
		EXPECT_NE(0, vmlab_write_path(self->files[i].path, "1\n", 2)) {
			TH_LOG("%s accepted a write", self->files[i].path);
		}
		checked++;
	}
	ASSERT_GT(checked, 0);
	/* The version file cannot change, so it proves content is untouched. */
	ASSERT_LT(0, vmlab_read_path(VMLAB_DEBUGFS "/version", self->buf, sizeof(self->buf)));
	ASSERT_EQ(0, strncmp(self->buf, "vmlab ", 6));
}

/* Garbage gets EINVAL (or ERANGE for numbers too large) and changes nothing. */
TEST_F(tree, writable_files_reject_garbage)
{
	static const char * const garbage[] = {
		"garbage\n", "-1\n", "1x\n", "0x\n", "\x20\n", "99999999999999999999999\n",
		"1 2\n", "\x01\xff\n",
		"0123456789012345678901234567890123456789012345678901234567890123456789\n",
	};
	int i, g, checked = 0;

	for (i = 0; i < self->nr; i++) {
		if (!(self->files[i].mode & 0200))
			continue;
		checked++;
		self->before[0] = '\0';
		if (self->files[i].mode & 0400)
			ASSERT_LE(0, vmlab_read_path(self->files[i].path, self->before,
						     sizeof(self->before)));
		for (g = 0; g < (int)ARRAY_SIZE(garbage); g++) {
			int ret = vmlab_write_path(self->files[i].path, garbage[g],
						   strlen(garbage[g]));

			EXPECT_TRUE(ret == -EINVAL || ret == -ERANGE) {
				TH_LOG("%s: write of garbage #%d returned %d",
				       self->files[i].path, g, ret);
			}
		}
		if (!(self->files[i].mode & 0400))
			continue;
		ASSERT_LE(0, vmlab_read_path(self->files[i].path, self->buf,
					     sizeof(self->buf)));
		EXPECT_STREQ(self->before, self->buf) {
			TH_LOG("%s changed after garbage writes", self->files[i].path);
		}
	}
	if (!checked)
		SKIP(return, "no vmlab module with writable files is loaded");
}

TEST_HARNESS_MAIN
