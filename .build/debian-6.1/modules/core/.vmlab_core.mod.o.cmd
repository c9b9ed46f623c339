cmd_/work/main/.build/debian-6.1/modules/core/vmlab_core.mod.o :=  gcc-12 -Wp,-MMD,/work/main/.build/debian-6.1/modules/core/.vmlab_core.mod.o.d -nostdinc -I/var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include -I./arch/x86/include/generated -I/var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include -I./include -I/var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/uapi -I./arch/x86/include/generated/uapi -I/var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi -I./include/generated/uapi -include /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/compiler-version.h -include /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/kconfig.h -include /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/compiler_types.h -D__KERNEL__ -fmacro-prefix-map=/var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/= -DKBUILD_EXTRA_WARN1 -Wall -Wundef -Werror=strict-prototypes -Wno-trigraphs -fno-strict-aliasing -fno-common -fshort-wchar -fno-PIE -Werror=implicit-function-declaration -Werror=implicit-int -Werror=return-type -Wno-format-security -std=gnu11 -mno-sse -mno-mmx -mno-sse2 -mno-3dnow -mno-avx -fcf-protection=none -m64 -falign-jumps=1 -falign-loops=1 -mno-80387 -mno-fp-ret-in-387 -mpreferred-stack-boundary=3 -mskip-rax-setup -mtune=generic -mno-red-zone -mcmodel=kernel -Wno-sign-compare -fno-asynchronous-unwind-tables -mindirect-branch=thunk-extern -mindirect-branch-register -mindirect-branch-cs-prefix -mfunction-return=thunk-extern -fno-jump-tables -mharden-sls=all -fno-delete-null-pointer-checks -Wno-frame-address -Wno-format-truncation -Wno-format-overflow -Wno-address-of-packed-member -O2 -fno-allow-store-data-races -Wframe-larger-than=2048 -fstack-protector-strong -Wno-main -Wno-unused-but-set-variable -Wno-unused-const-variable -Wno-dangling-pointer -ftrivial-auto-var-init=zero -fno-stack-clash-protection -pg -mrecord-mcount -mfentry -DCC_USING_FENTRY -Wvla -Wno-pointer-sign -Wcast-function-type -Wno-stringop-truncation -Wno-stringop-overflow -Wno-restrict -Wno-maybe-uninitialized -Wno-array-bounds -Wno-alloc-size-larger-than -Wimplicit-fallthrough=5 -fno-strict-overflow -fno-stack-check -fconserve-stack -Werror=date-time -Werror=incompatible-pointer-types -Werror=designated-init -fno-builtin-wcslen -Wno-packed-not-aligned -Wextra -Wunused -Wno-unused-parameter -Wmissing-declarations -Wmissing-format-attribute -Wmissing-prototypes -Wold-style-definition -Wmissing-include-dirs -Wunused-but-set-variable -Wunused-const-variable -Wpacked-not-aligned -Wstringop-truncation -Wno-missing-field-initializers -Wno-sign-compare -Wno-type-limits -Wno-shift-negative-value -g -DMODULE -DKBUILD_BASENAME='"vmlab_core.mod"' -DKBUILD_MODNAME='"vmlab_core"' -D__KBUILD_MODNAME=kmod_vmlab_core -c -o /work/main/.build/debian-6.1/modules/core/vmlab_core.mod.o /work/main/.build/debian-6.1/modules/core/vmlab_core.mod.c

source_/work/main/.build/debian-6.1/modules/core/vmlab_core.mod.o := /work/main/.build/debian-6.1/modules/core/vmlab_core.mod.c

