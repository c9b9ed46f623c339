#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmlab_balloon against virtio_balloon as the host sees them, in the same VM
# run (debian-6.1, 2 GiB, a swap disk, one virtio-balloon device, TCG): QMP
# "balloon" takes 1 GiB from the guest, whose memory was all touched first
# (so QEMU's RSS is full), six ways:
#   virtio-idle, virtio    virtio_balloon holds the device
#   noguard-idle, noguard  vmlab_balloon bound to the device, guard=0
#   guard-idle, guard      vmlab_balloon bound to the device, guard=1
# idle, then while a workload with a hot set and a cold set runs.  The host
# samples QEMU's VmRSS every 100 ms throughout (tools/bench/balloon_rss.py)
# and prints, per driver: time from the QMP command until RSS has dropped
# by 1 GiB (less 32 MiB of QEMU's own growth), the final RSS drop (and
# that of the guest RAM mapping alone, from smaps), the workload's hot-set
# major faults and p99, OOM kills, and the targets as PASS/FAIL.  The same
# table, as an rst list-table, goes to $LOG/table.rst.
#
# This replaces the earlier guest-only mode (vmlab_balloon in local mode,
# timed inside the guest): the guest-side inflation time is still printed
# ("guest inflate"), now with vmlab_balloon in virtio mode.
#
# The phases repeat --rounds times (default 2), interleaved; times are means
# over the rounds, faults sums, p99 the worst round.  --idle runs the idle
# phases only, --phases a comma-separated list of them (a faster look at
# one driver: "--phases virtio,guard"); --cpu and --append change the VM's
# CPU model and kernel command line.
#
#   tools/bench/balloon.sh [--kernel NAME] [--take MIB] [--rounds N] [--idle]
#                          [--phases LIST] [--cpu MODEL] [--append ARGS]
#                          [--reserve PAGES|default]
#
# --reserve PAGES sets vmlab_balloon's host_reserve_pages (default: the
# module's, RAM/64).  QEMU's device has no DEFLATE_ON_OOM, so the reserve
# is what keeps the workload alive: with --reserve 0 the balloon took the
# guest's last swap and the workload was OOM-killed in every vmlab phase
# (2026-12-02).  When the reserve counted MemAvailable alone, vmlab_balloon
# stalled under the workload at about 650 MiB of the 1 GiB target with its
# swap almost empty; it now counts swappable anonymous memory too
# (Documentation/balloon.rst, "A target beyond RAM").
#
# Exits 0 when every target passes, 1 when one fails.

set -euo pipefail
export VMLAB_TCG_THREAD=${VMLAB_TCG_THREAD:-multi}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KERNEL=${VMLAB_KERNEL:-debian-6.1}
TAKE=1024
ROUNDS=2
CPU=max
APPEND=
IDLE=
PHASES=all
RESERVE=default
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) KERNEL=$2; shift 2 ;;
	--take) TAKE=$2; shift 2 ;;
	--rounds) ROUNDS=$2; shift 2 ;;
	--cpu) CPU=$2; shift 2 ;;
	--append) APPEND=$2; shift 2 ;;
	--idle) IDLE=1; shift ;;
	--phases) PHASES=$2; shift 2 ;;
	--reserve) RESERVE=$2; shift 2 ;;
	*) echo "usage: $0 [--kernel NAME] [--take MIB] [--rounds N] [--idle] [--phases LIST] [--cpu MODEL] [--append ARGS] [--reserve PAGES|default]" >&2; exit 2 ;;
	esac
done

LOG=$ROOT/.build/bench/balloon-$$
QMP=$LOG/qmp.sock
mkdir -p "$LOG"

