// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab dax file operations on /dev/vmlab_dax0: mmap (shared only, inside
 * the device, 2 MiB-aligned addresses proposed), read/write/lseek on a
 * file of the device's size, fsync/msync and ioctls.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/huge_mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <uapi/vmlab/dax.h>
#include <vmlab/compat.h>

#include "dax.h"
#include "dax_logic.h"

/* Every open file shares the S_DAX inode's mapping: one place to zap. */
static int vdax_open(struct inode *inode, struct file *file)
{
	file->f_mapping = vdax.inode->i_mapping;
	return 0;
}

static int vdax_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	int ret;

	if (!(vma->vm_flags & VM_MAYSHARE)) {
		pr_info_ratelimited("%s[%d]: private mapping refused\n",
				    current->comm, task_pid_nr(current));
		return -EINVAL;
	}
	ret = vdax_check_map_range(vdax.size, vma->vm_pgoff, len);
	if (ret) {
		pr_info_ratelimited("%s[%d]: %lu bytes at page %lu are outside the %llu-byte device\n",
				    current->comm, task_pid_nr(current), len,
				    vma->vm_pgoff, vdax.size);
		return ret;
	}
	vma->vm_ops = &vdax_vm_ops;
	/*
	 * Plain pfns (RAM, or PMEM without struct pages) need VM_MIXEDMAP;
	 * ZONE_DEVICE pages, mapped as devmap pfns or as normal pages
	 * (compat.h), do not.
	 */
	vm_flags_set(vma, VMLAB_DAX_VM_FLAGS(vdax.devmap));
	return 0;
}

/*
 * Bytes of [@pos, @pos + @n) before the first poisoned page: copying from
 * one would consume the poison.  -EIO when @pos is in one.
 */
static ssize_t vdax_clip_poison(loff_t pos, size_t n)
{
	unsigned long first = pos >> PAGE_SHIFT;
	unsigned long end = (pos + n + PAGE_SIZE - 1) >> PAGE_SHIFT;
	unsigned long bad = vdax_first_poisoned(&vdax, first, end);

	if (bad >= end)
		return n;
	if (bad == first)
		return -EIO;
	return ((loff_t)bad << PAGE_SHIFT) - pos;
}

/* copy_mc_to_kernel() as vdax_copy_out() calls it. */
static unsigned long vdax_mc_copy(void *dst, const void *src, unsigned int len)
{
	return copy_mc_to_kernel(dst, src, len);
}

static unsigned long vdax_to_user(void *ctx, size_t off, const void *from,
				  unsigned int len)
{
	char __user *buf = *(char __user **)ctx;

	return copy_to_user(buf + off, from, len);
}

/*
 * Known poison (memory_failure() reported it) is clipped before the copy;
 * poison nobody found yet stops the copy (copy_mc_to_kernel()) instead of
 * being consumed, and the machine check handler then reports it, so that
 * the next read() starting there gets EIO from vdax_clip_poison().
 */
static ssize_t vdax_read(struct file *file, char __user *buf, size_t count,
			 loff_t *ppos)
{
	loff_t pos = *ppos;
	void *bounce;
	ssize_t ok;

	if (pos < 0)
		return -EINVAL;
	if (pos >= vdax.size)
		return 0;
	ok = vdax_clip_poison(pos, min_t(u64, count, vdax.size - pos));
	if (ok <= 0)
		return ok;
	bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	ok = vdax_copy_out(vdax.kaddr + pos, ok, bounce, vdax_mc_copy,
			   vdax_to_user, &buf);
	kfree(bounce);
	if (ok <= 0)
		return ok;
	*ppos = pos + ok;
	vdax_count(VDAX_READ_BYTES, ok);
	return ok;
}

/*
 * Copy each page's part through a bounce buffer, so that no user fault
 * (perhaps on a mapping of this very device) happens under vdax.lock.
 */
