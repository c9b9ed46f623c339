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

# expect NAME EXIT-STATUS REGEX... -- vmtest args...
# Every REGEX must match a line of the output; !REGEX must match none.
expect() {
	local name=$1 want_rc=$2 out rc re start good=1 regexes=()
	shift 2
	while [ "$1" != -- ]; do regexes+=("$1"); shift; done
	shift
	n=$((n + 1))
	start=$SECONDS
	out=$("$VMTEST" --quiet --modules core "$@" 2>&1)
	rc=$?
	echo "# $name: $((SECONDS - start)) s"
	printf '%s\n' "$out" > "$LOGS/last.out"
	[ "$rc" -eq "$want_rc" ] || good=0
	for re in "${regexes[@]}"; do
		case $re in
		!*) grep -qE -- "${re#!}" <<< "$out" && good=0 ;;
		*) grep -qE -- "$re" <<< "$out" || good=0 ;;
		esac
	done
	if [ $good -eq 1 ]; then
		echo "ok $n $name"
		pass=$((pass + 1))
	else
		echo "not ok $n $name"
		echo "# wanted exit $want_rc and ${regexes[*]}, got exit $rc:"
		sed 's/^/# /' <<< "$out" | tail -15
		fail=$((fail + 1))
	fi
}

LOGS=$(mktemp -d /tmp/vmlab-selftest.XXXXXX)
trap 'rm -rf "$LOGS"' EXIT
SRC=$("$HERE/kernels.sh" source)

echo "TAP version 13"
echo "1..8"
expect "clean run passes" 0 '^debian-6\.1: [1-9][0-9]* passed, 0 failed, [0-9]+ skipped, 0 boot retries$' \
	-- --kernel debian-6.1 --suite core --log "$LOGS/clean"
n=$((n + 1))
if python3 "$HERE/results.py" verify "$LOGS/clean" "$SRC" "$(grep '^debian-6\.1: ' "$LOGS/last.out")"; then
	echo "ok $n results.ktap and junit.xml parse and agree with the summary"
	pass=$((pass + 1))
else
	echo "not ok $n results.ktap and junit.xml parse and agree with the summary"
	fail=$((fail + 1))
fi
expect "a WARN fails the run and is named, and is not retried" 1 \
	'FAIL: kernel log: kernel WARNING .*vmlab_fixture_warn' '!BOOT RETRY' \
	-- --kernel debian-6.1 --suite core --fixture warn
expect "a hung command is killed with the VM and named" 1 \
	'FAIL: TIMEOUT: cmd did not finish in its time limit; VM killed' \
	-- --kernel debian-6.1 --fixture hang
expect "a hung kselftest is killed in the guest, named, and the next suite runs" 1 \
	'FAIL: TIMEOUT: fixture_hang/hang_test did not finish in its 10 s time limit; killed in the guest; hung in test global\.blocks_forever' \
	'!VM killed' '!FAIL: core/' "$(printf '%s' '^debian-6\.1: ([6-9]|[1-9][0-9]+) passed')" \
	-- --kernel debian-6.1 --fixture hang-test --suite core
expect "a boot that fails before init is retried once, printed and counted" 1 \
	'^vmtest: BOOT RETRY: debian-6\.1: kernel panic before init' \
	'FAIL: kernel panic before init' 'failed, 0 skipped, 1 boot retries$' \
	-- --kernel debian-6.1 --cmd true --no-load --append 'memmap=256M!1G rdinit=/nonexistent'
expect "a leak is found by kmemleak and named" 1 \
	'FAIL: kmemleak: [0-9]+ leaked object\(s\) from vmlab_fixture_leak' \
	-- --kernel debug-6.1 --suite core --no-kunit --fixture leak
n=$((n + 1))
out=$(VMLAB_ACCEL=bogus "$VMTEST" --kernel debian-6.1 --cmd true 2>&1)
if [ $? -ne 0 ] && grep -q 'VMLAB_ACCEL=bogus: use auto, kvm or tcg' <<< "$out"; then
	echo "ok $n VMLAB_ACCEL refuses an unknown accelerator"
	pass=$((pass + 1))
else
	echo "not ok $n VMLAB_ACCEL refuses an unknown accelerator"
	fail=$((fail + 1))
fi
echo "harness: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
