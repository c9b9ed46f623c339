# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034 # KERNEL and VMTEST are the sourcing script's
#
# What the host-side VM scripts (selftests/*/vmhost_*.sh) share, sourced
# by them from the top of the tree with their arguments in place:
#
#   --kernel NAME           their one option: KERNEL (default debian-6.1)
#   VMTEST                  the harness they boot their VM with
#   ok STATUS DESCRIPTION   one TAP test: passed when STATUS is 0
#   skip DESCRIPTION REASON one TAP test that could not run here, and why
#   tap_done                the "N passed, N failed, N skipped" line; its
#                           status is the script's exit status
#
# make check's vmhost stage nests each script's TAP in its results.
KERNEL=debian-6.1
[ "${1:-}" = --kernel ] && KERNEL=$2
VMTEST=tools/vmtest/vmtest
passed=0 failed=0 skipped=0 n=0

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		passed=$((passed + 1)); echo "ok $n $2"
	else
		failed=$((failed + 1)); echo "not ok $n $2"
	fi
}

skip() {
	n=$((n + 1)) skipped=$((skipped + 1))
	echo "ok $n $1 # SKIP $2"
}

tap_done() {
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}
