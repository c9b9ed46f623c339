#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: every module's benchmark against its anchor, each in one VM
# run so that the ratios compare like with like.  tools/bench/<module>.sh
# boots its own VM with tools/vmtest/vmtest and prints its table.
#
#   tools/bench.sh [MODULE...]
#
# VMLAB_KERNEL=NAME (make bench K=NAME) runs them on another kernel.
#
# Benchmarks measure work spread over the guest's CPUs, so their VMs run
# multi-threaded TCG (VMLAB_TCG_THREAD=multi), as when their tables were
# measured; a QEMU crash there costs a re-run, not a red make check.

set -uo pipefail
export VMLAB_TCG_THREAD=${VMLAB_TCG_THREAD:-multi}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rc=0
mods=("$@")
if [ ${#mods[@]} -eq 0 ]; then
	for b in "$ROOT"/tools/bench/*.sh; do
		[ -e "$b" ] && mods+=("$(basename "$b" .sh)")
	done
fi
for m in "${mods[@]}"; do
	b=$ROOT/tools/bench/$m.sh
	if [ ! -x "$b" ]; then
		echo "bench: no benchmark for '$m'"
		rc=1
		continue
	fi
	echo "bench: === $m"
	"$b" || { echo "bench: $m failed"; rc=1; }
done
exit $rc
