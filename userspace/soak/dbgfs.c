// SPDX-License-Identifier: GPL-2.0
/*
 * The debugfs worker: finds every file under /sys/kernel/debug/vmlab/ (again
 * after a module comes back) and reads it at random offsets and sizes, or
 * writes it a plausible value or a malformed one.
 *
 * Files whose valid writes another worker models (balloon's target_pages,
 * dax's inject_power_loss) get only malformed writes here, and never one
 * that a lenient parser might take for "1".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "soak.h"

#define MAX_FILES 128

struct dfile {
	char path[300];
	mode_t mode;
	bool reserved;	/* valid writes belong to another worker */
};

static struct dfile files[MAX_FILES];
static unsigned int nfiles;

static const char *const reserved_names[] = {
	"balloon/target_pages", "dax/inject_power_loss",
};

static void scan_dir(const char *dir)
{
	struct dirent *de;
	struct stat sb;
	char path[300];
	DIR *d = opendir(dir);
	unsigned int i;

	if (!d)
		return;
	while ((de = readdir(d)) && nfiles < MAX_FILES) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &sb))
			continue;
		if (S_ISDIR(sb.st_mode)) {
			scan_dir(path);
			continue;
		}
		if (!S_ISREG(sb.st_mode))
			continue;
		memcpy(files[nfiles].path, path, sizeof(path));
		files[nfiles].mode = sb.st_mode;
		files[nfiles].reserved = false;
		for (i = 0; i < ARRAY_SIZE(reserved_names); i++)
			if (strstr(path, reserved_names[i]))
				files[nfiles].reserved = true;
		nfiles++;
	}
	closedir(d);
}

static void rescan(void)
{
	nfiles = 0;
	scan_dir(DBG_ROOT);
}

/* Garbage, signs, blanks, overflow, bad suffixes, NULs, a long line. */
static const char *const bad_values[] = {
	"", "\n", "-1", "+5", " 7", "7 ", "0x", "0xg", "12Q", "1M5", "abc",
	"99999999999999999999999", "18446744073709551616", "0x1K", "--",
	"1.5", "1e3", "\xff\xfe", "\n\n", "0x10000000000000000", "-",
	"5\0005", "2\n3",
};

static int bad_value(struct rng *r, char *buf, size_t len, bool reserved)
{
	unsigned int i;

	if (rng_chance(r, 5)) {
		/* A very long number. */
		size_t n = 64 + rng_below(r, len - 64);

		memset(buf, '9', n);
		return n;
	}
	for (;;) {
		i = rng_below(r, ARRAY_SIZE(bad_values));
		/* kstrtobool takes anything starting 1, y, t or o as true. */
		if (reserved && strchr("1yYtToO", bad_values[i][0]) && bad_values[i][0])
			continue;
		/* The one entry with an embedded NUL is 3 bytes long. */
		len = bad_values[i][0] == '5' ? 3 : strlen(bad_values[i]);
		memcpy(buf, bad_values[i], len);
		return len;
	}
}

static int good_value(struct rng *r, const char *path, char *buf, size_t len)
{
	char cur[256];
	unsigned long long v = 0;
	char *end;
	int n = read_file(path, cur, sizeof(cur));

	if (n > 0)
		v = strtoull(cur, &end, 0);
	/* Tiny limits would refuse nearly every mmap() of the other workers. */
	if (strstr(path, "/max_") && rng_chance(r, 80))
		return snprintf(buf, len, "%llu",
				(unsigned long long)(4096 + rng_below(r, 65536)));
	switch (rng_below(r, 6)) {
	case 0:
		break;		/* the current value again */
	case 1:
		v = 0;
		break;
	case 2:
		v = 1;
		break;
	case 3:
		v = 2;
		break;
	case 4:
		v = v + 1;
		break;
	default:
		v = rng_below(r, 1000);
	}
	return snprintf(buf, len, rng_chance(r, 50) ? "%llu\n" : "%llu", v);
}

static void do_read(struct rng *r, struct dfile *f)
{
	/*
	 * EIO: the file was removed (module unload) while open.  ESPIPE:
	 * pread() on a tunable, which is a debugfs attribute and so opens
	 * nonseekable, as every DEFINE_DEBUGFS_ATTRIBUTE file does.  ENXIO:
	 * debugfs refuses to open a file whose module is going away.
	 */
	static const int ok[] = { ENOENT, ENODEV, ENXIO, EIO, ESPIPE, ENOMEM, EACCES, EPERM,
				  EINVAL, 0 };
	char buf[8192];
	int fd = open(f->path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		op_fail_at(OP_DBG_READ, errno, ok, f->path);
		return;
	}
	/* seq_file paths: whole reads, small reads, reads past the start. */
	do {
		size_t want = rng_chance(r, 50) ? sizeof(buf) : 1 + rng_below(r, 64);

		if (rng_chance(r, 20))
			n = pread(fd, buf, want, rng_below(r, 4096));
		else
			n = read(fd, buf, want);
	} while (n > 0 && !rng_chance(r, 10));
	if (n < 0)
		op_fail_at(OP_DBG_READ, errno, ok, f->path);
	else
		op_ok(OP_DBG_READ);
	close(fd);
}

static void do_write(struct rng *r, struct dfile *f, bool bad)
{
	/*
	 * ENOENT: the module went; EINVAL/ERANGE: refused value (a "good"
	 * value may be out of a tunable's range); EOPNOTSUPP: power loss
	 * without crash injection; ENOMEM, EBUSY, EAGAIN: fault injection and
	 * synchronous work (run=2) in flight; EIO: the file was removed while
	 * open; ENXIO: its module is going away.
	 */
	static const int ok[] = { ENOENT, ENODEV, ENXIO, EIO, EINVAL, ERANGE, EOPNOTSUPP,
				  ENOMEM, EBUSY, EAGAIN, EINTR, 0 };
	enum op op = bad ? OP_DBG_BAD_WRITE : OP_DBG_WRITE;
	char buf[512];
	int len, ret;

	if (bad)
		len = bad_value(r, buf, sizeof(buf), f->reserved);
	else
		len = good_value(r, f->path, buf, sizeof(buf));
	ret = write_file(f->path, buf, len);
	if (ret)
		op_fail_at(op, -ret, ok, f->path);
	else
		op_ok(op);
}

void dbgfs_worker(struct rng *r)
{
	unsigned long n = 0;

	set_make_it_fail(1);
	while (!stopping()) {
		struct dfile *f;

		if (!nfiles || n++ % 200 == 0)
			rescan();
		if (!nfiles) {
			soak_sleep_ms(100);
			continue;
		}
		f = &files[rng_below(r, nfiles)];
		if (!(f->mode & 0200) || rng_chance(r, 40))
			do_read(r, f);
		else if (f->reserved || rng_chance(r, 50))
			do_write(r, f, true);
		else
			do_write(r, f, false);
		if (access(f->path, F_OK))
			nfiles = 0;
	}
}
