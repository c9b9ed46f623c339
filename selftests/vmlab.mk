# SPDX-License-Identifier: GPL-2.0
#
# What every vmlab kselftest suite shares, then the kernel's own
# tools/testing/selftests/lib.mk, taken from linux-source-6.1 at build time
# and never copied into this repository.  lib.mk's rules build the suite
# (all), run it (run_tests, with kselftest/runner.sh), install it
# (install INSTALL_PATH=DIR, DIR being the suite's own directory) and list
# it for kselftest-list.txt (emit_tests COLLECTION=NAME).
#
# A suite's Makefile sets TEST_GEN_PROGS (one program per .c file), and
# optionally TEST_PROGS (scripts), LOCAL_HDRS (its own headers: rebuild on
# change, never passed to the compiler), EXTRA_SRCS (sources linked into
# every program of the suite) and CFLAGS, then includes this file.  A
# `settings` file beside it gives the suite's timeout in seconds and a
# `config` fragment the kernel options it needs, as in the kernel's tree.
#
# KSFT_DIR names the kernel's tools/testing/selftests directory; by
# default, that of the linux-source-6.1 tree the harness extracts.  The
# programs go to OUTPUT, by default selftests/build/<suite>/, never into
# the source tree.
#
# This file must not be called lib.mk: lib.mk finds its own directory as
# the one of the only %/lib.mk in MAKEFILE_LIST.

VMLAB_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
KSFT_DIR ?= $(shell $(VMLAB_ROOT)/tools/vmtest/kernels.sh source)/tools/testing/selftests
ifeq ($(wildcard $(KSFT_DIR)/lib.mk),)
$(error no kselftest lib.mk in KSFT_DIR=$(KSFT_DIR): install linux-source-6.1 (tools/vmtest/kernels.sh source extracts it) or pass KSFT_DIR=<linux>/tools/testing/selftests)
endif

OUTPUT ?= $(VMLAB_ROOT)/selftests/build/$(notdir $(CURDIR))

CFLAGS += -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-format-truncation \
	  -static -pthread -D_GNU_SOURCE -I$(KSFT_DIR) \
	  -I$(VMLAB_ROOT)/modules/include/uapi -I$(VMLAB_ROOT)/selftests/include
LDLIBS += -lpthread
LOCAL_HDRS += $(wildcard $(VMLAB_ROOT)/selftests/include/*.h)

include $(KSFT_DIR)/lib.mk

# lib.mk links a program from all its prerequisites but the headers.
ifneq ($(strip $(EXTRA_SRCS)),)
$(TEST_GEN_PROGS): $(EXTRA_SRCS)
endif

# The selftests Makefile creates OUTPUT, as the kernel's does; a suite
# built on its own (make -C selftests/core) creates it here.
$(TEST_GEN_PROGS): | $(OUTPUT)
$(OUTPUT):
	mkdir -p $@
