/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmlab dax: a DAX-style persistent-memory device, /dev/vmlab_dax0.
 *
 * mmap(MAP_SHARED) maps the backing directly (2 MiB PMD mappings where the
 * address and offset allow, 4 KiB elsewhere); read(), write(), lseek() and
 * fsync()/msync() work as on a file of the device's size.  See
 * Documentation/dax.rst.
 */
#ifndef _UAPI_VMLAB_DAX_H
#define _UAPI_VMLAB_DAX_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#define VMLAB_DAX_DEVICE	"/dev/vmlab_dax0"

/* vmlab_dax_info.flags */
#define VMLAB_DAX_PERSISTENT	_BITULL(0)	/* backing keeps contents over reboot */
#define VMLAB_DAX_PMD		_BITULL(1)	/* 2 MiB mappings are possible */
#define VMLAB_DAX_CRASH_INJECT	_BITULL(2)	/* crash injection is enabled */

/**
 * struct vmlab_dax_info - what the device is
 * @size: (out) bytes of backing; the largest valid offset is size - 1
 * @phys_start: (out) physical address of the backing (0 for kernel RAM)
 * @flags: (out) VMLAB_DAX_* flags above
 * @dirty_pages: (out) pages written since they were last made durable
 */
struct vmlab_dax_info {
	__u64 size;
	__u64 phys_start;
	__u64 flags;
	__u64 dirty_pages;
};

/**
 * struct vmlab_dax_range - a byte range of the device
 * @offset: (in) first byte; rounded down to a page
 * @length: (in) bytes; rounded up to a page; offset + length <= size
 */
struct vmlab_dax_range {
	__u64 offset;
	__u64 length;
};

#define VMLAB_DAX_IOC_MAGIC	0xDA
/* Fill struct vmlab_dax_info. */
#define VMLAB_DAX_IOC_INFO	_IOR(VMLAB_DAX_IOC_MAGIC, 1, struct vmlab_dax_info)
/*
 * Make a range durable, like fsync() of that range: flush the cache lines of
 * its dirty pages, fence, and start tracking the pages afresh.  EINVAL when
 * the range goes past the end of the device or overflows.
 */
#define VMLAB_DAX_IOC_PERSIST	_IOW(VMLAB_DAX_IOC_MAGIC, 2, struct vmlab_dax_range)

#endif /* _UAPI_VMLAB_DAX_H */