# The guest side: busybox sh.  Guest times come from /proc/uptime (10 ms).
read -r -d '' GUEST <<'GEOF' || true
D=/sys/kernel/debug/vmlab/balloon
TAKE=__TAKE__
MEM_MB=__MEM__
WL="vmlab-balloon-workload --hot 384 --period 2000 --cold 768 --file 128 --dir /mnt/data --seconds 600"
mi() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
vm() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
st() { sed -n "s/^$1 //p" $D/status 2>/dev/null; }
TOTAL0=$(mi MemTotal)
settle() { sync; echo 3 > /proc/sys/vm/drop_caches; sleep 2; }
# The waits poll with shell builtins only: a fork per poll would take CPU
# from the balloon being timed.  UP: uptime in ms; MT: MemTotal in KiB.
up_ms() { read up rest < /proc/uptime; UP=${up%.*}${up#*.}0; }
memtotal() { while read k v u; do [ "$k" = MemTotal: ] && break; done < /proc/meminfo; MT=$v; }
late() { up_ms; [ $(( UP - t0 )) -gt 120000 ]; }
driver_of() { basename "$(readlink /sys/bus/virtio/devices/$1/driver 2>/dev/null)" 2>/dev/null; }

dev=
for d in /sys/bus/virtio/devices/*; do
	[ "$(cat $d/device)" = 0x0005 ] && dev=${d##*/}
done
to_driver() {
	local cur
	cur=$(driver_of $dev)
	[ "$cur" = "$1" ] && return 0
	[ -n "$cur" ] && echo $dev > /sys/bus/virtio/drivers/$cur/unbind
	echo $dev > /sys/bus/virtio/drivers/$1/bind
	echo "BENCH-BIND $1 rc=$? dev=$dev driver=$(driver_of $dev) mode=$(st mode)"
}
# Touch all free memory (a tmpfs file, then removed) so that QEMU holds it.
mkdir -p /mnt/fill
touch_all() {
	local avail
	mount -t tmpfs -o size=$((MEM_MB * 95 / 100))m tmpfs /mnt/fill
	avail=$(awk '$1 == "MemAvailable:" { print int($2 / 1024) }' /proc/meminfo)
	# MemAvailable plus 64 MiB: past the watermarks, so that every free
	# page is touched (kswapd swaps a little out meanwhile; swap is free).
	dd if=/dev/zero of=/mnt/fill/x bs=1M count=$((avail + 64)) 2>/dev/null
	rm -f /mnt/fill/x
	umount /mnt/fill
}

phase() {
	name=$1
	wl=
	case ",__PHASES__," in
	*,all,*|*,$name,*) ;;
	*) return 0 ;;
	esac
	settle
	touch_all
	case $name in
	*-idle) echo idle > /tmp/wl.$name ;;
	*)
		$WL > /tmp/wl.$name 2>&1 &
		wl=$!
		while ! grep -q ready /tmp/wl.$name; do sleep 1; done
		sleep 2 ;;
	esac
	k0=$(vm oom_kill); m0=$(vm pgmajfault)
	up_ms; t0=$UP
	# The host reads QEMU's RSS, then sends QMP "balloon" (the guest's new
	# RAM size in bytes) and starts its clock.
	echo "BENCH-TOUCHED $name memfree=$(mi MemFree) swapfree=$(mi SwapFree)"
	echo "BENCH-START $name $(( (MEM_MB - TAKE) * 1048576 ))"
	case $name in
	virtio*)
		# virtio_balloon lowers MemTotal by each page it takes
		memtotal
		while [ $MT -gt $(( TOTAL0 - TAKE * 1024 + 4096 )) ] && ! late; do
			usleep 20000
			memtotal
		done ;;
	*)
		read A < $D/actual_pages
		while [ $A -lt $(( TAKE * 256 )) ] && ! late; do
			usleep 20000
			read A < $D/actual_pages
		done ;;
	esac
	up_ms; t1=$UP
	# The workload's figures cover inflation plus 2 s of settling; the
	# host's final RSS is read after those 2 s.
	sleep 2
	if [ -n "$wl" ]; then
		kill -TERM $wl
		wait $wl
	fi
	echo "BENCH-END $name"
	case $name in
	virtio*) ;;
	*) echo "BENCH-STATE $name state=$(st state) actual=$(cat $D/actual_pages) target=$(st target_pages) failed_at=$(st failed_at_pages) memavail=$(mi MemAvailable) memfree=$(mi MemFree) swapfree=$(mi SwapFree)" ;;
	esac
	k1=$(vm oom_kill)
	r=$(tail -n 1 /tmp/wl.$name)
	echo "BENCH-RESULT $name ms=$((t1 - t0)) kills=$((k1 - k0)) guest_majflt=$(( $(vm pgmajfault) - m0 )) $r"
	up_ms; t0=$UP
	echo "BENCH-QMP $(( MEM_MB * 1048576 ))"
	case $name in
	virtio*)
		memtotal
		while [ $MT -lt $TOTAL0 ] && ! late; do
			usleep 20000
			memtotal
		done
		up_ms
		echo "BENCH-DEFLATE $name ms=$(( UP - t0 ))" ;;
	*)
		read A < $D/actual_pages
		while [ $A -gt 0 ] && ! late; do
			usleep 20000
			read A < $D/actual_pages
		done
		up_ms
		echo "BENCH-DEFLATE $name ms=$(( UP - t0 )) actual=$A"
		echo "BENCH-STATS $name state=$(st state) $(grep -E '^(alloc_failures|steps_full|steps_paced|guard_pauses|guard_paused_ms|helper_inflated_pages|host_inflate_msgs|host_deflate_msgs|host_errors|host_targets) ' $D/stats | tr '\n' ' ')" ;;
	esac
}

