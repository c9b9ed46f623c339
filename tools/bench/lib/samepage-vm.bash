# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the samepage benchmarks (not run by tools/bench.sh, which
# runs tools/bench/*.sh): one VM run with the samepage module loaded, its
# guest log checked for the lines the benchmark's table is made of.
#
#   sp_bench_init NAME        cd to the tree, KERNEL and a LOG dir
#   sp_bench_vm PATTERN "N..." VMTEST-ARGS...
#                             vmtest (--cmd and its own options in
#                             VMTEST-ARGS); exit 1 unless it passed and
#                             the lines of tests.log that match PATTERN
#                             (grep -E) number one of N...

sp_bench_init() {
	set -u
	cd "$(dirname "$0")/../.." || exit 1
	KERNEL=${VMLAB_KERNEL:-debian-6.1}
	LOG=$(mktemp -d "/tmp/vmlab-bench-$1.XXXXXX")
	trap 'rm -rf "$LOG"' EXIT
}

sp_bench_vm() {
	local pattern=$1 counts=" $2 " rc
	shift 2
	tools/vmtest/vmtest --kernel "$KERNEL" --modules samepage --no-kunit --quiet \
		--log "$LOG" "$@" > "$LOG/out" 2>&1
	rc=$?
	if [ $rc -ne 0 ] || [[ $counts != *" $(grep -c -E "$pattern" "$LOG/tests.log") "* ]]; then
		echo "bench failed (vmtest rc $rc)"
		tail -40 "$LOG/out"
		exit 1
	fi
}
