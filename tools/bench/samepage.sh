#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmlab samepage against KSM, in the same VM run (debian-6.1, TCG): the
# same content layout (PAGES pages in 4 processes, half of them in groups
# of 8 identical pages) in /dev/vmlab_samepage regions and in
# MADV_MERGEABLE anonymous memory, both scanners at the same pages_to_scan
# and sleep_millisecs.  Each backend runs twice per setting, alternating,
# and the table shows the mean.  Reports pages merged (must be equal),
# full scans, wall time and scanner CPU to reach the steady state, and the
# COW-break latency of a write, with ratios samepage / KSM.
#
#   tools/bench/samepage.sh [PAGES]        (default 16384)
. "$(dirname "$0")/lib/samepage-vm.bash"
sp_bench_init samepage
PAGES=${1:-16384}

read -r -d '' GUEST <<GUEST_EOF
for pts in 1000 100; do
	for i in 1 2; do
		for b in samepage ksm; do
			echo "== \$b \$pts \$i"
			vmlab-samepage run --backend \$b --pages $PAGES --procs 4 --dup 0.5 \\
				--group 8 --pages-to-scan \$pts --sleep-ms 20 --timeout 300 | grep '^result'
		done
	done
done
GUEST_EOF

sp_bench_vm '^result' 8 --cmd-timeout 1800 --cmd "$GUEST"

awk -v pages="$PAGES" -v kernel="${VMLAB_KERNEL:-debian-6.1}" '
/^== / { b = $2; pts = $3; next }
/^result/ {
	for (i = 2; i <= NF; i++) { split($i, kv, "="); v[b, pts, kv[1]] += kv[2] }
	n[b, pts]++
	if ($0 !~ /steady=1/ || $0 !~ /bad_pages=0 *$/) bad = 1
}
function m(b, p, k) { return v[b, p, k] / n[b, p] }
function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
function row(label, k, fmt, p) {
	printf "%-34s %10" fmt " %10" fmt " %8s\n", label, m("ksm", p, k), m("samepage", p, k), ratio(m("samepage", p, k), m("ksm", p, k))
}
END {
	printf "vmlab samepage vs KSM, %s TCG, %d pages in 4 processes, half in groups of 8,\n", kernel, pages
	printf "sleep_millisecs=20, same VM run, mean of 2 runs each\n"
	for (p = 1000; p >= 100; p -= 900) {
		printf "\npages_to_scan=%d\n%-34s %10s %10s %8s\n", p, "figure", "KSM", "samepage", "ratio"
		row("pages_shared", "shared", "d", p)
		row("pages_sharing", "sharing", "d", p)
		row("full scans to steady state", "full_scans", ".1f", p)
		row("wall time to steady state (s)", "wall_s", ".2f", p)
		row("scanner CPU to steady state (s)", "cpu_s", ".2f", p)
		row("COW-break write, median (us)", "cow_us_median", ".1f", p)
		row("COW-break write, p90 (us)", "cow_us_p90", ".1f", p)
	}
	printf "\ntarget: equal pages merged; full scans and CPU ratio <= 0.5\n"
	if (bad) { print "FAIL: a run did not reach the steady state or lost data"; exit 1 }
}' "$LOG/tests.log"
