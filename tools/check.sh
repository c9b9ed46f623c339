#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: every vmlab test, in order of cost.
#
#   tools/check.sh            everything below
#   tools/check.sh STAGE...   only these stages (A+B: A and B side by side;
#                             A,B: one after the other within such a lane)
#   SHARD=I/N tools/check.sh  the I-th of N machines' share of everything
#   tools/check.sh --shard-plan I/N   print that share, run nothing
#   tools/check.sh --stages   print make check's groups, then the kernels
#
# Stages: build (W=1 against 6.1, 6.12, 7.2 and debug-7.2, with sparse on
# 6.1, 6.12 and 7.2), checkpatch (--strict --no-tree), docs (sphinx-build
# -W, rst2man, kernel-doc -none), host-tests (user space), harness (the harness's own fixtures), vm-debian-6.1,
# vm-debian-6.12, vm-debian-7.2, vm-debug-7.2 (KUnit, KASAN, lockdep,
# kmemleak, then a minute of vmlab-soak in the same boot), fuzz-debian-7.2
# (a minute of make fuzz), demo-debian-7.2 (make demo on the newest kernel), vmhost
# (selftests/*/vmhost_*.sh), pkg (tools/pkg/check.sh: dkms build on the
# matrix, the .debs installed in an unstable root, modprobe in a VM).
#
# Every verdict lands in .build/check/results.ktap and junit.xml; the last
# line is what the KTAP parser counted there, "N passed, N failed,
# N skipped, N boot retries", and the exit status is non-zero on any failure.

set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KERNELS=$ROOT/tools/vmtest/kernels.sh
VMTEST=$ROOT/tools/vmtest/vmtest
LOGDIR=$ROOT/.build/check
KERNEL_MATRIX=(debian-6.1 debian-6.12 debian-7.2 debug-7.2)
# A+B runs stages (or comma-separated sequences of stages) A and B side by
# side: the builds and static checks beside the harness's VMs, then the
# debug kernel's VM run and the demo beside the other Debian VMs, the
# host-side VM scripts and the packaging.  Each pair of lanes is about even
# (Documentation/testing.rst).
# shellcheck disable=SC2054 # commas separate the stages of one lane
ALL_STAGES=(build,checkpatch,docs,host-tests+harness
	    vm-debug-7.2,demo-debian-7.2+vm-debian-6.1,vm-debian-6.12,fuzz-debian-7.2,vm-debian-7.2,vmhost,pkg)
# What each stage took in a make check on a 2-core machine (seconds,
# Documentation/testing.rst): the weights that SHARD=I/N spreads.
declare -A STAGE_COST=([build]=274 [checkpatch]=83 [docs]=5 [host-tests]=15
	[harness]=345 [vm-debug-7.2]=700 [vm-debian-6.1]=117 [vm-debian-6.12]=113
	[vm-debian-7.2]=106 [demo-debian-7.2]=33 [fuzz-debian-7.2]=87 [vmhost]=185
	[pkg]=198)
STAGES=$LOGDIR/stages.tsv
USERSPACE_LOCK=$ROOT/.build/userspace.lock
JOBS=$(nproc)
retries=0
failures=()

cd "$ROOT" || exit 1
mkdir -p "$LOGDIR"
: > "$STAGES"

# Every verdict goes to $STAGES; tools/vmtest/results.py turns that list into
# results.ktap and junit.xml, and the totals are what the kernel's KTAP
# parser counts in results.ktap.
entry() { printf '%s\t%s\t%s\n' "$@" >> "$STAGES"; }
ok() { entry leaf "$1" $'ok\t'"${2:-}"; echo "check: ok: $1"; }
not_ok() { entry leaf "$1" $'not ok\t'"${2:-}"; failures+=("$1${2:+ (see $2)}"); echo "check: FAIL: $1"; }

# A program's TAP output as one nested block.
add_tap() {
	local what=$1 log=$2 rc=$3
	if grep -qE '^\s*(not )?ok [0-9]+' "$log"; then
		entry tap "$what" "$log"
		echo "check: $what: $(grep -cE '^\s*ok [0-9]+' "$log") ok," \
			"$(grep -cE '^\s*not ok [0-9]+' "$log") not ok"
		grep -qE '^\s*not ok [0-9]+' "$log" && failures+=("$what (see $log)")
		[ "$rc" -eq 0 ] || grep -qE '^\s*not ok [0-9]+' "$log" ||
			not_ok "$what exited $rc with no failing test" "$log"
	else
		not_ok "$what: no TAP output, exit $rc" "$log"
	fi
}

