# SPDX-License-Identifier: GPL-2.0
#
# Included by each program directory's Makefile: where outputs go, the
# flags, the shared sources in lib/ and the kselftest.h of the host tests.
#
# The host tests print TAP with the kernel's kselftest.h, taken from the
# kernel source at build time as selftests/lib.mk does (never copied into
# this tree).

# The including Makefile's first target stays the default, not these rules.
.DEFAULT_GOAL := all

OUTPUT ?= $(CURDIR)/../build
ROOT := $(abspath $(CURDIR)/../..)
LIBDIR := $(ROOT)/userspace/lib
# Asked for once, and only when tests are built: kernels.sh may have to
# install linux-source, which building the programs must never need.
ifneq ($(filter test,$(MAKECMDGOALS))$(findstring /test_,$(MAKECMDGOALS)),)
ifeq ($(origin KSFT_DIR),undefined)
KSFT_DIR := $(shell $(ROOT)/tools/vmtest/kernels.sh source)/tools/testing/selftests
endif
endif

CFLAGS += -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -I$(LIBDIR) \
	  -I$(ROOT)/modules/include/uapi
TEST_CFLAGS = $(CFLAGS) -I$(KSFT_DIR)

# The JSON writer, and the check that runs its output through a parser.
JSON_SRCS := $(LIBDIR)/json.c
JSON_DEPS := $(JSON_SRCS) $(LIBDIR)/json.h
JSON_CHECK_SRCS := $(LIBDIR)/json_check.c
JSON_CHECK_DEPS := $(JSON_CHECK_SRCS) $(LIBDIR)/json_check.h

# Strict whole-number arguments.
NUMBER_SRCS := $(LIBDIR)/number.c
NUMBER_DEPS := $(NUMBER_SRCS) $(LIBDIR)/number.h

$(OUTPUT):
	mkdir -p $@

$(KSFT_DIR)/kselftest.h:
	@echo "no kselftest.h in '$(KSFT_DIR)': pass KSFT_DIR=<linux>/tools/testing/selftests" >&2
	@exit 1
