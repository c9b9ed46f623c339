/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by vmlab's kselftests: reading and writing the files under
 * /sys/kernel/debug/vmlab/<module>/.  Header-only so that every suite links
 * the same code without a library.
 */
#ifndef _VMLAB_TEST_H
#define _VMLAB_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VMLAB_DEBUGFS "/sys/kernel/debug/vmlab"

static inline void vmlab_path(char *buf, size_t len, const char *module,
			      const char *file)
{
	snprintf(buf, len, VMLAB_DEBUGFS "/%s/%s", module, file);
}

static inline bool vmlab_loaded(const char *module)
{
	char p[256];

	snprintf(p, sizeof(p), VMLAB_DEBUGFS "/%s", module);
	return access(p, F_OK) == 0;
}

/* Whole file into @buf (NUL-terminated); returns bytes or -errno. */
static inline ssize_t vmlab_read_path(const char *path, char *buf, size_t len)
{
	ssize_t n, total = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -errno;
	while ((size_t)total < len - 1) {
		n = read(fd, buf + total, len - 1 - total);
		if (n < 0) {
			n = -errno;
			close(fd);
			return n;
		}
		if (n == 0)
			break;
		total += n;
	}
	buf[total] = '\0';
	close(fd);
	return total;
}

static inline ssize_t vmlab_read(const char *module, const char *file,
				 char *buf, size_t len)
{
	char p[256];

	vmlab_path(p, sizeof(p), module, file);
	return vmlab_read_path(p, buf, len);
}

/* One write(2) of @len bytes; returns 0 or -errno. */
static inline int vmlab_write_path(const char *path, const char *s, size_t len)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	n = n < 0 ? -errno : (size_t)n == len ? 0 : -EIO;
	close(fd);
	return n;
}

static inline int vmlab_write(const char *module, const char *file, const char *s)
{
	char p[256];

	vmlab_path(p, sizeof(p), module, file);
	return vmlab_write_path(p, s, strlen(s));
}

/* A file holding one unsigned number. */
static inline int vmlab_read_u64(const char *module, const char *file, uint64_t *v)
{
	char buf[64], *end;
	ssize_t n = vmlab_read(module, file, buf, sizeof(buf));

	if (n < 0)
		return n;
	errno = 0;
	*v = strtoull(buf, &end, 0);
	if (errno || end == buf)
		return -EINVAL;
	return 0;
}

static inline int vmlab_write_u64(const char *module, const char *file, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64 "\n", v);
	return vmlab_write(module, file, buf);
}

/* The value of @name in a "name value" stats file. */
static inline int vmlab_stat(const char *module, const char *file,
			     const char *name, uint64_t *v)
{
	char buf[16384], *line, *save = NULL;
	size_t nlen = strlen(name);
	ssize_t n = vmlab_read(module, file, buf, sizeof(buf));

	if (n < 0)
		return n;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, name, nlen) && line[nlen] == ' ') {
			*v = strtoull(line + nlen + 1, NULL, 0);
			return 0;
		}
	}
	return -ENOENT;
}

#endif /* _VMLAB_TEST_H */