# make arguments, one a line, that build every module for kernel $1 in
# the tree vmtest keeps for this clone, kernel and module set: the build
# stage compiles there, so the VM stages after it find the modules built
# (vmtest's make then has nothing to do), about 40 s less on each lane.
kbuild() {
	"$VMTEST" --kernel "$1" --kbuild-args
}

# Kernel sources that the kernel's own tools must accept.
kernel_sources() {
	find modules tools/vmtest/fixtures -name '*.[ch]' -not -path '*/uapi/*' \
		-not -name '*.mod.c' | sort
	find modules/include/uapi -name '*.h' 2>/dev/null | sort
}

# The Debian kernels' builds also run sparse.  The tree is built from
# scratch, so that every file is compiled, and so checked, in this run.
# Debian's 7.2 headers lack scripts/checker-valid.sh, so kbuild would turn
# sparse off (with a notice): KBUILD_CHECKSRC=1 on the command line keeps
# it on.  Not silent, so that kbuild's "CHECK" lines prove sparse ran on
# every file.
stage_build() {
	local k log checks what sparse margs args
	for k in "${KERNEL_MATRIX[@]}"; do
		log=$LOGDIR/build-$k.log
		if ! args=$(kbuild "$k"); then
			not_ok "modules build on $k: vmtest --kbuild-args failed (output above)"
			continue
		fi
		mapfile -t margs <<< "$args"
		rm -rf "$(printf '%s\n' "${margs[@]}" | sed -n 's/^OUT=//p')"
		sparse=() checks=0 what="warning-free with W=1"
		if [[ $k == debian-* ]]; then
			sparse=(C=1 KBUILD_CHECKSRC=1)
			checks=$(find modules -name '*.c' -not -name '*_kunit.c' -not -name '*.mod.c' | wc -l)
			what="warning-free with W=1 and sparse"
		fi
		if make -j"$JOBS" "${margs[@]}" W=1 "${sparse[@]}" > "$log" 2>&1 &&
			! grep -E 'warning:|error:' "$log" | grep -v 'Skipping BTF' &&
			[ "$(grep -c '^  CHECK ' "$log")" -ge "$checks" ]; then
			ok "modules build $what on $k" "$log"
		else
			not_ok "modules build $what on $k" "$log"
		fi
	done
	log=$LOGDIR/build-userspace.log
	# vmtest builds both in this tree too, under this lock, and the
	# harness runs beside this stage.
	if flock "$USERSPACE_LOCK" make -s -C userspace > "$log" 2>&1 &&
		flock "$USERSPACE_LOCK" make -s -C selftests >> "$log" 2>&1; then
		ok "user space and selftests build" "$log"
	else
		not_ok "user space or selftests build" "$log"
	fi
}

# User-space C, which checkpatch also reads in the kernel's own tools and
# selftests.  What it may not have there: the kernel's u64 and __printf(),
# and C's PRIu64 (CAMELCASE); volatile is right for memory a test touches
# and for sig_atomic_t.
user_sources() {
	find userspace selftests -name '*.[ch]' -not -path '*/build/*' | sort
}
USER_IGNORE=FILE_PATH_CHANGES,PREFER_KERNEL_TYPES,VOLATILE,CAMELCASE,PREFER_DEFINED_ATTRIBUTE_MACRO

# checkpatch_files IGNORE-FUNCTION LOG FILE...: checkpatch --strict on each
# file with the checks the function names for it; non-zero if any fails.
checkpatch_files() {
	local ignore_for=$1 log=$2 f bad=0
	shift 2
	: > "$log"
	for f in "$@"; do
		"$CHECKPATCH" --strict --no-tree --quiet --show-types \
			--ignore "$("$ignore_for" "$f")" -f "$f" >> "$log" 2>&1 || bad=1
	done
	return $bad
}