static ssize_t vdax_write(struct file *file, const char __user *buf,
			  size_t count, loff_t *ppos)
{
	loff_t pos = *ppos;
	size_t done = 0, n;
	void *bounce;
	ssize_t ok;
	int ret = 0;

	if (pos < 0)
		return -EINVAL;
	if (pos >= vdax.size)
		return count ? -ENOSPC : 0;
	n = min_t(u64, count, vdax.size - pos);
	/* A poisoned page is lost: refuse it, as a page that maps it does. */
	ok = vdax_clip_poison(pos, n);
	if (ok <= 0)
		return ok;
	n = ok;
	bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	while (done < n) {
		size_t chunk = min_t(size_t, n - done,
				     PAGE_SIZE - offset_in_page(pos + done));

		if (copy_from_user(bounce, buf + done, chunk)) {
			ret = -EFAULT;
			break;
		}
		mutex_lock(&vdax.lock);
		ret = vdax_mark_dirty_locked(&vdax, (pos + done) >> PAGE_SHIFT, 1);
		if (!ret)
			memcpy(vdax.kaddr + pos + done, bounce, chunk);
		mutex_unlock(&vdax.lock);
		if (ret)
			break;
		done += chunk;
	}
	kfree(bounce);
	if (!done)
		return ret;
	*ppos = pos + done;
	vdax_count(VDAX_WRITE_BYTES, done);
	return done;
}

static loff_t vdax_llseek(struct file *file, loff_t off, int whence)
{
	return fixed_size_llseek(file, off, whence, vdax.size);
}

static void vdax_persist_pages(unsigned long first, unsigned long nr)
{
	vdax_count(VDAX_FSYNC, 1);
	if (!vdax_persist(&vdax, first, nr))
		vdax_count(VDAX_FSYNC_CLEAN, 1);
}

/* fsync(2) passes 0..LLONG_MAX; msync(2) the mapped range. */
static int vdax_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	unsigned long first, last;

	if (start < 0 || end < start)
		return -EINVAL;
	first = min_t(u64, start >> PAGE_SHIFT, vdax.npages);
	last = min_t(u64, end >> PAGE_SHIFT, vdax.npages - 1);
	if (first <= last)
		vdax_persist_pages(first, last - first + 1);
	return 0;
}

static long vdax_ioctl_persist(void __user *arg)
{
	struct vmlab_dax_range r;
	unsigned long first, nr;

	if (copy_from_user(&r, arg, sizeof(r)))
		return -EFAULT;
	if (vdax_byte_range_pages(r.offset, r.length, vdax.npages, &first, &nr))
		return -EINVAL;
	if (nr)
		vdax_persist_pages(first, nr);
	return 0;
}

static long vdax_ioctl_info(void __user *arg)
{
	struct vmlab_dax_info info = {
		.size = vdax.size,
		.phys_start = vdax.phys,
		.flags = (vdax.persistent ? VMLAB_DAX_PERSISTENT : 0) |
			 (vdax.pmd ? VMLAB_DAX_PMD : 0) |
			 (READ_ONCE(vdax.crash_inject) ? VMLAB_DAX_CRASH_INJECT : 0),
		.dirty_pages = READ_ONCE(vdax.nr_dirty),
	};

	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

static long vdax_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case VMLAB_DAX_IOC_INFO:
		return vdax_ioctl_info((void __user *)arg);
	case VMLAB_DAX_IOC_PERSIST:
		return vdax_ioctl_persist((void __user *)arg);
	default:
		return -ENOTTY;
	}
}

const struct file_operations vdax_fops = {
	.owner = THIS_MODULE,
	.open = vdax_open,
	.mmap = vdax_mmap,
	.get_unmapped_area = thp_get_unmapped_area,
	.read = vdax_read,
	.write = vdax_write,
	.llseek = vdax_llseek,
	.fsync = vdax_fsync,
	.unlocked_ioctl = vdax_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};
