#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Page faults per second in 1, 2 and 4 processes while samepage's scanner
# runs flat out (sleep_millisecs=0, pages_to_scan=1000), in one VM run
# (debian-6.1, TCG, 4 vCPUs, multi-threaded TCG so that the vCPUs run in
# parallel).  Each process of `vmlab-samepage scale` maps a 64 MiB region
# of its own, writes every page with content that merges within and across
# processes, writes every page again (a COW break where it merged), closes
# and starts over, for SECONDS seconds; faults are its ru_minflt.  With
# the module's serialise_faults knob (1: every fault also takes the global
# lock) both designs are measured, 0 first; without it, the module as it
# is.  As a control, the same faults with the scanner stopped come first.
# The table shows faults/s per process count and its ratio to one
# process: per-region locking should let 4 processes fault at 3 or more
# times the rate of one, which needs 4 host CPUs for the 4 vCPUs.
#
#   tools/bench/samepage-scale.sh [SECONDS]        (default 20)
. "$(dirname "$0")/lib/samepage-vm.bash"
sp_bench_init samepage-scale
SECS=${1:-20}

read -r -d '' GUEST <<GUEST_EOF
for n in 1 2 4; do
	vmlab-samepage scale --procs \$n --mib 64 --seconds $SECS --no-scanner | grep '^result'
done
for s in 0 1; do
	for n in 1 2 4; do
		vmlab-samepage scale --procs \$n --mib 64 --seconds $SECS --pages-to-scan 1000 \\
			--sleep-ms 0 --serialise-faults \$s | grep -E '^(result|serialise_faults)'
	done
	[ -e /sys/kernel/debug/vmlab/samepage/serialise_faults ] || break
done
GUEST_EOF

# 9 results with the serialise_faults knob, 6 without it.
sp_bench_vm '^result scale' "6 9" --smp 4 --tcg-thread "${VMLAB_TCG_THREAD:-multi}" \
	--cmd-timeout 1800 --cmd "$GUEST"

awk -v kernel="$KERNEL" -v secs="$SECS" -v cpus="$(nproc)" '
/^result scale/ {
	delete f
	for (i = 3; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	s = f["scanner"] == "off" ? "scanner stopped" : f["serialise"] == "na" ? "not available" : f["serialise"]
	n = f["procs"]
	if (!(s in seen)) { order[++ns] = s; seen[s] = 1 }
	fps[s, n] = f["faults_per_s"]; cow[s, n] = f["cow_breaks"]
	merges[s, n] = f["merges"]; cpu[s, n] = f["scanner_cpu_s"]
	if (f["ok"] != 1) bad = 1
}
END {
	printf "samepage parallel faults, %s TCG, 4 vCPUs on %d host CPUs, 64 MiB per process,\n", kernel, cpus
	printf "%d s per run, scanner at sleep_millisecs=0 pages_to_scan=1000, same VM run\n", secs
	printf "\n%-16s %5s %12s %8s %11s %9s %12s\n", "serialise_faults", "procs", "faults/s", "vs 1", "COW breaks", "merges", "scanner CPU"
	for (k = 1; k <= ns; k++) {
		s = order[k]
		for (n = 1; n <= 4; n *= 2)
			printf "%-16s %5d %12d %8.2f %11d %9d %12.2f\n", s, n, fps[s, n], (fps[s, 1] > 0 ? fps[s, n] / fps[s, 1] : 0), cow[s, n], merges[s, n], cpu[s, n]
	}
	printf "\ntarget: 4 processes >= 3x one process (serialise_faults=0)\n"
	if (cpus < 4)
		printf "this host has %d CPUs: 4 vCPUs cannot run in parallel, so the target cannot be shown here\n", cpus
	if (bad) { print "FAIL: a process failed"; exit 1 }
}' "$LOG/tests.log"
