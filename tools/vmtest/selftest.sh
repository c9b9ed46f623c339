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

# run_vmtest TAG vmtest-args...: vmtest's output to $LOGS/TAG.out, its
# exit status to TAG.rc.
run_vmtest() {
	local tag=$1 start=$SECONDS
	shift
	"$VMTEST" --quiet --modules core "$@" > "$LOGS/$tag.out" 2>&1
	echo $? > "$LOGS/$tag.rc"
	echo "# $tag: $((SECONDS - start)) s" >> "$LOGS/$tag.out"
}

# judge TAG NAME EXIT-STATUS REGEX...: the verdict on run TAG.  Every
# REGEX must match a line of its output; !REGEX must match none.
judge() {
	local tag=$1 name=$2 want_rc=$3 out rc re good=1
	shift 3
	out=$(cat "$LOGS/$tag.out")
	rc=$(cat "$LOGS/$tag.rc")
	n=$((n + 1))
	tail -1 <<< "$out"
	[ "$rc" -eq "$want_rc" ] || good=0
	for re in "$@"; do
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
		echo "# wanted exit $want_rc and $*, got exit $rc:"
		sed 's/^/# /' <<< "$out" | tail -15
		fail=$((fail + 1))
	fi
}

# expect TAG NAME EXIT-STATUS REGEX... -- vmtest args...: run, then judge.
expect() {
	local tag=$1 name=$2 want_rc=$3 regexes=()
	shift 3
	while [ "$1" != -- ]; do regexes+=("$1"); shift; done
	shift
	run_vmtest "$tag" "$@"
	judge "$tag" "$name" "$want_rc" "${regexes[@]}"
}

LOGS=$(mktemp -d /tmp/vmlab-selftest.XXXXXX)
# The VMs' logs stay when a test failed: they are the evidence.
trap '[ "$fail" -eq 0 ] && rm -rf "$LOGS" || echo "# logs kept in $LOGS"' EXIT
SRC=$("$HERE/kernels.sh" source)

echo "TAP version 13"
echo "1..8"
# The debug kernel's run takes longest (KASAN, three kmemleak scans) and
# mostly keeps one host CPU busy: it runs beside the others, which start
# once its build is done (builds want both CPUs).
run_vmtest leak --kernel debug-7.2 --suite core --no-kunit --fixture leak --log "$LOGS/leak" &
leak=$!
while kill -0 $leak 2>/dev/null && [ ! -e "$LOGS/leak/qemu.cmd" ]; do
	sleep 1
done
expect clean "clean run passes" 0 \
	'^debian-6\.1: [1-9][0-9]* passed, 0 failed, [0-9]+ skipped, 0 boot retries$' \
	-- --kernel debian-6.1 --suite core --log "$LOGS/clean"
n=$((n + 1))
if python3 "$HERE/results.py" verify "$LOGS/clean" "$SRC" "$(grep '^debian-6\.1: ' "$LOGS/clean.out")"; then
	echo "ok $n results.ktap and junit.xml parse and agree with the summary"
	pass=$((pass + 1))
else
	echo "not ok $n results.ktap and junit.xml parse and agree with the summary"
	fail=$((fail + 1))
fi
expect warn "a WARN fails the run and is named, and is not retried" 1 \
	'FAIL: kernel log: kernel WARNING .*vmlab_fixture_warn' '!BOOT RETRY' \
	-- --kernel debian-6.1 --suite core --fixture warn
expect hang "a hung command is killed with the VM and named" 1 \
	'FAIL: TIMEOUT: cmd did not finish in its time limit; VM killed' \
	-- --kernel debian-6.1 --fixture hang
expect hang-test "a hung kselftest is killed in the guest, named, and the next suite runs" 1 \
	'FAIL: TIMEOUT: fixture_hang/hang_test did not finish in its 10 s time limit; killed in the guest; hung in test global\.blocks_forever' \
	'!VM killed' '!FAIL: core/' "$(printf '%s' '^debian-6\.1: ([6-9]|[1-9][0-9]+) passed')" \
	-- --kernel debian-6.1 --fixture hang-test --suite core
expect retry "a boot that fails before init is retried once, printed and counted" 1 \
	'^vmtest: BOOT RETRY: debian-6\.1: kernel panic before init' \
	'FAIL: kernel panic before init' 'failed, 0 skipped, 1 boot retries$' \
	-- --kernel debian-6.1 --cmd true --no-load --append 'memmap=256M!1G rdinit=/nonexistent'
wait $leak
judge leak "a leak is found by kmemleak and named" 1 \
	'FAIL: kmemleak: [0-9]+ leaked object\(s\) from vmlab_fixture_leak'
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
