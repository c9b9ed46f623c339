# SPDX-License-Identifier: GPL-2.0
#
# vmlab top-level Makefile.
#
#   make                 build every module against KDIR (W=1)
#   make userspace       static user-space programs (vmlabctl, workloads)
#   make selftests       static kselftests (headers from linux-source-6.1)
#   make demo            boot debian-6.1, load every module, drive it, print status
#   make check           every test: builds, checkpatch, sparse, host tests, VM suites
#   make bench           benchmarks against the anchors, in the test VM
#   make vmtest K=NAME   the VM suites on one kernel (debian-6.1, debian-6.12, debug-6.1)
#
# VMLAB_MODULES="core tlbstat" builds a subset of the modules.
# OUT=DIR builds the modules in a copy of the sources under DIR, so that several
# kernels' objects never mix in the work tree (the harness uses .build/<kernel>).

KDIR ?= /lib/modules/$(shell uname -r)/build
W ?= 1
VMTEST := tools/vmtest/vmtest
KERNELS := tools/vmtest/kernels.sh

ifeq ($(OUT),)
MDIR := $(CURDIR)
else
MDIR := $(abspath $(OUT))
endif

.PHONY: all modules modules_clean userspace selftests demo check bench vmtest \
	checkpatch sparse host-tests clean help

all: modules

modules:
ifneq ($(OUT),)
	@mkdir -p $(MDIR)
	@rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '*.cmd' \
		--exclude '*.mod*' Kbuild modules $(MDIR)/
endif
	$(MAKE) -C $(KDIR) M=$(MDIR) W=$(W) $(if $(VMLAB_MODULES),VMLAB_MODULES="$(VMLAB_MODULES)") modules

modules_clean:
	$(MAKE) -C $(KDIR) M=$(MDIR) clean

userspace:
	$(MAKE) -C userspace

selftests:
	$(MAKE) -C selftests

demo:
	$(VMTEST) --kernel debian-6.1 --demo --disk

check:
	tools/check.sh

bench:
	tools/bench.sh

vmtest:
	$(VMTEST) --kernel $(or $(K),debian-6.1)

checkpatch:
	tools/check.sh checkpatch

sparse:
	tools/check.sh sparse

host-tests:
	tools/check.sh host-tests

clean: modules_clean
	$(MAKE) -C userspace clean
	$(MAKE) -C selftests clean
	rm -rf .build

help:
	@sed -n '3,14p' Makefile
