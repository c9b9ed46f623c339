#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmlab dax against device-dax, in the same VM run (debian-6.1, TCG):
# memmap=512M!1G for the kernel's nd_e820 + dax_pmem + device_dax
# (/dev/dax0.0, 2 MiB aligned, set up through sysfs without ndctl), and
# memmap=512M!1536M for vmlab_dax (phys_start/phys_size).  For each:
# time to fault in MIB (2 MiB mappings, and 4 KiB for vmlab_dax), memset
# and read bandwidth, 64-byte persisted writes per second; anonymous
# memory in the same VM is the limit.  Three interleaved rounds, best of
# each figure, because TCG on a shared host is uneven.  Prints a table of
# ratios.
#
#   tools/bench/dax.sh [MIB]        (default 256)
set -u
cd "$(dirname "$0")/../.." || exit 1
MIB=${1:-256}
LOG=$(mktemp -d /tmp/vmlab-bench-dax.XXXXXX)
trap 'rm -rf "$LOG"' EXIT

read -r -d '' GUEST <<GUEST_EOF
R=/sys/bus/nd/devices
for r in \$R/region*; do [ "\$(cat \$r/resource)" = 0x40000000 ] && break; done
seed=\$(cat \$r/dax_seed)
ns=\$(basename \$(ls -d \$r/namespace*.0 | head -1))
echo "device-dax: \$r \$seed \$ns"
echo \$ns > \$R/\$seed/namespace
echo 2097152 > \$R/\$seed/align
echo pmem > \$R/\$seed/mode
cat /proc/sys/kernel/random/uuid > \$R/\$seed/uuid
echo \$seed > /sys/bus/nd/drivers/dax_pmem/bind
sleep 1
ls -l /dev/dax* || exit 1
S=/sys/kernel/debug/vmlab/dax/stats
st() { sed -n "s/^\$1 //p" \$S; }
run() {
	echo "== \$1"
	pte=\$(st fault_pte); pmd=\$(st fault_pmd)
	vmlab-dax-bench \$2 $MIB \$3
	echo "vmlab_fault_pte \$((\$(st fault_pte) - pte))"
	echo "vmlab_fault_pmd \$((\$(st fault_pmd) - pmd))"
}
# Rotate the order each round so that no device always runs first.
for order in "d v a k" "v a k d" "a k d v"; do
	for x in \$order; do
		case \$x in
		d) run devdax_2m /dev/dax0.0 "" ;;
		v) run vmlab_2m /dev/vmlab_dax0 "" ;;
		a) run anon anon "" ;;
		k) run vmlab_4k /dev/vmlab_dax0 4k ;;
		esac
	done
done
GUEST_EOF

tools/vmtest/vmtest --kernel debian-6.1 --mem 3G \
	--append 'memmap=512M!1G memmap=512M!1536M' \
	--kmod nd_e820 --kmod dax_pmem --kmod device_dax \
	--param 'vmlab_dax phys_start=0x60000000 phys_size=0x20000000' \
	--modules dax --no-kunit --quiet --log "$LOG" --cmd "$GUEST" > "$LOG/out" 2>&1
rc=$?
if [ $rc -ne 0 ] || ! grep -q '^== anon' "$LOG/tests.log"; then
	echo "bench failed (vmtest rc $rc)"
	tail -40 "$LOG/out"
	exit 1
fi

awk -v mib="$MIB" '
/^== / { sec = $2; next }
# Best of the three rounds: least time, most throughput; counts are equal.
NF == 2 && sec != "" {
	k = sec SUBSEP $1
	if (!(k in v) || ($1 == "fault_s" && $2 < v[k]) || ($1 != "fault_s" && $2 > v[k]))
		v[k] = $2
}
function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
END {
	printf "vmlab dax vs device-dax, debian-6.1 TCG, %d MiB, same VM run, best of 3\n\n", mib
	printf "%-28s %12s %12s %12s %12s\n", "figure", "device-dax", "vmlab 2M", "vmlab 4K", "anon"
	printf "%-28s %12s %12s %12s %12s\n", "fault-in time (s)", v["devdax_2m","fault_s"], v["vmlab_2m","fault_s"], v["vmlab_4k","fault_s"], v["anon","fault_s"]
	printf "%-28s %12s %12s %12s %12s\n", "memset (MB/s)", v["devdax_2m","write_MBps"], v["vmlab_2m","write_MBps"], v["vmlab_4k","write_MBps"], v["anon","write_MBps"]
	printf "%-28s %12s %12s %12s %12s\n", "read (MB/s)", v["devdax_2m","read_MBps"], v["vmlab_2m","read_MBps"], v["vmlab_4k","read_MBps"], v["anon","read_MBps"]
	printf "%-28s %12s %12s %12s %12s\n", "64B persists/s", v["devdax_2m","persist64_per_s"], v["vmlab_2m","persist64_per_s"], v["vmlab_4k","persist64_per_s"], v["anon","persist64_per_s"]
	printf "%-28s %12s %12s %12s %12s\n", "vmlab faults (PTE+PMD)", "-", v["vmlab_2m","vmlab_fault_pte"] + v["vmlab_2m","vmlab_fault_pmd"], v["vmlab_4k","vmlab_fault_pte"] + v["vmlab_4k","vmlab_fault_pmd"], "-"
	printf "\nratios (higher is better for vmlab)\n"
	printf "%-40s %s\n", "fault-in: device-dax / vmlab 2M", ratio(v["devdax_2m","fault_s"], v["vmlab_2m","fault_s"])
	printf "%-40s %s\n", "memset: vmlab 2M / device-dax", ratio(v["vmlab_2m","write_MBps"], v["devdax_2m","write_MBps"])
	printf "%-40s %s\n", "memset: vmlab 2M / anon", ratio(v["vmlab_2m","write_MBps"], v["anon","write_MBps"])
	printf "%-40s %s\n", "read: vmlab 2M / device-dax", ratio(v["vmlab_2m","read_MBps"], v["devdax_2m","read_MBps"])
	printf "%-40s %s\n", "read: vmlab 2M / anon", ratio(v["vmlab_2m","read_MBps"], v["anon","read_MBps"])
	printf "%-40s %s\n", "64B persists: vmlab 2M / device-dax", ratio(v["vmlab_2m","persist64_per_s"], v["devdax_2m","persist64_per_s"])
	printf "%-40s %s\n", "faults: 4K / 2M (target 512)", ratio(v["vmlab_4k","vmlab_fault_pte"] + v["vmlab_4k","vmlab_fault_pmd"], v["vmlab_2m","vmlab_fault_pte"] + v["vmlab_2m","vmlab_fault_pmd"])
	printf "%-40s %s\n", "flush instruction", v["vmlab_2m","flush"]
}' "$LOG/tests.log"
