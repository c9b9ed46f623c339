# SPDX-License-Identifier: GPL-2.0
#
# Shared rules for one vmlab kselftest suite.  A suite's Makefile sets
# TEST_GEN_PROGS (C programs, one per .c file), optionally TEST_PROGS
# (scripts) and EXTRA_SRCS, then includes this file.  A `settings` file
# beside it gives the suite's timeout in seconds, as in the kernel tree.

SHELL := /bin/bash
SUITE := $(notdir $(CURDIR))
OUTPUT ?= $(CURDIR)/../build/$(SUITE)
ROOT := $(or $(SUITE_ROOT),$(abspath $(CURDIR)/../..))
KSFT_DIR ?= $(shell $(ROOT)/tools/vmtest/kernels.sh source)/tools/testing/selftests
INSTALL_PATH ?= $(OUTPUT)/../install

CFLAGS += -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-format-truncation -static -pthread \
	  -D_GNU_SOURCE -I$(KSFT_DIR) -I$(ROOT)/modules/include/uapi \
	  -I$(ROOT)/selftests/include
LDLIBS += -lpthread

PROGS := $(addprefix $(OUTPUT)/,$(TEST_GEN_PROGS))

.PHONY: all run_tests install clean
all: $(PROGS)

$(OUTPUT)/%: %.c $(EXTRA_SRCS) $(wildcard $(ROOT)/selftests/include/*.h) | $(OUTPUT)
	$(CC) $(CFLAGS) -o $@ $< $(EXTRA_SRCS) $(LDLIBS)

$(OUTPUT):
	mkdir -p $@

# Like the kernel's run_kselftest.sh: one TAP line per program, its own
# output indented as diagnostics, and the settings timeout enforced.
run_tests: all
	@timeout=$$(sed -n 's/^timeout=//p' settings 2>/dev/null); \
	n=0; for t in $(TEST_GEN_PROGS) $(TEST_PROGS); do n=$$((n+1)); done; \
	echo "TAP version 13"; echo "1..$$n"; i=0; rc=0; \
	for t in $(TEST_GEN_PROGS) $(TEST_PROGS); do i=$$((i+1)); \
		p=$(OUTPUT)/$$t; [ -x "$$p" ] || p=./$$t; \
		echo "# selftests: $(SUITE): $$t"; \
		timeout $${timeout:-45} $$p 2>&1 | sed 's/^/# /'; r=$${PIPESTATUS[0]}; \
		if [ $$r -eq 0 ]; then echo "ok $$i selftests: $(SUITE): $$t"; \
		elif [ $$r -eq 4 ]; then echo "ok $$i selftests: $(SUITE): $$t # SKIP"; \
		else echo "not ok $$i selftests: $(SUITE): $$t # exit=$$r"; rc=1; fi; \
	done; exit $$rc

install: all
	@mkdir -p $(INSTALL_PATH)/$(SUITE)
	@cp $(PROGS) $(INSTALL_PATH)/$(SUITE)/
	@for t in $(TEST_PROGS); do cp $$t $(INSTALL_PATH)/$(SUITE)/; done
	@cp settings $(INSTALL_PATH)/$(SUITE)/ 2>/dev/null || true
	@echo $(TEST_GEN_PROGS) $(TEST_PROGS) | tr ' ' '\n' > $(INSTALL_PATH)/$(SUITE)/tests

clean:
	rm -rf $(OUTPUT)
