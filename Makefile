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
#   make install         modules into INSTALL_MOD_PATH/lib/modules/<release>/updates/vmlab
#                        and depmod, then user space into DESTDIR/PREFIX
#                        (Documentation/install.rst)
#   make modules_install, make userspace_install: either half of that
#   make dkms-src        the module sources and dkms.conf in DESTDIR/usr/src/vmlab-<version>
#   make deb             vmlab-dkms, vmlab-tools and vmlab-tests .debs in .build/deb/
#   make htmldocs, make man
#                        the documentation (Documentation/Makefile)
#
# VMLAB_MODULES="core tlbstat" builds a subset of the modules.
# OUT=DIR builds the modules in a copy of the sources under DIR, so that several
# kernels' objects never mix in the work tree (the harness uses .build/modules/).
# CHROOT=DIR builds them inside a chroot (see below).

KDIR ?= /lib/modules/$(shell uname -r)/build
VERSION := $(shell cat VERSION)
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

# Where KDIR is as seen from here, and the release it builds for: the
# kernel's UTS_RELEASE, which names its /lib/modules directory (Debian's 6.1
# headers say 6.1.192 in include/config/kernel.release, kbuild's default).
KDIR_HOST := $(if $(CHROOT),$(abspath $(CHROOT))/$(KDIR),$(KDIR))
KRELEASE ?= $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR_HOST)/include/generated/utsrelease.h 2>/dev/null)
DEPMOD := $(if $(CHROOT),chroot $(abspath $(CHROOT))) depmod

# Without this, a missing KDIR ends in make's bare "No such file or directory".
define VMLAB_NO_KDIR
vmlab: no kernel build tree at $(KDIR_HOST).
vmlab: for the running kernel, install its headers:
vmlab:     apt-get install linux-headers-$(shell uname -r)
vmlab: for another kernel, pass its build directory (its headers package's
vmlab: /lib/modules/<release>/build, or a kernel tree after make modules_prepare):
vmlab:     make KDIR=/path/to/build
endef
export VMLAB_NO_KDIR

.PHONY: all modules modules_clean userspace selftests demo check bench vmtest \
	checkpatch sparse host-tests clean help soak fuzz kdir-check install \
	modules_install userspace_install dkms-src deb htmldocs man

all: modules

kdir-check:
	@test -f $(KDIR_HOST)/Makefile || { echo "$$VMLAB_NO_KDIR" >&2; exit 1; }

modules: kdir-check
ifneq ($(OUT),)
	@mkdir -p $(MDIR)
	@rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '*.cmd' \
		--exclude '*.mod*' Kbuild VERSION modules $(MDIR)/
endif
	+$(KBUILD_MAKE) -C $(KDIR) M=$(KBUILD_MDIR) W=$(W) $(if $(VMLAB_MODULES),VMLAB_MODULES="$(VMLAB_MODULES)") modules

modules_clean: kdir-check
	+$(KBUILD_MAKE) -C $(KDIR) M=$(KBUILD_MDIR) clean

userspace:
	$(MAKE) -C userspace

# kbuild's modules_install runs depmod only when the kernel's System.map is
# there, which a headers package lacks: depmod here makes modprobe find
# vmlab_core for any module that needs it.  A distribution's headers carry
# no signing key either (CONFIG_MODULE_SIG_ALL would only print errors);
# a kernel built here with its key in certs/ signs as usual.
INSTALL_MOD_DIR ?= updates/vmlab
modules_install: modules
	+$(KBUILD_MAKE) -C $(KDIR) M=$(KBUILD_MDIR) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) \
		KERNELRELEASE=$(KRELEASE) \
		$(if $(wildcard $(KDIR_HOST)/certs/signing_key.pem),,CONFIG_MODULE_SIG_ALL=) \
		$(if $(INSTALL_MOD_PATH),INSTALL_MOD_PATH=$(abspath $(INSTALL_MOD_PATH))) modules_install
	$(DEPMOD) $(if $(INSTALL_MOD_PATH),-b $(abspath $(INSTALL_MOD_PATH))) $(KRELEASE)

userspace_install:
	$(MAKE) -C userspace install

install: modules_install userspace_install

# What DKMS builds from: the kbuild sources only, and dkms.conf with the
# version filled in (the vmlab-dkms package gets the same from dh_dkms -V).
DKMS_SRC = $(DESTDIR)/usr/src/vmlab-$(VERSION)
dkms-src:
	install -d $(DKMS_SRC)
	rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '*.cmd' \
		--exclude '*.mod*' --exclude .vmlab-probe.c --exclude modules.order \
		--exclude Module.symvers Kbuild VERSION LICENSE modules $(DKMS_SRC)/
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf > $(DKMS_SRC)/dkms.conf

deb:
	tools/pkg/mkdeb.sh

htmldocs man:
	$(MAKE) -C Documentation $@

selftests:
	$(MAKE) -C selftests

demo:
	$(VMTEST) --kernel $(or $(K),debian-6.1) --demo --disk

# SHARD=I/N: run the I-th of N machines' share of the stages.
check:
	$(if $(SHARD),SHARD=$(SHARD) )tools/check.sh

bench:
	VMLAB_KERNEL=$(or $(K),debian-6.1) tools/bench.sh

# LOG=DIR: where the logs, results.ktap and junit.xml go (default:
# .build/vmtest/<kernel>-<pid>).
vmtest:
	$(VMTEST) --kernel $(or $(K),debian-6.1)$(if $(LOG), --log $(LOG))

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

# Without kernel headers there are no module objects to clean.
clean:
	$(if $(wildcard $(KDIR_HOST)/Makefile),$(MAKE) modules_clean)
	$(MAKE) -C userspace clean
	$(MAKE) -C selftests clean
	rm -rf .build

help:
	@sed -n '3,/^# CHROOT=DIR builds them/p' Makefile
