#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The cost of observing TLB flushes: a munmap-heavy workload with
# vmlab_tlbstat enabled, disabled (probes detached) and unloaded, in one VM
# run, interleaved over several rounds; medians and ratios to "unloaded".
# Two workloads, both one page per munmap call, each call timed
# (vmlab-tlbstat calls):
#   single   one process pinned to CPU 0: local flushes only (cheap, so any
#            probe overhead shows most)
#   threads  threads spinning on every other CPU: each call is a remote
#            shootdown round (slow under TCG, so fewer pages)
#
#   tools/bench/tlbstat.sh [--kernel NAME] [--rounds N] [--pages N] [--remote-pages N]

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KERNEL=${VMLAB_KERNEL:-debian-6.1}
ROUNDS=11
PAGES=2048
RPAGES=48
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) KERNEL=$2; shift 2 ;;
	--rounds) ROUNDS=$2; shift 2 ;;
	--pages) PAGES=$2; shift 2 ;;
	--remote-pages) RPAGES=$2; shift 2 ;;
	*) echo "usage: $0 [--kernel NAME] [--rounds N] [--pages N] [--remote-pages N]" >&2
	   exit 2 ;;
	esac
done

LOG=$ROOT/.build/bench/tlbstat-$$
mkdir -p "$LOG"

# The guest side (busybox sh).  "calls" prints p10, p50 and mean ns per call.
read -r -d '' GUEST <<'GEOF' || true
D=/sys/kernel/debug/vmlab/tlbstat
KO=/vmlab/modules/vmlab_tlbstat.ko
state() {
	case $1 in
	enabled)  [ -d $D ] || insmod $KO; echo 1 > $D/enable ;;
	disabled) [ -d $D ] || insmod $KO; echo 0 > $D/enable ;;
	unloaded) [ -d $D ] && rmmod vmlab_tlbstat ;;
	esac
	return 0
}
one() {
	echo "BENCH $1 $2 $(vmlab-tlbstat calls $3 $2)"
}
# Rotate the order each round, so that no state always runs first.
order="enabled disabled unloaded"
for r in $(seq __ROUNDS__); do
	for s in $order; do
		state $s
		one $s single __PAGES__
		one $s threads __RPAGES__
	done
	order="${order#* } ${order%% *}"
done
state enabled
GEOF
GUEST=${GUEST//__ROUNDS__/$ROUNDS}
GUEST=${GUEST//__PAGES__/$PAGES}
GUEST=${GUEST//__RPAGES__/$RPAGES}

"$ROOT"/tools/vmtest/vmtest --kernel "$KERNEL" --modules tlbstat --no-kunit \
	--cmd "$GUEST" --log "$LOG" > "$LOG/out" 2>&1 || {
	tail -20 "$LOG/out"
	echo "bench: tlbstat: VM run failed (log in $LOG)"
	exit 1
}

python3 - "$LOG/out" "$KERNEL" "$ROUNDS" "$PAGES" "$RPAGES" <<'PEOF'
import statistics, sys
out, kernel, rounds, pages, rpages = sys.argv[1:]
v = {}
for line in open(out):
    f = line.split()
    if len(f) == 6 and f[0] == "BENCH":
        v.setdefault((f[1], f[2]), []).append([float(x) / 1000 for x in f[3:]])
print(f"tlbstat observer cost, {kernel}, TCG, 4 vCPUs, {rounds} interleaved rounds: "
      f"us per one-page munmap call,")
print("median over rounds of each round's 10th percentile and median call")
print(f"{'workload':<20} {'state':<9} {'p10':>9} {'p50':>9} {'p10/unl':>8} {'p50/unl':>8}")
ok = True
for mode, n in (("single", pages), ("threads", rpages)):
    med = {}
    for s in ("unloaded", "disabled", "enabled"):
        r = v.get((s, mode), [])
        if not r:
            ok = False
            continue
        med[s] = [statistics.median(x[i] for x in r) for i in (0, 1)]
    if len(med) < 3:
        continue
    for s in ("unloaded", "disabled", "enabled"):
        label = f"{mode} ({n} calls)" if s == "unloaded" else ""
        print(f"{label:<20} {s:<9} {med[s][0]:>9.1f} {med[s][1]:>9.1f} "
              f"{med[s][0] / med['unloaded'][0]:>8.3f} {med[s][1] / med['unloaded'][1]:>8.3f}")
sys.exit(0 if ok else 1)
PEOF
