#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The classic timing probe against samepage's merge domains, in one VM run
# (debian-6.1 by default, TCG): vmlab-samepage probe opens a victim region
# whose page holds a secret and an attacker region with a right and a wrong
# guess of it, lets the scanner run two full scans, and times one write to
# one guess, the first write after the scan: right and wrong in turn, and
# the two guesses swap pages every other pair, so that both are measured
# alike.  "within": both regions are root's, one merge domain; "across":
# the victim's is opened as uid 1001, at merge_across_owners=0.  TRIALS
# trials per guess and domain, fresh regions every trial.  Prints the
# write latency (median, p99) and the page faults per write for each
# domain and guess.  The exact assertion (equal
# faults across domains, never merged) is domain_test's probe_* cases;
# this is the timing, for Documentation/samepage.rst.
#
#   tools/bench/samepage-probe.sh [TRIALS]        (default 200)
. "$(dirname "$0")/lib/samepage-vm.bash"
sp_bench_init samepage-probe
TRIALS=${1:-200}

sp_bench_vm '^probe .*guess=' 4 --cmd-timeout 1800 --cmd "vmlab-samepage probe --trials $TRIALS"

awk -v kernel="$KERNEL" -v trials="$TRIALS" '
/^probe / {
	delete f
	for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	if ("guess" in f) {
		med[f["domain"], f["guess"]] = f["median_us"]
		p99[f["domain"], f["guess"]] = f["p99_us"]
		flt[f["domain"], f["guess"]] = f["faults_per_write"]
	} else {
		merged[f["domain"]] = f["attacker_merged_pages"]
	}
}
function row(d, g) {
	printf "%-8s %-6s %12s %10s %16s\n", d, g, med[d, g], p99[d, g], flt[d, g]
}
END {
	printf "samepage timing probe, %s TCG, %d trials per guess, one timed write each\n", kernel, trials
	printf "%-8s %-6s %12s %10s %16s\n", "domain", "guess", "median (us)", "p99 (us)", "faults / write"
	row("within", "right"); row("within", "wrong")
	row("across", "right"); row("across", "wrong")
	printf "attacker pages merged over all trials: within %d, across %d\n", merged["within"], merged["across"]
	if (merged["across"] != 0 || flt["across", "right"] != flt["across", "wrong"]) {
		print "FAIL: across domains the right guess merged or faulted differently"
		exit 1
	}
}' "$LOG/tests.log"
