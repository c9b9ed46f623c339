# SPDX-License-Identifier: GPL-2.0
#
# Feature probes of the target kernel, the only input of
# modules/include/vmlab/compat.h.  Probing features rather than
# LINUX_VERSION_CODE makes a distribution kernel with a back-ported API
# just work.
#
# How: the headers below are run through the preprocessor with the flags a
# module object gets (so Debian's split headers, with the arch and
# generated ones outside $(srctree), and the kernel's .config apply exactly
# as they do to the modules), and the output is searched for each probe's
# identifier.  A probe that finds its identifier adds -DVMLAB_HAVE_<NAME>
# to every module's flags.  One preprocessor run serves every probe
# (about 0.7 s): a compile test per probe, each parsing linux/mm.h, cost
# 5 s for eight, more than vmlab_core takes to build.  Header existence is
# asked with __has_include, which prints a marker into the same output.
# Symbols that a header declares but the kernel may not export are looked
# up in Module.symvers instead.
#
# When: included once, from the top-level Kbuild.  The probes run while
# that directory is built, once per build: there subdir-ccflags-y is a
# simple variable, so its += expands them, and the flags reach the
# subdirectories through KBUILD_CFLAGS.  The clean and modpost passes
# also read the Kbuild file but never expand the list, so they probe
# nothing.
#
# To add a probe: include its header in vmlab-probe-src (guarded by
# __has_include if some kernel lacks it), add NAME:identifier to
# vmlab-probes with a comment saying what it detects and why vmlab cares,
# and test VMLAB_HAVE_NAME in compat.h.

define vmlab-probe-src
#include <linux/mm.h>
#include <linux/dax.h>
#include <linux/shrinker.h>
#if __has_include(<linux/pfn_t.h>)
#include <linux/pfn_t.h>
vmlab_has_pfn_t_h
#endif
#if __has_include(<linux/balloon.h>)
vmlab_has_balloon_h
#endif
#if __has_include(<kunit/visibility.h>)
vmlab_has_kunit_visibility_h
#endif
#include <linux/kthread.h>
#ifdef kthread_run_worker
vmlab_has_kthread_run_worker
#endif
#include <linux/virtio_config.h>
#include <linux/module.h>
#define vmlab_ns_probe(x) vmlab_has_ns_string
MODULE_IMPORT_NS(vmlab_ns_probe)(0)
vmlab_probe_done
endef

# --- tlbstat ---

# 6.14: TLB_REMOTE_WRONG_CPU, a flush IPI that reached a CPU which had
# already switched away from the mm (until then it returned before the
# tracepoint).  7.2 has no NR_TLB_FLUSH_REASONS either.
vmlab-probes += TLB_REMOTE_WRONG_CPU:TLB_REMOTE_WRONG_CPU

# --- balloon ---

# 7.0: linux/balloon_compaction.h became linux/balloon.h, and the balloon
# core finishes a migration itself (puts the new page on the list, frees
# the old one); the driver's ->migratepage() only does its own part.
vmlab-probes += LINUX_BALLOON_H:vmlab_has_balloon_h

# 6.7: shrinkers are allocated by the core (shrinker_alloc/register/free).
vmlab-probes += SHRINKER_ALLOC:shrinker_alloc

# 6.14: kthread_create_worker() no longer starts the worker's thread;
# kthread_run_worker() (a macro, hence the marker) creates and starts it.
vmlab-probes += KTHREAD_RUN_WORKER:vmlab_has_kthread_run_worker

# 6.11: virtio_find_vqs() takes an array of struct virtqueue_info (name,
# callback and ctx of each queue) instead of parallel callback and name
# arrays; the balloon's virtio front end finds its queues with it.
vmlab-probes += VIRTQUEUE_INFO:virtqueue_info

# --- dax, samepage ---

# 6.3: vm_flags is read-only; vm_flags_set() and vm_flags_clear() change it.
vmlab-probes += VM_FLAGS_SET:vm_flags_set

# --- dax ---

# 6.4: faults may run under the per-VMA lock (FAULT_FLAG_VMA_LOCK).
vmlab-probes += FAULT_FLAG_VMA_LOCK:FAULT_FLAG_VMA_LOCK

# Before 6.6: ->huge_fault() takes an enum page_entry_size, not the
# page-table order.
vmlab-probes += PAGE_ENTRY_SIZE:PE_SIZE_PMD

# Until pfn_t went away (7.2 has none): vmf_insert_mixed() and
# vmf_insert_pfn_pmd() take a pfn_t (linux/pfn_t.h), not a plain pfn.
vmlab-probes += PFN_T:vmlab_has_pfn_t_h

# Devmap pfns (pfn_t with PFN_MAP): a ZONE_DEVICE page can be mapped into a
# VMA without VM_MIXEDMAP.  Without them (7.2) vmf_insert_mixed() and
# vmf_insert_pfn_pmd() want a VM_MIXEDMAP (or VM_PFNMAP) VMA.
vmlab-probes += PFN_T_DEVMAP:pfn_t_devmap