# The two below are called through checkpatch_files.
# shellcheck disable=SC2317
kernel_ignore() { echo FILE_PATH_CHANGES; }

# shellcheck disable=SC2317
user_ignore() {
	# checkpatch reads "FIXTURE_DATA(merge) *self" as a product and wants
	# (self)->(f) in a macro naming a member, as it does in the kernel's
	# own selftests.
	if [ "$1" = selftests/samepage/merge_test.c ]; then
		echo "$USER_IGNORE,SPACING,MACRO_ARG_PRECEDENCE"
	else
		echo "$USER_IGNORE"
	fi
}

# The kernel sources and the user-space ones side by side: one checkpatch
# keeps one CPU busy.
stage_checkpatch() {
	local log=$LOGDIR/checkpatch.log ulog=$LOGDIR/checkpatch-user.log kpid krc urc
	CHECKPATCH=$("$KERNELS" source)/scripts/checkpatch.pl
	# shellcheck disable=SC2046 # one file name per word
	checkpatch_files kernel_ignore "$log" $(kernel_sources) &
	kpid=$!
	# shellcheck disable=SC2046
	checkpatch_files user_ignore "$ulog" $(user_sources)
	urc=$?
	wait $kpid
	krc=$?
	# checkpatch caches camelcase names in the directory it runs in.
	rm -f .checkpatch-camelcase.*
	if [ $krc -eq 0 ]; then
		ok "checkpatch --strict clean on $(kernel_sources | wc -l) kernel files" "$log"
	else
		cat "$log"
		not_ok "checkpatch --strict" "$log"
	fi
	if [ $urc -eq 0 ]; then
		ok "checkpatch --strict clean on $(user_sources | wc -l) user-space and selftest files" "$ulog"
	else
		cat "$ulog"
		not_ok "checkpatch --strict on user space and selftests" "$ulog"
	fi
}

stage_docs() {
	local log=$LOGDIR/docs.log
	if make -s -C Documentation check > "$log" 2>&1; then
		ok "docs: sphinx-build -W, rst2man, kernel-doc -none" "$log"
	else
		cat "$log"
		not_ok "docs: sphinx-build -W, rst2man, kernel-doc -none" "$log"
	fi
}

stage_host_tests() {
	local log=$LOGDIR/host-tests.log t tlog rc
	if ! flock "$USERSPACE_LOCK" make -s -C userspace test > "$log" 2>&1; then
		cat "$log"
		not_ok "host tests build and pass" "$log"
	fi
	# Each program again on its own, so that its TAP is one block.
	for t in userspace/build/test_*; do
		[ -x "$t" ] || continue
		tlog=$LOGDIR/host-$(basename "$t").log
		"$t" > "$tlog" 2>&1
		rc=$?
		add_tap "host/$(basename "$t")" "$tlog" $rc
	done
	tlog=$LOGDIR/host-test_results.log
	python3 tools/vmtest/test_results.py "$("$KERNELS" source)" > "$tlog" 2>&1
	rc=$?
	cat "$tlog"
	add_tap host/test_results "$tlog" $rc
	tlog=$LOGDIR/host-test_kernel_log.log
	python3 tools/vmtest/test_kernel_log.py > "$tlog" 2>&1
	rc=$?
	cat "$tlog"
	add_tap host/test_kernel_log "$tlog" $rc
	# Debian's python, for Debian's python3-yaml (kernels.sh installs it).
	tlog=$LOGDIR/host-test_scaleout.log
	/usr/bin/python3 tools/test_scaleout.py > "$tlog" 2>&1
	rc=$?
	cat "$tlog"
	add_tap host/test_scaleout "$tlog" $rc
}

stage_harness() {
	local log=$LOGDIR/harness.log rc
	"$ROOT/tools/vmtest/selftest.sh" > "$log" 2>&1
	rc=$?
	cat "$log"
	add_tap harness "$log" $rc
}

