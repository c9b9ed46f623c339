#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# samepage against KSM at 1 GiB, in one VM run (debian-6.1, TCG, 3 GiB of
# guest memory, slab_nomerge so that every cache is counted under its own
# name): PAGES pages (262144, 1 GiB) in 4 processes, half of them in
# groups of 8 identical pages, the layout of tools/bench/samepage.sh, once
# in samepage regions and once in MADV_MERGEABLE memory under KSM, both
# scanners at pages_to_scan=1000 and sleep_millisecs=20.  samepage's
# max_pages and max_region_pages are raised for it.  Reports:
#
# - pages merged, and full scans to reach the steady state (the full
#   saving within one full scan: 0 completed passes);
# - the scanner thread's CPU (utime + stime) to the steady state;
# - the scanner's slab memory per page: each cache's growth from before
#   the first page is touched to the steady state (/proc/slabinfo), plus
#   samepage's two static hash tables (128 KiB and 256 KiB);
# - samepage's scanner CPU per page visited (pages_scanned; KSM counts
#   them from 6.6 on only), against xxh64 of one 4 KiB page in the same VM
#   (vmlab-samepage hashcost), the floor of a visit.
#
#   tools/bench/samepage-1g.sh [PAGES]        (default 262144)
. "$(dirname "$0")/lib/samepage-vm.bash"
sp_bench_init samepage-1g
PAGES=${1:-262144}
# Both limits with room to spare: 4 regions of PAGES / 4 pages each.
REGION_PAGES=$(( (PAGES / 4 + 1) * 2 ))
ALL_PAGES=$(( PAGES * 2 ))

read -r -d '' GUEST <<GUEST_EOF
echo $ALL_PAGES > /sys/kernel/debug/vmlab/samepage/max_pages
echo $REGION_PAGES > /sys/kernel/debug/vmlab/samepage/max_region_pages
vmlab-samepage hashcost --mib 64 --rounds 4 | grep '^result'
for b in samepage ksm; do
	echo "== \$b"
	vmlab-samepage run --backend \$b --pages $PAGES --procs 4 --dup 0.5 --group 8 \\
		--pages-to-scan 1000 --sleep-ms 20 --timeout 1500 | grep -E '^(result|slab )'
done
GUEST_EOF

sp_bench_vm '^result' 3 --mem 3072M --append slab_nomerge --cmd-timeout 3600 --cmd "$GUEST"

awk -v pages="$PAGES" -v kernel="$KERNEL" '
function fields(from) { delete f; for (i = from; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } }
/^result hashcost/ { fields(3); hot = f["hot_ns"]; cold = f["cold_ns"]; next }
/^== / { b = $2; next }
/^slab / {
	fields(2)
	name[b, ++nc[b]] = f["cache"]; own[b, nc[b]] = f["own"]
	objs[b, nc[b]] = f["objs"]; ob[b, nc[b]] = f["obj_bytes"]; sb[b, nc[b]] = f["slab_bytes"]
	next
}
/^result/ {
	fields(2)
	for (k in f) v[b, k] = f[k]
	if ($0 !~ /steady=1/ || $0 !~ /bad_pages=0 *$/) bad = 1
}
# KSM counts pages_scanned from 6.6 on: 0 before, and no figure.
function per_visit(be) { return v[be, "pages_scanned"] > 0 ? v[be, "cpu_s"] * 1e9 / v[be, "pages_scanned"] : 0 }
function ratio(a, c) { return c > 0 ? sprintf("%.2f", a / c) : "-" }
function row(label, k, fmt) {
	printf "%-36s %10" fmt " %10" fmt " %8s\n", label, v["ksm", k], v["samepage", k], ratio(v["samepage", k], v["ksm", k])
}
function caches(be, extra,    i, tob, tsb) {
	for (i = 1; i <= nc[be]; i++) {
		if (own[be, i] != 1) continue
		printf "%-10s %-26s %10d %12.1f %12.1f\n", be, name[be, i], objs[be, i], ob[be, i] / pages, sb[be, i] / pages
		tob += ob[be, i]; tsb += sb[be, i]
	}
	if (extra) {
		printf "%-10s %-26s %10s %12.1f %12.1f\n", be, "hash tables (static)", "-", extra / pages, extra / pages
		tob += extra; tsb += extra
	}
	printf "%-10s %-26s %10s %12.1f %12.1f\n", be, "total", "", tob / pages, tsb / pages
	return tob / pages
}
END {
	printf "vmlab samepage vs KSM at scale, %s TCG, %d pages (%d MiB) in 4 processes,\n", kernel, pages, pages / 256
	printf "half in groups of 8, pages_to_scan=1000, sleep_millisecs=20, same VM run\n\n"
	printf "%-36s %10s %10s %8s\n", "figure", "KSM", "samepage", "ratio"
	row("pages_shared", "shared", "d")
	row("pages_sharing", "sharing", "d")
	row("steady state reached", "steady", "d")
	row("full scans to steady state", "full_scans", "d")
	row("wall time to steady state (s)", "wall_s", ".1f")
	row("scanner CPU to steady state (s)", "cpu_s", ".2f")
	sp_visit = per_visit("samepage")
	ksm_visit = per_visit("ksm")
	printf "%-36s %10s %10d\n", "pages visited (pages_scanned)", (v["ksm", "pages_scanned"] > 0 ? v["ksm", "pages_scanned"] : "n/a"), v["samepage", "pages_scanned"]
	printf "%-36s %10s %10d %8s\n", "scanner CPU per page visited (ns)", (ksm_visit > 0 ? sprintf("%d", ksm_visit) : "n/a"), sp_visit, ratio(sp_visit, ksm_visit)
	printf "%-36s %10d %10s\n", "xxh64 of one 4 KiB page, hot (ns)", hot, ""
	printf "%-36s %10d %10s\n", "xxh64 of one 4 KiB page, cold (ns)", cold, ""
	if (cold > 0) printf "samepage CPU per visit / cold xxh64: %.1f\n", sp_visit / cold
	printf "\nslab growth per page, /proc/slabinfo before the first touch and at the steady state\n"
	printf "%-10s %-26s %10s %12s %12s\n", "scanner", "cache", "objects", "obj B/page", "slab B/page"
	# The stable index (16384 hlist heads) and the unstable one (32768 slot pointers).
	spb = caches("samepage", 3 * 128 * 1024)
	kb = caches("ksm", 0)
	printf "samepage / KSM, object bytes per page: %s\n", ratio(spb, kb)
	for (x in nc) for (i = 1; i <= nc[x]; i++) if (own[x, i] == 0)
		printf "also grew in the %s run: %s, %d objects, %d KiB of slabs\n", x, name[x, i], objs[x, i], sb[x, i] / 1024
	printf "\ntargets: samepage full saving within one full scan (0 completed),\n"
	printf "scanner CPU <= 0.25x KSM, memory <= 32 B/page\n"
	if (bad) { print "FAIL: a run did not reach the steady state or lost data"; exit 1 }
}' "$LOG/tests.log"
