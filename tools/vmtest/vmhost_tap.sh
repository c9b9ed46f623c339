# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# TAP for the host-side VM scripts (selftests/*/vmhost_*.sh), sourced by
# them: make check's vmhost stage nests each script's TAP in its results.
#
#   ok STATUS DESCRIPTION   one test: passed when STATUS is 0
#   tap_done                the "N passed, N failed" line; its status is
#                           the scripts' exit status
passed=0 failed=0 n=0

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		passed=$((passed + 1)); echo "ok $n $2"
	else
		failed=$((failed + 1)); echo "not ok $n $2"
	fi
}

tap_done() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
