/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmlab samepage: the user-space interface of /dev/vmlab_samepage.
 *
 * Each open() of the device is one region of memory.  mmap(MAP_SHARED) of
 * it gives zeroed pages on first touch; the scanner merges pages of equal
 * content and a write gives the writer its own copy.  Pages merge only
 * within a merge domain: the regions of one owner (uid and memory cgroup
 * of the opener), or of one named domain (VMLAB_SAMEPAGE_IOC_SET_DOMAIN),
 * unless merge_across_owners is 1 in debugfs.
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

/*
 * VMLAB_SAMEPAGE_IOC_SET_DOMAIN - move the region to another merge domain
 * (in) a __u64 key: a non-zero key joins the named domain of that key,
 * shared by every region that joins it, whoever opened it; 0 returns to
 * the domain of the region's owner.  Fails with EBUSY while the region
 * maps merged pages, EFAULT for a bad pointer, ENOMEM; on any error the
 * region stays where it was.  The key is the only secret of a named
 * domain: pick it at random.
 */
#define VMLAB_SAMEPAGE_IOC_SET_DOMAIN _IOW(VMLAB_SAMEPAGE_IOC_MAGIC, 2, __u64)

#endif /* _UAPI_VMLAB_SAMEPAGE_H */
