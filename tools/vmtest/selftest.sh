#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The harness's own tests: a clean run passes, and fixtures that WARN, leak
# and hang (a command, and a kselftest) each make the run fail with a
# message that names the cause.
# TAP output; the last line is "N passed, N failed".

set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VMTEST=$HERE/vmtest
n=0 pass=0 fail=0

# expect NAME EXIT-STATUS REGEX -- vmtest args...
expect() {
	local name=$1 want_rc=$2 regex=$3 out rc
	shift 4
	n=$((n + 1))
	out=$("$VMTEST" --quiet --modules core "$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want_rc" ] && grep -qE -- "$regex" <<< "$out"; then
		echo "ok $n $name"
		pass=$((pass + 1))
	else
		echo "not ok $n $name"
		echo "# wanted exit $want_rc and /$regex/, got exit $rc:"
		sed 's/^/# /' <<< "$out" | tail -15
		fail=$((fail + 1))
	fi
}

echo "TAP version 13"
echo "1..5"
expect "clean run passes" 0 '^debian-6\.1: [1-9][0-9]* passed, 0 failed' \
	-- --kernel debian-6.1 --suite core
expect "a WARN fails the run and is named" 1 \
	'FAIL: kernel log: kernel WARNING .*vmlab_fixture_warn' \
	-- --kernel debian-6.1 --suite core --fixture warn
expect "a hang is killed and named" 1 \
	'FAIL: TIMEOUT: cmd did not finish in its time limit; VM killed' \
	-- --kernel debian-6.1 --fixture hang
expect "a hung kselftest is killed and the test named" 1 \
	'FAIL: TIMEOUT: fixture_hang/hang_test did not finish in its time limit; VM killed; hung in test global\.blocks_forever' \
	-- --kernel debian-6.1 --fixture hang-test
expect "a leak is found by kmemleak and named" 1 \
	'FAIL: kmemleak: [0-9]+ leaked object\(s\) from vmlab_fixture_leak' \
	-- --kernel debug-6.1 --suite core --no-kunit --fixture leak
echo "harness: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