# stage_vm KIND KERNEL VMTEST-OPTIONS...: one VM run, its results nested.
stage_vm() {
	local kind=$1 k=$2 log=$LOGDIR/$1-$2.log dir=$ROOT/.build/check/$1-$2 rc r
	shift 2
	rm -f "$dir/summary.json"
	"$VMTEST" --kernel "$k" "$@" --quiet --log "$dir" > "$log" 2>&1
	rc=$?
	grep -E '^vmtest: (FAIL|BOOT RETRY|.*VM ran)' "$log"
	if [ -e "$dir/summary.json" ]; then
		entry run "$kind/$k" "$dir"
		r=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["boot_retries"])' \
			"$dir/summary.json")
		retries=$((retries + r))
		[ "$rc" -eq 0 ] || failures+=("$kind $k (see $log, $dir/junit.xml)")
	else
		not_ok "$kind $k: vmtest wrote no results (exit $rc)" "$log"
	fi
}

stage_vmhost() {
	local s log found=0
	for s in selftests/*/vmhost_*.sh; do
		[ -x "$s" ] || continue
		found=1
		log=$LOGDIR/$(basename "$(dirname "$s")")-$(basename "$s" .sh).log
		"$s" > "$log" 2>&1
		rc=$?
		cat "$log"
		add_tap "$s" "$log" $rc
	done
	[ $found -eq 1 ] || echo "check: vmhost: no host-side VM scripts"
}

# The packaging: DKMS on the matrix, the .debs in an unstable root,
# modprobe of make install's tree in debian-6.1's VM.
stage_pkg() {
	local log=$LOGDIR/pkg.log rc
	"$ROOT/tools/pkg/check.sh" > "$log" 2>&1
	rc=$?
	cat "$log"
	add_tap pkg "$log" $rc
}

# run_stage STAGE: one stage, its verdicts into $STAGES, failures and retries.
run_stage() {
	local st=$1 t=$SECONDS
	echo "check: === $st"
	case $st in
	build) stage_build ;;
	checkpatch) stage_checkpatch ;;
	docs) stage_docs ;;
	host-tests) stage_host_tests ;;
	harness) stage_harness ;;
	# The debug kernel's run ends with a minute of vmlab-soak in the same
	# boot (a boot of its own took 200 s more: KASAN's boot and kmemleak's
	# scans).
	vm-debug-*) stage_vm vm "${st#vm-}" --cycle --disk --balloon --soak 60 ;;
	vm-*) stage_vm vm "${st#vm-}" --cycle --disk --balloon ;;
	demo-*) stage_vm demo "${st#demo-}" --demo --disk ;;
	# A minute of make fuzz on Debian's 7.2 (Documentation/soak.rst).
	fuzz-*) stage_vm fuzz "${st#fuzz-}" --binary trinity --binary tools/fuzz/vmlab-fuzz \
		--cmd-timeout 600 --cmd 'vmlab-fuzz 60' ;;
	vmhost) stage_vmhost ;;
	pkg) stage_pkg ;;
	*) echo "check: unknown stage '$st' (${ALL_STAGES[*]})"; exit 2 ;;
	esac
	echo "check: === $st took $((SECONDS - t)) s"
}

# run_lane N STAGE,STAGE...: stages one after the other, in a subshell
# whose verdicts, failures and retries land in files that run_group reads.
run_lane() {
	local lane=$LOGDIR/lane-$1 st
	STAGES=$lane.tsv
	failures=()
	retries=0
	: > "$STAGES"
	IFS=, read -ra lane_stages <<< "$2"
	for st in "${lane_stages[@]}"; do
		run_stage "$st"
	done > "$lane.out" 2>&1
	printf '%s\n' "${failures[@]}" | grep . > "$lane.failures"
	echo "$retries" > "$lane.retries"
}

# run_group LANE+LANE...: lanes side by side (a VM under TCG keeps about
# one host CPU busy for most of its run), reported in order.
run_group() {
	local lanes i f t=$SECONDS
	IFS=+ read -ra lanes <<< "$1"
	if [ ${#lanes[@]} -eq 1 ] && [[ $1 != *,* ]]; then
		run_stage "$1"
		return
	fi
	for i in "${!lanes[@]}"; do
		run_lane "$i" "${lanes[$i]}" &
	done
	wait
	for i in "${!lanes[@]}"; do
		cat "$LOGDIR/lane-$i.out"
		cat "$LOGDIR/lane-$i.tsv" >> "$STAGES"
		while IFS= read -r f; do
			failures+=("$f")
		done < "$LOGDIR/lane-$i.failures"
		retries=$((retries + $(cat "$LOGDIR/lane-$i.retries")))
	done
	echo "check: === $1 took $((SECONDS - t)) s"
}

# shard_plan I N: shard I's stages (of N shards) as one group of two lanes.
# Longest first: each stage, costliest first, goes to the shard with the
# least cost so far, and within shard I to its lighter lane.  Every
# machine computes the same plan, so N machines run every stage once.
shard_plan() {
	local i=$1 n=$2 st s best lane load=() lanes=("" "") cost=(0 0)
	for ((s = 0; s < n; s++)); do load[s]=0; done
	for st in $(for s in "${!STAGE_COST[@]}"; do echo "${STAGE_COST[$s]} $s"; done |
		    sort -k1,1nr -k2,2 | cut -d' ' -f2); do
		best=0
		for ((s = 1; s < n; s++)); do
			[ "${load[s]}" -lt "${load[best]}" ] && best=$s
		done
		load[best]=$((load[best] + STAGE_COST[$st]))
		[ "$best" -eq $((i - 1)) ] || continue
		lane=0
		[ "${cost[1]}" -lt "${cost[0]}" ] && lane=1
		lanes[lane]=${lanes[lane]:+${lanes[lane]},}$st
		cost[lane]=$((cost[lane] + STAGE_COST[$st]))
	done
	echo "${lanes[0]}${lanes[1]:++${lanes[1]}}"
}

# SHARD=I/N (make check SHARD=I/N): this machine's share of the stages.
shard_stages() {
	if ! [[ $1 =~ ^([1-9][0-9]*)/([1-9][0-9]*)$ ]] ||
	   [ "${BASH_REMATCH[1]}" -gt "${BASH_REMATCH[2]}" ]; then
		echo "check: SHARD=$1: want I/N with 1 <= I <= N" >&2
		return 2
	fi
	shard_plan "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
}

case ${1:-} in
--shard-plan) shard_stages "${2:-}"; exit ;;
--stages) printf '%s\n' "${ALL_STAGES[@]}" "${KERNEL_MATRIX[*]}"; exit 0 ;;
esac

# Not for the two queries above (a host test asks them many times).
"$KERNELS" deps || { echo "check: cannot install dependencies"; exit 1; }
# The debug kernel takes ~12 minutes the first time: fetch every kernel first.
for k in "${KERNEL_MATRIX[@]}"; do
	"$KERNELS" fetch "$k" > /dev/null || not_ok "kernel $k could not be provided"
done

start=$SECONDS
stages=("$@")
if [ ${#stages[@]} -eq 0 ] && [ -n "${SHARD:-}" ]; then
	plan=$(shard_stages "$SHARD") || exit 2
	echo "check: shard $SHARD: $plan"
	# A shard with a single stage has no second lane.
	[ -n "$plan" ] && stages=("$plan")
	[ -n "$plan" ] || { echo "check: shard $SHARD has no stage"; exit 0; }
fi
[ ${#stages[@]} -gt 0 ] || stages=("${ALL_STAGES[@]}")
# Every name first: a lane runs in a subshell, where a bad one would be lost.
for st in $(printf '%s\n' "${stages[@]}" | tr '+,' '\n'); do
	case $st in
	build | checkpatch | docs | host-tests | harness | vm-* | demo-* | fuzz-* | vmhost | pkg) ;;
	*) echo "check: unknown stage '$st' (${ALL_STAGES[*]})"; exit 2 ;;
	esac
done
for st in "${stages[@]}"; do
	run_group "$st"
done

echo "check: finished in $((SECONDS - start)) s"
for f in "${failures[@]}"; do
	echo "check: failed: $f"
done
src=$("$KERNELS" source)
line=$(python3 tools/vmtest/results.py combine "$LOGDIR" check "$STAGES" "$src" "$retries") || {
	echo "check: could not write the results (see $LOGDIR)"; exit 1; }
echo "check: results: $LOGDIR/results.ktap $LOGDIR/junit.xml"
python3 tools/vmtest/results.py verify "$LOGDIR" "$src" "$line" || exit 1
echo "check: $line"
case $line in *" 0 failed"*) exit 0 ;; *) exit 1 ;; esac
