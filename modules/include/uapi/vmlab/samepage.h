/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmlab samepage: the user-space interface of /dev/vmlab_samepage.
 *
 * Each open() of the device is one region of memory.  mmap(MAP_SHARED) of
 * it gives zeroed pages on first touch; the scanner merges pages of equal
 * content across all regions and a write gives the writer its own copy.
 */
#ifndef _UAPI_VMLAB_SAMEPAGE_H
#define _UAPI_VMLAB_SAMEPAGE_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define VMLAB_SAMEPAGE_DEV "/dev/vmlab_samepage"

/**
 * struct vmlab_samepage_info - one region's pages, as seen by the module
 * @reserved_pages: (out) pages reserved by mmap() so far (highest mapped
 *	offset, in pages); faults below it never fail for want of quota
 * @resident_pages: (out) pages that were touched and hold memory or a
 *	reference to a merged page
 * @merged_pages: (out) resident pages that map a merged (read-only) page,
 *	not counting the all-zero page
 * @zero_pages: (out) resident pages that map the all-zero merged page
 *	(only with use_zero_pages=1)
 */
struct vmlab_samepage_info {
	__u64 reserved_pages;
	__u64 resident_pages;
	__u64 merged_pages;
	__u64 zero_pages;
};

#define VMLAB_SAMEPAGE_IOC_MAGIC 0xB5
#define VMLAB_SAMEPAGE_IOC_INFO _IOR(VMLAB_SAMEPAGE_IOC_MAGIC, 1, struct vmlab_samepage_info)

#endif /* _UAPI_VMLAB_SAMEPAGE_H */
