/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that knows about kernel API differences between the
 * kernels vmlab supports (6.1 and 6.12).  Module code calls the vmlab_*
 * names below and never tests LINUX_VERSION_CODE itself.
 *
 * Each module keeps its own section; keep entries sorted by the version
 * that introduced the change, and say what changed.
 */
#ifndef _VMLAB_COMPAT_H
#define _VMLAB_COMPAT_H

#include <linux/version.h>
#include <linux/device.h>
#include <linux/mm.h>

/* 6.3: vm_flags became const; use the helpers (back-ported here for 6.1). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
static inline void vmlab_vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void vmlab_vm_flags_clear(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#else
#define vmlab_vm_flags_set(vma, flags) vm_flags_set(vma, flags)
#define vmlab_vm_flags_clear(vma, flags) vm_flags_clear(vma, flags)
#endif

/* 6.4: class_create() lost its owner argument. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
#define vmlab_class_create(name) class_create(THIS_MODULE, name)
#else
#define vmlab_class_create(name) class_create(name)
#endif

/* --- tlbstat --- */

/* --- samepage --- */

/* --- balloon --- */

/* --- dax --- */

#endif /* _VMLAB_COMPAT_H */
