#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: every vmlab test, in order of cost.
#
#   tools/check.sh            everything below
#   tools/check.sh STAGE...   only these stages
#
# Stages: build (W=1 against 6.1, 6.12 and debug-6.1), sparse (C=2 on 6.1
# and 6.12), checkpatch (--strict --no-tree), host-tests (user space),
# harness (the harness's own fixtures), vm-debian-6.1, vm-debian-6.12,
# vm-debug-6.1 (KUnit, KASAN, lockdep, kmemleak), vmhost (selftests/*/vmhost_*.sh).
#
# Each stage's tests count one by one; the last line is the total as
# "N passed, N failed, N skipped", and the exit status is non-zero on any
# failure.

set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KERNELS=$ROOT/tools/vmtest/kernels.sh
VMTEST=$ROOT/tools/vmtest/vmtest
LOGDIR=$ROOT/.build/check
ALL_STAGES=(build sparse checkpatch host-tests harness vm-debian-6.1 vm-debian-6.12
	    vm-debug-6.1 vmhost)
passed=0 failed=0 skipped=0
failures=()

cd "$ROOT" || exit 1
mkdir -p "$LOGDIR"

ok() { passed=$((passed + 1)); echo "check: ok: $*"; }
not_ok() { failed=$((failed + 1)); failures+=("$*"); echo "check: FAIL: $*"; }

# Add a runner's closing "N passed, N failed[, N skipped]" line to the totals.
add_counts() {
	local what=$1 line p f s
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$2" | tail -1)
	if [ -z "$line" ]; then
		not_ok "$what: no result line (see $2)"
		return
	fi
	# The whole number before each word ("71 passed", not "1 passed").
	p=$(grep -oE '[0-9]+ passed' <<< "$line" | grep -oE '^[0-9]+')
	f=$(grep -oE '[0-9]+ failed' <<< "$line" | grep -oE '^[0-9]+')
	s=$(grep -oE '[0-9]+ skipped' <<< "$line" | grep -oE '^[0-9]+')
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
	[ "$f" -eq 0 ] || failures+=("$what: $f failed (see $2)")
	echo "check: $what: $line"
}

kdir() { "$KERNELS" fetch "$1" | tail -1; }

# Kernel sources that the kernel's own tools must accept.
kernel_sources() {
	find modules tools/vmtest/fixtures -name '*.[ch]' -not -path '*/uapi/*' \
		-not -name '*.mod.c' | sort
	find modules/include/uapi -name '*.h' 2>/dev/null | sort
}

stage_build() {
	local k log
	for k in debian-6.1 debian-6.12 debug-6.1; do
		log=$LOGDIR/build-$k.log
		if make -s OUT=".build/check/modules-$k" KDIR="$(kdir "$k")/build" W=1 \
			> "$log" 2>&1 && ! grep -E 'warning:|error:' "$log" | grep -v 'Skipping BTF'; then
			ok "modules build warning-free with W=1 on $k"
		else
			not_ok "modules build with W=1 on $k (see $log)"
		fi
	done
	log=$LOGDIR/build-userspace.log
	if make -s -C userspace > "$log" 2>&1 && make -s -C selftests > "$log.2" 2>&1; then
		ok "user space and selftests build"
	else
		not_ok "user space or selftests build (see $log, $log.2)"
	fi
}

stage_sparse() {
	local k log
	for k in debian-6.1 debian-6.12; do
		log=$LOGDIR/sparse-$k.log
		rm -rf ".build/check/sparse-$k"
		make -s OUT=".build/check/sparse-$k" KDIR="$(kdir "$k")/build" W=1 C=2 \
			> "$log" 2>&1
		if [ $? -eq 0 ] && ! grep -E 'warning:|error:' "$log"; then
			ok "sparse clean on $k"
		else
			not_ok "sparse on $k (see $log)"
		fi
	done
}

stage_checkpatch() {
	local src f ignore log=$LOGDIR/checkpatch.log bad=0
	src=$("$KERNELS" source)
	: > "$log"
	for f in $(kernel_sources); do
		# compat.h is the one file whose job is to test kernel versions.
		ignore=FILE_PATH_CHANGES
		[ "$f" = modules/include/vmlab/compat.h ] &&
			ignore=$ignore,LINUX_VERSION_CODE,CONSTANT_COMPARISON
		if ! "$src/scripts/checkpatch.pl" --strict --no-tree --quiet --show-types \
			--ignore "$ignore" -f "$f" >> "$log" 2>&1; then
			bad=1
		fi
	done
	if [ $bad -eq 0 ]; then
		ok "checkpatch --strict clean on $(kernel_sources | wc -l) kernel files"
	else
		cat "$log"
		not_ok "checkpatch --strict (see $log)"
	fi
}

stage_host_tests() {
	local log=$LOGDIR/host-tests.log
	make -s -C userspace test > "$log" 2>&1
	local rc=$?
	cat "$log"
	# Every test program prints its own "N passed, N failed" line.
	local p f
	p=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}')
	f=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | awk '{s+=$3} END {print s+0}')
	passed=$((passed + p)) failed=$((failed + f))
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		not_ok "host tests exited $rc (see $log)"
	fi
}

stage_harness() {
	local log=$LOGDIR/harness.log
	"$ROOT/tools/vmtest/selftest.sh" > "$log" 2>&1
	cat "$log"
	add_counts harness "$log"
}

stage_vm() {
	local k=$1 log=$LOGDIR/vm-$1.log
	"$VMTEST" --kernel "$k" --cycle --disk --balloon --quiet \
		--log "$ROOT/.build/check/vm-$k" > "$log" 2>&1
	grep -E '^vmtest: (FAIL|.*VM ran)' "$log"
	add_counts "vm $k" "$log"
}

stage_vmhost() {
	local s log found=0
	for s in selftests/*/vmhost_*.sh; do
		[ -x "$s" ] || continue
		found=1
		log=$LOGDIR/$(basename "$(dirname "$s")")-$(basename "$s" .sh).log
		"$s" > "$log" 2>&1
		cat "$log"
		add_counts "$s" "$log"
	done
	[ $found -eq 1 ] || echo "check: vmhost: no host-side VM scripts"
}

"$KERNELS" deps || { echo "check: cannot install dependencies"; exit 1; }
# The debug kernel takes ~12 minutes the first time: fetch every kernel first.
for k in debian-6.1 debian-6.12 debug-6.1; do
	"$KERNELS" fetch "$k" > /dev/null || not_ok "kernel $k could not be provided"
done

start=$SECONDS
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=("${ALL_STAGES[@]}")
for st in "${stages[@]}"; do
	t=$SECONDS
	echo "check: === $st"
	case $st in
	build) stage_build ;;
	sparse) stage_sparse ;;
	checkpatch) stage_checkpatch ;;
	host-tests) stage_host_tests ;;
	harness) stage_harness ;;
	vm-*) stage_vm "${st#vm-}" ;;
	vmhost) stage_vmhost ;;
	*) echo "check: unknown stage '$st' (${ALL_STAGES[*]})"; exit 2 ;;
	esac
	echo "check: === $st took $((SECONDS - t)) s"
done

echo "check: finished in $((SECONDS - start)) s"
for f in "${failures[@]}"; do
	echo "check: failed: $f"
done
echo "check: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
