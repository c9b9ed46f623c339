# SPDX-License-Identifier: GPL-2.0
#
# vmlab top-level Makefile.
#
#   make                 build every module against KDIR (W=1)
#   make userspace       static user-space programs (vmlabctl, workloads)
#   make selftests       static kselftests (headers from linux-source-6.1)
#   make demo [K=NAME]   boot debian-6.1 (or NAME), load every module, drive it, print status
#   make check           every test: builds, checkpatch, sparse, host tests, VM suites
#   make bench [K=NAME]  benchmarks against the anchors, in the test VM (default debian-6.1)
#   make vmtest K=NAME   the VM suites on one kernel (debian-6.1, debian-6.12, debian-7.2,
#                        debug-7.2, debug-6.1)
#   make soak [MINUTES=N] [SEED=S] [K=NAME]
#                        vmlab-soak: every interface at once, fault injection, shadow
#                        copies checked (default 1 minute on debug-7.2; Documentation/soak.rst)
#   make fuzz [MINUTES=N] [SEED=S] [K=NAME]
#                        trinity aimed at vmlab's devices and debugfs (default 1 minute
#                        on debug-7.2)
#
# VMLAB_MODULES="core tlbstat" builds a subset of the modules.
# OUT=DIR builds the modules in a copy of the sources under DIR, so that several
# kernels' objects never mix in the work tree (the harness uses .build/modules/).
# CHROOT=DIR builds them inside a chroot (see below).

KDIR ?= /lib/modules/$(shell uname -r)/build
W ?= 1
VMTEST := tools/vmtest/vmtest
KERNELS := tools/vmtest/kernels.sh

ifeq ($(OUT),)
MDIR := $(CURDIR)
else
MDIR := $(abspath $(OUT))
endif

# CHROOT=DIR runs kbuild inside a chroot, for a kernel whose build tools need
# a newer libc and compiler than the host's (Debian unstable's 7.2 on
# bookworm): KDIR is then a path inside DIR, and OUT must lie inside DIR.
ifneq ($(CHROOT),)
KBUILD_MAKE := chroot $(abspath $(CHROOT)) $(MAKE)
KBUILD_MDIR := $(patsubst $(abspath $(CHROOT))/%,/%,$(MDIR))
ifeq ($(KBUILD_MDIR),$(MDIR))
$(error OUT=$(OUT) must lie inside CHROOT=$(CHROOT))
endif
else
KBUILD_MAKE := $(MAKE)
KBUILD_MDIR := $(MDIR)
endif

.PHONY: all modules modules_clean userspace selftests demo check bench vmtest \
	checkpatch sparse host-tests clean help soak fuzz

all: modules

modules:
ifneq ($(OUT),)
	@mkdir -p $(MDIR)
	@rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '*.cmd' \
		--exclude '*.mod*' Kbuild modules $(MDIR)/
endif
	+$(KBUILD_MAKE) -C $(KDIR) M=$(KBUILD_MDIR) W=$(W) $(if $(VMLAB_MODULES),VMLAB_MODULES="$(VMLAB_MODULES)") modules

modules_clean:
	+$(KBUILD_MAKE) -C $(KDIR) M=$(KBUILD_MDIR) clean

userspace:
	$(MAKE) -C userspace

selftests:
	$(MAKE) -C selftests

demo:
	$(VMTEST) --kernel $(or $(K),debian-6.1) --demo --disk

check:
	tools/check.sh

bench:
	VMLAB_KERNEL=$(or $(K),debian-6.1) tools/bench.sh

vmtest:
	$(VMTEST) --kernel $(or $(K),debian-6.1)

# The soak's own run plus the debug kernel's slow teardown of its workers.
MINUTES ?= 1
soak:
	$(VMTEST) --kernel $(or $(K),debug-7.2) --boot-timeout 1500 \
		--cmd-timeout $$(($(MINUTES) * 60 + 300)) \
		--cmd 'vmlab-soak --minutes $(MINUTES)$(if $(SEED), --seed $(SEED))'

fuzz:
	tools/fuzz/fuzz.sh -k $(or $(K),debug-7.2) -m $(MINUTES)$(if $(SEED), -s $(SEED))

checkpatch:
	tools/check.sh checkpatch

sparse:
	tools/check.sh build

host-tests:
	tools/check.sh host-tests

clean: modules_clean
	$(MAKE) -C userspace clean
	$(MAKE) -C selftests clean
	rm -rf .build

help:
	@sed -n '3,/^# CHROOT=DIR builds them/p' Makefile