deps_/work/main/.build/debian-6.1/modules/core/vmlab_core.mod.o := \
    $(wildcard include/config/MODULE_UNLOAD) \
    $(wildcard include/config/RETPOLINE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/compiler-version.h \
    $(wildcard include/config/CC_VERSION_TEXT) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/kconfig.h \
    $(wildcard include/config/CPU_BIG_ENDIAN) \
    $(wildcard include/config/BOOGER) \
    $(wildcard include/config/FOO) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/compiler_types.h \
    $(wildcard include/config/DEBUG_INFO_BTF) \
    $(wildcard include/config/PAHOLE_HAS_BTF_TAG) \
    $(wildcard include/config/HAVE_ARCH_COMPILER_H) \
    $(wildcard include/config/CC_HAS_ASM_INLINE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/compiler_attributes.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/compiler-gcc.h \
    $(wildcard include/config/GCC_ASM_GOTO_OUTPUT_WORKAROUND) \
    $(wildcard include/config/ARCH_USE_BUILTIN_BSWAP) \
    $(wildcard include/config/SHADOW_CALL_STACK) \
    $(wildcard include/config/KCOV) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/module.h \
    $(wildcard include/config/MODULES) \
    $(wildcard include/config/SYSFS) \
    $(wildcard include/config/MODULES_TREE_LOOKUP) \
    $(wildcard include/config/LIVEPATCH) \
    $(wildcard include/config/STACKTRACE_BUILD_ID) \
    $(wildcard include/config/ARCH_USES_CFI_TRAPS) \
    $(wildcard include/config/MODULE_SIG) \
    $(wildcard include/config/ARCH_WANTS_MODULES_DATA_IN_VMALLOC) \
    $(wildcard include/config/GENERIC_BUG) \
    $(wildcard include/config/KALLSYMS) \
    $(wildcard include/config/SMP) \
    $(wildcard include/config/TRACEPOINTS) \
    $(wildcard include/config/TREE_SRCU) \
    $(wildcard include/config/BPF_EVENTS) \
    $(wildcard include/config/JUMP_LABEL) \
    $(wildcard include/config/TRACING) \
    $(wildcard include/config/EVENT_TRACING) \
    $(wildcard include/config/FTRACE_MCOUNT_RECORD) \
    $(wildcard include/config/KPROBES) \
    $(wildcard include/config/HAVE_STATIC_CALL_INLINE) \
    $(wildcard include/config/KUNIT) \
    $(wildcard include/config/PRINTK_INDEX) \
    $(wildcard include/config/MITIGATION_ITS) \
    $(wildcard include/config/CONSTRUCTORS) \
    $(wildcard include/config/FUNCTION_ERROR_INJECTION) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/list.h \
    $(wildcard include/config/DEBUG_LIST) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/container_of.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/build_bug.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/compiler.h \
    $(wildcard include/config/TRACE_BRANCH_PROFILING) \
    $(wildcard include/config/PROFILE_ALL_BRANCHES) \
    $(wildcard include/config/OBJTOOL) \
    $(wildcard include/config/64BIT) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/compiler_types.h \
  arch/x86/include/generated/asm/rwonce.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/rwonce.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/kasan-checks.h \
    $(wildcard include/config/KASAN_GENERIC) \
    $(wildcard include/config/KASAN_SW_TAGS) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/types.h \
    $(wildcard include/config/HAVE_UID16) \
    $(wildcard include/config/UID16) \
    $(wildcard include/config/ARCH_DMA_ADDR_T_64BIT) \
    $(wildcard include/config/PHYS_ADDR_T_64BIT) \
    $(wildcard include/config/ARCH_32BIT_USTAT_F_TINODE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/types.h \
  arch/x86/include/generated/uapi/asm/types.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/asm-generic/types.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/int-ll64.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/asm-generic/int-ll64.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/uapi/asm/bitsperlong.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/bitsperlong.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/asm-generic/bitsperlong.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/posix_types.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/stddef.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/stddef.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/posix_types.h \
    $(wildcard include/config/X86_32) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/uapi/asm/posix_types_64.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/asm-generic/posix_types.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/kcsan-checks.h \
    $(wildcard include/config/KCSAN) \
    $(wildcard include/config/KCSAN_WEAK_MEMORY) \
    $(wildcard include/config/KCSAN_IGNORE_ATOMICS) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/err.h \
  arch/x86/include/generated/uapi/asm/errno.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/asm-generic/errno.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/asm-generic/errno-base.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/poison.h \
    $(wildcard include/config/ILLEGAL_POINTER_VALUE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/const.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/vdso/const.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/const.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/barrier.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/alternative.h \
    $(wildcard include/config/RETHUNK) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/stringify.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/asm.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/extable_fixup_types.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/bug.h \
    $(wildcard include/config/DEBUG_BUGVERBOSE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/instrumentation.h \
    $(wildcard include/config/NOINSTR_VALIDATION) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/objtool.h \
    $(wildcard include/config/FRAME_POINTER) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/bug.h \
    $(wildcard include/config/BUG) \
    $(wildcard include/config/GENERIC_BUG_RELATIVE_POINTERS) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/once_lite.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/panic.h \
    $(wildcard include/config/PANIC_TIMEOUT) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/printk.h \
    $(wildcard include/config/MESSAGE_LOGLEVEL_DEFAULT) \
    $(wildcard include/config/CONSOLE_LOGLEVEL_DEFAULT) \
    $(wildcard include/config/CONSOLE_LOGLEVEL_QUIET) \
    $(wildcard include/config/EARLY_PRINTK) \
    $(wildcard include/config/PRINTK) \
    $(wildcard include/config/DYNAMIC_DEBUG) \
    $(wildcard include/config/DYNAMIC_DEBUG_CORE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/stdarg.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/init.h \
    $(wildcard include/config/HAVE_ARCH_PREL32_RELOCATIONS) \
    $(wildcard include/config/STRICT_KERNEL_RWX) \
    $(wildcard include/config/STRICT_MODULE_RWX) \
    $(wildcard include/config/LTO_CLANG) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/kern_levels.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/linkage.h \
    $(wildcard include/config/ARCH_USE_SYM_ANNOTATIONS) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/export.h \
    $(wildcard include/config/MODVERSIONS) \
    $(wildcard include/config/TRIM_UNUSED_KSYMS) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/linkage.h \
    $(wildcard include/config/X86_64) \
    $(wildcard include/config/X86_ALIGNMENT_16) \
    $(wildcard include/config/SLS) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/ibt.h \
    $(wildcard include/config/X86_KERNEL_IBT) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/ratelimit_types.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/bits.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/vdso/bits.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/param.h \
  arch/x86/include/generated/uapi/asm/param.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/param.h \
    $(wildcard include/config/HZ) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/asm-generic/param.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/spinlock_types_raw.h \
    $(wildcard include/config/DEBUG_SPINLOCK) \
    $(wildcard include/config/DEBUG_LOCK_ALLOC) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/spinlock_types.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/qspinlock_types.h \
    $(wildcard include/config/NR_CPUS) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/qrwlock_types.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/uapi/asm/byteorder.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/byteorder/little_endian.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/byteorder/little_endian.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/swab.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/swab.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/uapi/asm/swab.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/byteorder/generic.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/lockdep_types.h \
    $(wildcard include/config/PROVE_RAW_LOCK_NESTING) \
    $(wildcard include/config/LOCKDEP) \
    $(wildcard include/config/LOCK_STAT) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/dynamic_debug.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/jump_label.h \
    $(wildcard include/config/HAVE_ARCH_JUMP_LABEL_RELATIVE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/jump_label.h \
    $(wildcard include/config/HAVE_JUMP_LABEL_HACK) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/nops.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/barrier.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/stat.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/uapi/asm/stat.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/stat.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/time.h \
    $(wildcard include/config/POSIX_TIMERS) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/cache.h \
    $(wildcard include/config/ARCH_HAS_CACHE_LINE_SIZE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/kernel.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/sysinfo.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/cache.h \
    $(wildcard include/config/X86_L1_CACHE_SHIFT) \
    $(wildcard include/config/X86_INTERNODE_CACHE_SHIFT) \
    $(wildcard include/config/X86_VSMP) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/math64.h \
    $(wildcard include/config/ARCH_SUPPORTS_INT128) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/math.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/div64.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/div64.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/vdso/math64.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/time64.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/vdso/time64.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/time.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/time_types.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/time32.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/timex.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/timex.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/timex.h \
    $(wildcard include/config/X86_TSC) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/processor.h \
    $(wildcard include/config/X86_VMX_FEATURE_NAMES) \
    $(wildcard include/config/X86_IOPL_IOPERM) \
    $(wildcard include/config/STACKPROTECTOR) \
    $(wildcard include/config/VM86) \
    $(wildcard include/config/PARAVIRT_XXL) \
    $(wildcard include/config/X86_DEBUGCTLMSR) \
    $(wildcard include/config/CPU_SUP_AMD) \
    $(wildcard include/config/XEN) \
    $(wildcard include/config/X86_SGX) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/processor-flags.h \
    $(wildcard include/config/PAGE_TABLE_ISOLATION) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/uapi/asm/processor-flags.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/mem_encrypt.h \
    $(wildcard include/config/ARCH_HAS_MEM_ENCRYPT) \
    $(wildcard include/config/AMD_MEM_ENCRYPT) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/mem_encrypt.h \
    $(wildcard include/config/X86_MEM_ENCRYPT) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/cc_platform.h \
    $(wildcard include/config/ARCH_HAS_CC_PLATFORM) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/math_emu.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/ptrace.h \
    $(wildcard include/config/PARAVIRT) \
    $(wildcard include/config/IA32_EMULATION) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/segment.h \
    $(wildcard include/config/XEN_PV) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/page_types.h \
    $(wildcard include/config/PHYSICAL_START) \
    $(wildcard include/config/PHYSICAL_ALIGN) \
    $(wildcard include/config/DYNAMIC_PHYSICAL_MASK) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/page_64_types.h \
    $(wildcard include/config/KASAN) \
    $(wildcard include/config/DYNAMIC_MEMORY_LAYOUT) \
    $(wildcard include/config/X86_5LEVEL) \
    $(wildcard include/config/RANDOMIZE_BASE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/kaslr.h \
    $(wildcard include/config/RANDOMIZE_MEMORY) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/uapi/asm/ptrace.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/uapi/asm/ptrace-abi.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/paravirt_types.h \
    $(wildcard include/config/PGTABLE_LEVELS) \
    $(wildcard include/config/ZERO_CALL_USED_REGS) \
    $(wildcard include/config/PARAVIRT_DEBUG) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/desc_defs.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/pgtable_types.h \
    $(wildcard include/config/X86_INTEL_MEMORY_PROTECTION_KEYS) \
    $(wildcard include/config/X86_PAE) \
    $(wildcard include/config/MEM_SOFT_DIRTY) \
    $(wildcard include/config/HAVE_ARCH_USERFAULTFD_WP) \
    $(wildcard include/config/PROC_FS) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/pgtable_64_types.h \
    $(wildcard include/config/KMSAN) \
    $(wildcard include/config/DEBUG_KMAP_LOCAL_FORCE_MAP) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/sparsemem.h \
    $(wildcard include/config/SPARSEMEM) \
    $(wildcard include/config/NUMA_KEEP_MEMINFO) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/nospec-branch.h \
    $(wildcard include/config/CPU_UNRET_ENTRY) \
    $(wildcard include/config/CPU_SRSO) \
    $(wildcard include/config/CPU_IBPB_ENTRY) \
    $(wildcard include/config/BPF_JIT) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/static_key.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/cpufeatures.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/required-features.h \
    $(wildcard include/config/X86_MINIMUM_CPU_FAMILY) \
    $(wildcard include/config/MATH_EMULATION) \
    $(wildcard include/config/X86_CMPXCHG64) \
    $(wildcard include/config/X86_CMOV) \
    $(wildcard include/config/X86_P6_NOP) \
    $(wildcard include/config/MATOM) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/disabled-features.h \
    $(wildcard include/config/X86_UMIP) \
    $(wildcard include/config/INTEL_IOMMU_SVM) \
    $(wildcard include/config/INTEL_TDX_GUEST) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/msr-index.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/unwind_hints.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/orc_types.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/percpu.h \
    $(wildcard include/config/X86_64_SMP) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/kernel.h \
    $(wildcard include/config/PREEMPT_VOLUNTARY_BUILD) \
    $(wildcard include/config/PREEMPT_DYNAMIC) \
    $(wildcard include/config/HAVE_PREEMPT_DYNAMIC_CALL) \
    $(wildcard include/config/HAVE_PREEMPT_DYNAMIC_KEY) \
    $(wildcard include/config/PREEMPT_) \
    $(wildcard include/config/DEBUG_ATOMIC_SLEEP) \
    $(wildcard include/config/MMU) \
    $(wildcard include/config/PROVE_LOCKING) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/align.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/array_size.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/limits.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/limits.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/vdso/limits.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/bitops.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/typecheck.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/bitops/generic-non-atomic.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/bitops.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/rmwcc.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/bitops/sched.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/arch_hweight.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/bitops/const_hweight.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/bitops/instrumented-atomic.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/instrumented.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/kmsan-checks.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/bitops/instrumented-non-atomic.h \
    $(wildcard include/config/KCSAN_ASSUME_PLAIN_WRITES_ATOMIC) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/bitops/instrumented-lock.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/bitops/le.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/bitops/ext2-atomic-setbit.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/kstrtox.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/log2.h \
    $(wildcard include/config/ARCH_HAS_ILOG2_U32) \
    $(wildcard include/config/ARCH_HAS_ILOG2_U64) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/minmax.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/static_call_types.h \
    $(wildcard include/config/HAVE_STATIC_CALL) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/instruction_pointer.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/percpu.h \
    $(wildcard include/config/DEBUG_PREEMPT) \
    $(wildcard include/config/HAVE_SETUP_PER_CPU_AREA) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/threads.h \
    $(wildcard include/config/BASE_SMALL) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/percpu-defs.h \
    $(wildcard include/config/DEBUG_FORCE_WEAK_PER_CPU) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/GEN-for-each-reg.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/proto.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/uapi/asm/ldt.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/uapi/asm/sigcontext.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/current.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/page.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/page_64.h \
    $(wildcard include/config/DEBUG_VIRTUAL) \
    $(wildcard include/config/FLATMEM) \
    $(wildcard include/config/X86_VSYSCALL_EMULATION) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/range.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/memory_model.h \
    $(wildcard include/config/SPARSEMEM_VMEMMAP) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/pfn.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/getorder.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/msr.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/msr-index.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/cpumask.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/cpumask.h \
    $(wildcard include/config/FORCE_NR_CPUS) \
    $(wildcard include/config/HOTPLUG_CPU) \
    $(wildcard include/config/DEBUG_PER_CPU_MAPS) \
    $(wildcard include/config/CPUMASK_OFFSTACK) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/bitmap.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/find.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/string.h \
    $(wildcard include/config/BINARY_PRINTF) \
    $(wildcard include/config/FORTIFY_SOURCE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/errno.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/errno.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/overflow.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/string.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/string.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/string_64.h \
    $(wildcard include/config/ARCH_HAS_UACCESS_FLUSHCACHE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/fortify-string.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/bug.h \
    $(wildcard include/config/BUG_ON_DATA_CORRUPTION) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/atomic.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/atomic.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/cmpxchg.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/cmpxchg_64.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/atomic64_64.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/atomic/atomic-arch-fallback.h \
    $(wildcard include/config/GENERIC_ATOMIC64) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/atomic/atomic-long.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/atomic/atomic-instrumented.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/gfp_types.h \
    $(wildcard include/config/KASAN_HW_TAGS) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/numa.h \
    $(wildcard include/config/NODES_SHIFT) \
    $(wildcard include/config/NUMA) \
    $(wildcard include/config/HAVE_ARCH_NODE_DEV_GROUP) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/uapi/asm/msr.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/ioctl.h \
  arch/x86/include/generated/uapi/asm/ioctl.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/ioctl.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/asm-generic/ioctl.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/shared/msr.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/tracepoint-defs.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/paravirt.h \
    $(wildcard include/config/PARAVIRT_SPINLOCKS) \
    $(wildcard include/config/DEBUG_ENTRY) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/frame.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/special_insns.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/irqflags.h \
    $(wildcard include/config/TRACE_IRQFLAGS) \
    $(wildcard include/config/PREEMPT_RT) \
    $(wildcard include/config/IRQSOFF_TRACER) \
    $(wildcard include/config/PREEMPT_TRACER) \
    $(wildcard include/config/DEBUG_IRQFLAGS) \
    $(wildcard include/config/TRACE_IRQFLAGS_SUPPORT) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/cleanup.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/irqflags.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/fpu/types.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/vmxfeatures.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/vdso/processor.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/personality.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/personality.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/tsc.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/cpufeature.h \
    $(wildcard include/config/X86_FEATURE_NAMES) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/vdso/time32.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/vdso/time.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/uidgid.h \
    $(wildcard include/config/MULTIUSER) \
    $(wildcard include/config/USER_NS) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/highuid.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/buildid.h \
    $(wildcard include/config/CRASH_CORE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/mm_types.h \
    $(wildcard include/config/HAVE_ALIGNED_STRUCT_PAGE) \
    $(wildcard include/config/ARCH_WANT_HUGE_PMD_SHARE) \
    $(wildcard include/config/MEMCG) \
    $(wildcard include/config/USERFAULTFD) \
    $(wildcard include/config/SWAP) \
    $(wildcard include/config/HAVE_ARCH_COMPAT_MMAP_BASES) \
    $(wildcard include/config/MEMBARRIER) \
    $(wildcard include/config/FUTEX) \
    $(wildcard include/config/AIO) \
    $(wildcard include/config/MMU_NOTIFIER) \
    $(wildcard include/config/TRANSPARENT_HUGEPAGE) \
    $(wildcard include/config/NUMA_BALANCING) \
    $(wildcard include/config/ARCH_WANT_BATCHED_UNMAP_TLB_FLUSH) \
    $(wildcard include/config/HUGETLB_PAGE) \
    $(wildcard include/config/IOMMU_SVA) \
    $(wildcard include/config/KSM) \
    $(wildcard include/config/LRU_GEN) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/mm_types_task.h \
    $(wildcard include/config/SPLIT_PTLOCK_CPUS) \
    $(wildcard include/config/ARCH_ENABLE_SPLIT_PMD_PTLOCK) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/tlbbatch.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/auxvec.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/auxvec.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/uapi/asm/auxvec.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/kref.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/spinlock.h \
    $(wildcard include/config/PREEMPTION) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/preempt.h \
    $(wildcard include/config/PREEMPT_COUNT) \
    $(wildcard include/config/TRACE_PREEMPT_TOGGLE) \
    $(wildcard include/config/PREEMPT_NOTIFIERS) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/preempt.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/thread_info.h \
    $(wildcard include/config/THREAD_INFO_IN_TASK) \
    $(wildcard include/config/GENERIC_ENTRY) \
    $(wildcard include/config/HAVE_ARCH_WITHIN_STACK_FRAMES) \
    $(wildcard include/config/HARDENED_USERCOPY) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/restart_block.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/thread_info.h \
    $(wildcard include/config/COMPAT) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/bottom_half.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/lockdep.h \
    $(wildcard include/config/DEBUG_LOCKING_API_SELFTESTS) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/smp.h \
    $(wildcard include/config/UP_LATE_INIT) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/smp_types.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/llist.h \
    $(wildcard include/config/ARCH_HAVE_NMI_SAFE_CMPXCHG) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/smp.h \
    $(wildcard include/config/X86_LOCAL_APIC) \
    $(wildcard include/config/DEBUG_NMI_SELFTEST) \
  arch/x86/include/generated/asm/mmiowb.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/mmiowb.h \
    $(wildcard include/config/MMIOWB) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/spinlock_types.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/rwlock_types.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/spinlock.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/qspinlock.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/qspinlock.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/qrwlock.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/qrwlock.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/rwlock.h \
    $(wildcard include/config/PREEMPT) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/spinlock_api_smp.h \
    $(wildcard include/config/INLINE_SPIN_LOCK) \
    $(wildcard include/config/INLINE_SPIN_LOCK_BH) \
    $(wildcard include/config/INLINE_SPIN_LOCK_IRQ) \
    $(wildcard include/config/INLINE_SPIN_LOCK_IRQSAVE) \
    $(wildcard include/config/INLINE_SPIN_TRYLOCK) \
    $(wildcard include/config/INLINE_SPIN_TRYLOCK_BH) \
    $(wildcard include/config/UNINLINE_SPIN_UNLOCK) \
    $(wildcard include/config/INLINE_SPIN_UNLOCK_BH) \
    $(wildcard include/config/INLINE_SPIN_UNLOCK_IRQ) \
    $(wildcard include/config/INLINE_SPIN_UNLOCK_IRQRESTORE) \
    $(wildcard include/config/GENERIC_LOCKBREAK) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/rwlock_api_smp.h \
    $(wildcard include/config/INLINE_READ_LOCK) \
    $(wildcard include/config/INLINE_WRITE_LOCK) \
    $(wildcard include/config/INLINE_READ_LOCK_BH) \
    $(wildcard include/config/INLINE_WRITE_LOCK_BH) \
    $(wildcard include/config/INLINE_READ_LOCK_IRQ) \
    $(wildcard include/config/INLINE_WRITE_LOCK_IRQ) \
    $(wildcard include/config/INLINE_READ_LOCK_IRQSAVE) \
    $(wildcard include/config/INLINE_WRITE_LOCK_IRQSAVE) \
    $(wildcard include/config/INLINE_READ_TRYLOCK) \
    $(wildcard include/config/INLINE_WRITE_TRYLOCK) \
    $(wildcard include/config/INLINE_READ_UNLOCK) \
    $(wildcard include/config/INLINE_WRITE_UNLOCK) \
    $(wildcard include/config/INLINE_READ_UNLOCK_BH) \
    $(wildcard include/config/INLINE_WRITE_UNLOCK_BH) \
    $(wildcard include/config/INLINE_READ_UNLOCK_IRQ) \
    $(wildcard include/config/INLINE_WRITE_UNLOCK_IRQ) \
    $(wildcard include/config/INLINE_READ_UNLOCK_IRQRESTORE) \
    $(wildcard include/config/INLINE_WRITE_UNLOCK_IRQRESTORE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/refcount.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/rbtree.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/rbtree_types.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/rcupdate.h \
    $(wildcard include/config/PREEMPT_RCU) \
    $(wildcard include/config/TINY_RCU) \
    $(wildcard include/config/RCU_STRICT_GRACE_PERIOD) \
    $(wildcard include/config/TASKS_RCU_GENERIC) \
    $(wildcard include/config/RCU_STALL_COMMON) \
    $(wildcard include/config/NO_HZ_FULL) \
    $(wildcard include/config/KVM_XFER_TO_GUEST_WORK) \
    $(wildcard include/config/RCU_NOCB_CPU) \
    $(wildcard include/config/TASKS_RCU) \
    $(wildcard include/config/TASKS_TRACE_RCU) \
    $(wildcard include/config/TASKS_RUDE_RCU) \
    $(wildcard include/config/TREE_RCU) \
    $(wildcard include/config/DEBUG_OBJECTS_RCU_HEAD) \
    $(wildcard include/config/PROVE_RCU) \
    $(wildcard include/config/ARCH_WEAK_RELEASE_ACQUIRE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/context_tracking_irq.h \
    $(wildcard include/config/CONTEXT_TRACKING_IDLE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/rcutree.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/maple_tree.h \
    $(wildcard include/config/MAPLE_RCU_DISABLED) \
    $(wildcard include/config/DEBUG_MAPLE_TREE_VERBOSE) \
    $(wildcard include/config/DEBUG_MAPLE_TREE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/rwsem.h \
    $(wildcard include/config/RWSEM_SPIN_ON_OWNER) \
    $(wildcard include/config/DEBUG_RWSEMS) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/osq_lock.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/completion.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/swait.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/wait.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/wait.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/uprobes.h \
    $(wildcard include/config/UPROBES) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/uprobes.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/notifier.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/mutex.h \
    $(wildcard include/config/MUTEX_SPIN_ON_OWNER) \
    $(wildcard include/config/DEBUG_MUTEXES) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/debug_locks.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/srcu.h \
    $(wildcard include/config/TINY_SRCU) \
    $(wildcard include/config/SRCU) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/workqueue.h \
    $(wildcard include/config/DEBUG_OBJECTS_WORK) \
    $(wildcard include/config/FREEZER) \
    $(wildcard include/config/WQ_WATCHDOG) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/timer.h \
    $(wildcard include/config/DEBUG_OBJECTS_TIMERS) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/ktime.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/jiffies.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/vdso/jiffies.h \
  include/generated/timeconst.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/vdso/ktime.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/timekeeping.h \
    $(wildcard include/config/GENERIC_CMOS_UPDATE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/clocksource_ids.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/debugobjects.h \
    $(wildcard include/config/DEBUG_OBJECTS) \
    $(wildcard include/config/DEBUG_OBJECTS_FREE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/rcu_segcblist.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/srcutree.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/rcu_node_tree.h \
    $(wildcard include/config/RCU_FANOUT) \
    $(wildcard include/config/RCU_FANOUT_LEAF) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/page-flags-layout.h \
  include/generated/bounds.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/seqlock.h \
    $(wildcard include/config/CC_IS_GCC) \
    $(wildcard include/config/GCC_VERSION) \
    $(wildcard include/config/UBSAN_ALIGNMENT) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/mmu.h \
    $(wildcard include/config/MODIFY_LDT_SYSCALL) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/kmod.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/umh.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/gfp.h \
    $(wildcard include/config/HIGHMEM) \
    $(wildcard include/config/ZONE_DMA) \
    $(wildcard include/config/ZONE_DMA32) \
    $(wildcard include/config/ZONE_DEVICE) \
    $(wildcard include/config/COMPACTION) \
    $(wildcard include/config/PM_SLEEP) \
    $(wildcard include/config/CONTIG_ALLOC) \
    $(wildcard include/config/CMA) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/mmzone.h \
    $(wildcard include/config/ARCH_FORCE_MAX_ORDER) \
    $(wildcard include/config/MEMORY_ISOLATION) \
    $(wildcard include/config/ZSMALLOC) \
    $(wildcard include/config/LRU_GEN_STATS) \
    $(wildcard include/config/MEMORY_HOTPLUG) \
    $(wildcard include/config/PAGE_EXTENSION) \
    $(wildcard include/config/DEFERRED_STRUCT_PAGE_INIT) \
    $(wildcard include/config/HAVE_MEMORYLESS_NODES) \
    $(wildcard include/config/SPARSEMEM_EXTREME) \
    $(wildcard include/config/HAVE_ARCH_PFN_VALID) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/nodemask.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/random.h \
    $(wildcard include/config/VMGENID) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/once.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/random.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/irqnr.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/irqnr.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/prandom.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/percpu.h \
    $(wildcard include/config/NEED_PER_CPU_EMBED_FIRST_CHUNK) \
    $(wildcard include/config/NEED_PER_CPU_PAGE_FIRST_CHUNK) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/mmdebug.h \
    $(wildcard include/config/DEBUG_VM) \
    $(wildcard include/config/DEBUG_VM_IRQSOFF) \
    $(wildcard include/config/DEBUG_VM_PGFLAGS) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/archrandom.h \
    $(wildcard include/config/UML) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/pageblock-flags.h \
    $(wildcard include/config/HUGETLB_PAGE_SIZE_VARIABLE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/page-flags.h \
    $(wildcard include/config/ARCH_USES_PG_UNCACHED) \
    $(wildcard include/config/MEMORY_FAILURE) \
    $(wildcard include/config/PAGE_IDLE_FLAG) \
    $(wildcard include/config/HUGETLB_PAGE_OPTIMIZE_VMEMMAP) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/local_lock.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/local_lock_internal.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/memory_hotplug.h \
    $(wildcard include/config/HAVE_ARCH_NODEDATA_EXTENSION) \
    $(wildcard include/config/ARCH_HAS_ADD_PAGES) \
    $(wildcard include/config/MEMORY_HOTREMOVE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/mmzone.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/mmzone_64.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/topology.h \
    $(wildcard include/config/USE_PERCPU_NUMA_NODE_ID) \
    $(wildcard include/config/SCHED_SMT) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/arch_topology.h \
    $(wildcard include/config/ACPI_CPPC_LIB) \
    $(wildcard include/config/GENERIC_ARCH_TOPOLOGY) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/topology.h \
    $(wildcard include/config/SCHED_MC_PRIO) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/mpspec.h \
    $(wildcard include/config/EISA) \
    $(wildcard include/config/X86_MPPARSE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/mpspec_def.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/x86_init.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/uapi/asm/bootparam.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/screen_info.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/screen_info.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/apm_bios.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/apm_bios.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/edd.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/edd.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/ist.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/uapi/asm/ist.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/video/edid.h \
    $(wildcard include/config/X86) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/video/edid.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/apicdef.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/topology.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/sysctl.h \
    $(wildcard include/config/SYSCTL) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/sysctl.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/elf.h \
    $(wildcard include/config/ARCH_USE_GNU_PROPERTY) \
    $(wildcard include/config/ARCH_HAVE_ELF_PROT) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/elf.h \
    $(wildcard include/config/X86_X32_ABI) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/user.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/user_64.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/fsgsbase.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/syscall.h \
    $(wildcard include/config/X86_X32_DISABLED) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/audit.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/elf-em.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/sched.h \
    $(wildcard include/config/VIRT_CPU_ACCOUNTING_NATIVE) \
    $(wildcard include/config/SCHED_INFO) \
    $(wildcard include/config/SCHEDSTATS) \
    $(wildcard include/config/SCHED_CORE) \
    $(wildcard include/config/FAIR_GROUP_SCHED) \
    $(wildcard include/config/RT_GROUP_SCHED) \
    $(wildcard include/config/RT_MUTEXES) \
    $(wildcard include/config/UCLAMP_TASK) \
    $(wildcard include/config/UCLAMP_BUCKETS_COUNT) \
    $(wildcard include/config/KMAP_LOCAL) \
    $(wildcard include/config/CGROUP_SCHED) \
    $(wildcard include/config/BLK_DEV_IO_TRACE) \
    $(wildcard include/config/COMPAT_BRK) \
    $(wildcard include/config/CGROUPS) \
    $(wildcard include/config/BLK_CGROUP) \
    $(wildcard include/config/PSI) \
    $(wildcard include/config/PAGE_OWNER) \
    $(wildcard include/config/EVENTFD) \
    $(wildcard include/config/CPU_SUP_INTEL) \
    $(wildcard include/config/TASK_DELAY_ACCT) \
    $(wildcard include/config/ARCH_HAS_SCALED_CPUTIME) \
    $(wildcard include/config/VIRT_CPU_ACCOUNTING_GEN) \
    $(wildcard include/config/POSIX_CPUTIMERS) \
    $(wildcard include/config/POSIX_CPU_TIMERS_TASK_WORK) \
    $(wildcard include/config/KEYS) \
    $(wildcard include/config/SYSVIPC) \
    $(wildcard include/config/DETECT_HUNG_TASK) \
    $(wildcard include/config/IO_URING) \
    $(wildcard include/config/AUDIT) \
    $(wildcard include/config/AUDITSYSCALL) \
    $(wildcard include/config/UBSAN) \
    $(wildcard include/config/UBSAN_TRAP) \
    $(wildcard include/config/TASK_XACCT) \
    $(wildcard include/config/CPUSETS) \
    $(wildcard include/config/X86_CPU_RESCTRL) \
    $(wildcard include/config/PERF_EVENTS) \
    $(wildcard include/config/RSEQ) \
    $(wildcard include/config/FAULT_INJECTION) \
    $(wildcard include/config/LATENCYTOP) \
    $(wildcard include/config/FUNCTION_GRAPH_TRACER) \
    $(wildcard include/config/BCACHE) \
    $(wildcard include/config/VMAP_STACK) \
    $(wildcard include/config/SECURITY) \
    $(wildcard include/config/BPF_SYSCALL) \
    $(wildcard include/config/GCC_PLUGIN_STACKLEAK) \
    $(wildcard include/config/RANDOMIZE_KSTACK_OFFSET) \
    $(wildcard include/config/X86_MCE) \
    $(wildcard include/config/KRETPROBES) \
    $(wildcard include/config/RETHOOK) \
    $(wildcard include/config/ARCH_HAS_PARANOID_L1D_FLUSH) \
    $(wildcard include/config/RV) \
    $(wildcard include/config/ARCH_TASK_STRUCT_ON_STACK) \
    $(wildcard include/config/PREEMPT_NONE) \
    $(wildcard include/config/PREEMPT_VOLUNTARY) \
    $(wildcard include/config/DEBUG_RSEQ) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/sched.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/pid.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/rculist.h \
    $(wildcard include/config/PROVE_RCU_LIST) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/sem.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/sem.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/ipc.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/rhashtable-types.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/ipc.h \
  arch/x86/include/generated/uapi/asm/ipcbuf.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/asm-generic/ipcbuf.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/uapi/asm/sembuf.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/shm.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/shm.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/asm-generic/hugetlb_encode.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/uapi/asm/shmbuf.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/asm-generic/shmbuf.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/shmparam.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/kmsan_types.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/plist.h \
    $(wildcard include/config/DEBUG_PLIST) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/hrtimer.h \
    $(wildcard include/config/HIGH_RES_TIMERS) \
    $(wildcard include/config/TIME_LOW_RES) \
    $(wildcard include/config/TIMERFD) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/hrtimer_defs.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/timerqueue.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/seccomp.h \
    $(wildcard include/config/SECCOMP) \
    $(wildcard include/config/HAVE_ARCH_SECCOMP_FILTER) \
    $(wildcard include/config/SECCOMP_FILTER) \
    $(wildcard include/config/CHECKPOINT_RESTORE) \
    $(wildcard include/config/SECCOMP_CACHE_DEBUG) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/seccomp.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/seccomp.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/unistd.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/uapi/asm/unistd.h \
  arch/x86/include/generated/uapi/asm/unistd_64.h \
  arch/x86/include/generated/asm/unistd_64_x32.h \
  arch/x86/include/generated/asm/unistd_32_ia32.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/ia32_unistd.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/seccomp.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/unistd.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/resource.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/resource.h \
  arch/x86/include/generated/uapi/asm/resource.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/resource.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/asm-generic/resource.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/latencytop.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/sched/prio.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/sched/types.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/signal_types.h \
    $(wildcard include/config/OLD_SIGACTION) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/signal.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/signal.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/uapi/asm/signal.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/asm-generic/signal-defs.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/uapi/asm/siginfo.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/asm-generic/siginfo.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/syscall_user_dispatch.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/task_io_accounting.h \
    $(wildcard include/config/TASK_IO_ACCOUNTING) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/posix-timers.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/alarmtimer.h \
    $(wildcard include/config/RTC_CLASS) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/rseq.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/kcsan.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/rv.h \
    $(wildcard include/config/RV_REACTORS) \
  arch/x86/include/generated/asm/kmap_size.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/kmap_size.h \
    $(wildcard include/config/DEBUG_KMAP_LOCAL) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/vdso.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/elf.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/kobject.h \
    $(wildcard include/config/UEVENT_HELPER) \
    $(wildcard include/config/DEBUG_KOBJECT_RELEASE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/sysfs.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/kernfs.h \
    $(wildcard include/config/KERNFS) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/idr.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/radix-tree.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/xarray.h \
    $(wildcard include/config/XARRAY_MULTI) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/kconfig.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/sched/mm.h \
    $(wildcard include/config/ARCH_HAS_MEMBARRIER_CALLBACKS) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/sync_core.h \
    $(wildcard include/config/ARCH_HAS_SYNC_CORE_BEFORE_USERMODE) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/sync_core.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/ioasid.h \
    $(wildcard include/config/IOASID) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/kobject_ns.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/moduleparam.h \
    $(wildcard include/config/ALPHA) \
    $(wildcard include/config/IA64) \
    $(wildcard include/config/PPC64) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/rbtree_latch.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/error-injection.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/error-injection.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/module.h \
    $(wildcard include/config/UNWINDER_ORC) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/module.h \
    $(wildcard include/config/HAVE_MOD_ARCH_SPECIFIC) \
    $(wildcard include/config/MODULES_USE_ELF_REL) \
    $(wildcard include/config/MODULES_USE_ELF_RELA) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/orc_types.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/build-salt.h \
    $(wildcard include/config/BUILD_SALT) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/elfnote.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/elfnote-lto.h \
    $(wildcard include/config/LTO) \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/export-internal.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/include/linux/vermagic.h \
    $(wildcard include/config/PREEMPT_BUILD) \
  include/generated/utsrelease.h \
  /var/cache/vmlab/kernels/debian-6.1-6.1.0-56-amd64/root/usr/src/linux-headers-6.1.0-56-common/arch/x86/include/asm/vermagic.h \
    $(wildcard include/config/M486SX) \
    $(wildcard include/config/M486) \
    $(wildcard include/config/M586) \
    $(wildcard include/config/M586TSC) \
    $(wildcard include/config/M586MMX) \
    $(wildcard include/config/MCORE2) \
    $(wildcard include/config/M686) \
    $(wildcard include/config/MPENTIUMII) \
    $(wildcard include/config/MPENTIUMIII) \
    $(wildcard include/config/MPENTIUMM) \
    $(wildcard include/config/MPENTIUM4) \
    $(wildcard include/config/MK6) \
    $(wildcard include/config/MK7) \
    $(wildcard include/config/MK8) \
    $(wildcard include/config/MELAN) \
    $(wildcard include/config/MCRUSOE) \
    $(wildcard include/config/MEFFICEON) \
    $(wildcard include/config/MWINCHIPC6) \
    $(wildcard include/config/MWINCHIP3D) \
    $(wildcard include/config/MCYRIXIII) \
    $(wildcard include/config/MVIAC3_2) \
    $(wildcard include/config/MVIAC7) \
    $(wildcard include/config/MGEODEGX1) \
    $(wildcard include/config/MGEODE_LX) \

/work/main/.build/debian-6.1/modules/core/vmlab_core.mod.o: $(deps_/work/main/.build/debian-6.1/modules/core/vmlab_core.mod.o)

$(deps_/work/main/.build/debian-6.1/modules/core/vmlab_core.mod.o):