# 6.15: vmf_insert_page_mkwrite() maps a ZONE_DEVICE page as a normal,
# refcounted page, as device-dax does; 7.2 has no devmap left to use.
vmlab-probes += VMF_INSERT_PAGE_MKWRITE:vmf_insert_page_mkwrite

# 6.15: vmf_insert_folio_pmd() maps a PMD-order folio with one PMD,
# refcounted and on the rmap, as device-dax and fsdax do without devmap.
vmlab-probes += VMF_INSERT_FOLIO_PMD:vmf_insert_folio_pmd

# zone_device_folio_init(folio, pgmap, order): makes order-0 ZONE_DEVICE
# pages one folio of that order (7.2's form; mm/memremap.c).  Declared only
# with CONFIG_ZONE_DEVICE.
vmlab-probes += ZONE_DEVICE_FOLIO_INIT:zone_device_folio_init

# 7.2: dax_folio_reset_order() turns such a folio back into order-0 pages
# (fs/dax.c, exported for drivers/dax/fsdev.c).  Declared only with
# CONFIG_FS_DAX.  With the two above, a 2 MiB block of order-0 pages can be
# mapped with one PMD (compat.h, VMLAB_DAX_FOLIO_PMD).
vmlab-probes += DAX_FOLIO_RESET_ORDER:dax_folio_reset_order

# vmf_insert_mixed_mkwrite() is declared by every kernel vmlab supports but
# exported only by some (6.1): no header can tell.
vmlab-exports += VMF_INSERT_MIXED_MKWRITE:vmf_insert_mixed_mkwrite

# --- KUnit tests (samepage, balloon, tlbstat) ---

# 6.2: kunit/visibility.h, EXPORT_SYMBOL_IF_KUNIT(): the internals a module
# exports only for its *_kunit.c go into the EXPORTED_FOR_KUNIT_TESTING
# namespace, and nowhere without CONFIG_KUNIT.  (Debian's 6.1 has it
# back-ported; compat.h covers a kernel without it.)
vmlab-probes += KUNIT_VISIBILITY_H:vmlab_has_kunit_visibility_h

# 6.13: a symbol namespace is a string literal, MODULE_IMPORT_NS("NS");
# before, a bare identifier that the macro stringified.  The probe passes
# MODULE_IMPORT_NS() the name of a function-like macro, followed by "(0)"
# outside the call: only a kernel that puts the argument into the modinfo
# string as it is, last, leaves it to be expanded with that "(0)", into
# vmlab_has_ns_string; a stringified one stays a string.  Should a kernel
# ever not end MODULE_INFO() with it, the probe misses and the
# identifier form fails to compile (sizeof an undeclared name): loudly.
vmlab-probes += NS_STRING:vmlab_has_ns_string

# The source goes to a file ($(file) keeps its '#' lines as they are).
vmlab-probe-file = $(obj)/.vmlab-probe.c
vmlab-probe-cpp = $(CC) $(NOSTDINC_FLAGS) $(LINUXINCLUDE) $(KBUILD_CPPFLAGS) \
	$(KBUILD_CFLAGS) $(KBUILD_CFLAGS_MODULE) -DMODULE \
	-DKBUILD_BASENAME='"vmlab_probe"' -DKBUILD_MODNAME='"vmlab_probe"' \
	-E -P $(vmlab-probe-file)

vmlab-name = $(firstword $(subst :, ,$(1)))
vmlab-ident = $(lastword $(subst :, ,$(1)))

# Every probe identifier the preprocessed headers contain, as a word.
vmlab-probe-found = $(file >$(vmlab-probe-file),$(vmlab-probe-src))$(shell \
	$(vmlab-probe-cpp) 2>/dev/null | \
	grep -ow -e vmlab_probe_done \
	$(foreach p,$(vmlab-probes),-e $(call vmlab-ident,$(p))) | \
	sort -u; rm -f $(vmlab-probe-file))

vmlab-export-found = $(shell grep -ow \
	$(foreach e,$(vmlab-exports),-e $(call vmlab-ident,$(e))) \
	$(objtree)/Module.symvers 2>/dev/null | sort -u)

vmlab-flags = $(foreach p,$(2),$(if $(filter $(call vmlab-ident,$(p)),$(1)), \
	-DVMLAB_HAVE_$(call vmlab-name,$(p))$(3)))

# A preprocessor failure must not read as "the kernel has none of these".
vmlab-probe-check = $(if $(filter vmlab_probe_done,$(1)),$(1),$(error \
	vmlab: the feature probes cannot preprocess the kernel headers: \
	$(vmlab-probe-cpp)))

# Recursive on purpose: only the build pass's += expands it (see above).
vmlab-compat-flags = \
	$(call vmlab-flags,$(call vmlab-probe-check,$(vmlab-probe-found)), \
		$(vmlab-probes)) \
	$(call vmlab-flags,$(vmlab-export-found),$(vmlab-exports),_EXPORT)