echo 16384 > $D/rate_pages
echo "BENCH-DEVICE dev=$dev driver=$(driver_of $dev) memtotal=$TOTAL0"
round=0
while [ $round -lt __ROUNDS__ ]; do
	to_driver virtio_balloon
	phase virtio-idle
	[ -z "__IDLE__" ] && phase virtio
	to_driver vmlab_balloon
	[ "__RESERVE__" != default ] && echo __RESERVE__ > $D/host_reserve_pages
	echo "BENCH-RESERVE host_reserve_pages=$(cat $D/host_reserve_pages)"
	echo 0 > $D/guard
	phase noguard-idle
	echo 1 > $D/guard
	phase guard-idle
	if [ -z "__IDLE__" ]; then
		echo 0 > $D/guard
		phase noguard
		echo 1 > $D/guard
		phase guard
	fi
	round=$((round + 1))
done
to_driver virtio_balloon
echo BENCH-DONE
GEOF
MEM_MB=2048
GUEST=${GUEST//__TAKE__/$TAKE}
GUEST=${GUEST//__MEM__/$MEM_MB}
GUEST=${GUEST//__ROUNDS__/$ROUNDS}
GUEST=${GUEST//__IDLE__/$IDLE}
GUEST=${GUEST//__RESERVE__/$RESERVE}
GUEST=${GUEST//__PHASES__/$PHASES}

# The host side: follow the guest's log, send the QMP targets, sample RSS.
python3 "$ROOT/tools/bench/balloon_rss.py" follow "$LOG/tests.log" "$QMP" "$LOG" $MEM_MB "$TAKE" \
	2> "$LOG/follower.log" &
FOLLOWER=$!
trap 'kill $FOLLOWER 2>/dev/null || true' EXIT

vm_rc=0
"$ROOT/tools/vmtest/vmtest" --kernel "$KERNEL" --cpu "$CPU" --append "$APPEND" --modules balloon --no-kunit --balloon \
	--qmp "$QMP" --disk --mem ${MEM_MB}M --log "$LOG" --cmd-timeout 3600 --quiet --cmd "$GUEST" || vm_rc=$?
wait $FOLLOWER 2>/dev/null || true

grep -E '^BENCH-(DEVICE|BIND|RESERVE|TOUCHED|RESULT|STATE|DEFLATE|STATS)' "$LOG/tests.log" > "$LOG/results" || true
cat "$LOG/results"
echo
echo "$KERNEL, ${MEM_MB} MiB guest, $TAKE MiB taken by QMP balloon, $ROUNDS round(s); vmtest exit $vm_rc"
echo "times: means over rounds; majflt, hot evicted, kills: sums; p99: worst round"
rc=0
python3 "$ROOT/tools/bench/balloon_rss.py" report "$LOG" "$LOG/tests.log" "$TAKE" "$LOG/table.rst" || rc=$?
echo "logs: $LOG (rss.tsv: QEMU VmRSS every 100 ms; phases.jsonl; table.rst)"
[ $vm_rc -eq 0 ] || echo "vmtest failed (exit $vm_rc): see $LOG/console.log"
exit $rc
