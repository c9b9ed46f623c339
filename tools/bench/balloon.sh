#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmlab_balloon against virtio_balloon, in the same VM run (debian-6.1,
# 2 GiB, TCG): take 1 GiB from the guest while a workload with a hot set
# and a cold set runs, three ways:
#   virtio   QEMU's virtio-balloon-pci, driven over QMP ("balloon")
#   noguard  vmlab_balloon, guard=0
#   guard    vmlab_balloon, guard=1
# and print time to the target (MiB/s), the workload's major faults and
# p99 latency, and OOM kills, with ratios to virtio.  First both balloons
# take the same 1 GiB from the idle guest (no workload): raw speed.
#
# All five phases repeat --rounds times (default 3), interleaved, since
# times and major-fault counts under TCG vary from run to run; the table
# sums the faults and averages the times over the rounds.  --idle runs the
# idle phases only; --cpu and --append change the VM's CPU model and
# kernel command line (to show what bounds the idle speed).
#
#   tools/bench/balloon.sh [--kernel NAME] [--take MIB] [--rounds N] [--idle]
#                          [--cpu MODEL] [--append ARGS]
#
# The guest asks for QMP commands by printing "BENCH-QMP <bytes>" lines;
# this script follows the guest log and sends them.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KERNEL=${VMLAB_KERNEL:-debian-6.1}
TAKE=1024
ROUNDS=3
CPU=max
APPEND=
IDLE=
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) KERNEL=$2; shift 2 ;;
	--take) TAKE=$2; shift 2 ;;
	--rounds) ROUNDS=$2; shift 2 ;;
	--cpu) CPU=$2; shift 2 ;;
	--append) APPEND=$2; shift 2 ;;
	--idle) IDLE=1; shift ;;
	*) echo "usage: $0 [--kernel NAME] [--take MIB] [--rounds N] [--idle] [--cpu MODEL] [--append ARGS]" >&2; exit 2 ;;
	esac
done

LOG=$ROOT/.build/bench/balloon-$$
QMP=$LOG/qmp.sock
mkdir -p "$LOG"

# The guest side: busybox sh.  Times come from /proc/uptime (10 ms).
read -r -d '' GUEST <<'GEOF' || true
D=/sys/kernel/debug/vmlab/balloon
TAKE=__TAKE__
MEM_MB=__MEM__
WL="vmlab-balloon-workload --hot 384 --period 2000 --cold 768 --file 128 --dir /mnt/data --seconds 600"
ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
mi() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
vm() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
TOTAL0=$(mi MemTotal)
settle() { sync; echo 3 > /proc/sys/vm/drop_caches; sleep 2; }
# The waits poll with shell builtins only: a fork per poll would take CPU
# from the balloon being timed.  UP: uptime in ms; MT: MemTotal in KiB.
up_ms() { read up rest < /proc/uptime; UP=${up%.*}${up#*.}0; }
memtotal() { while read k v u; do [ "$k" = MemTotal: ] && break; done < /proc/meminfo; MT=$v; }
late() { up_ms; [ $(( UP - t0 )) -gt 120000 ]; }

phase() {
	name=$1
	wl=
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
	case $name in
	virtio*)
		# QMP "balloon" takes the guest's new RAM size in bytes
		echo "BENCH-QMP $(( (MEM_MB - TAKE) * 1048576 ))"
		# virtio_balloon lowers MemTotal by each page it takes
		memtotal
		while [ $MT -gt $(( TOTAL0 - TAKE * 1024 + 4096 )) ] && ! late; do
			usleep 20000
			memtotal
		done ;;
	*)
		echo ${TAKE}M > $D/target_pages
		read A < $D/actual_pages
		while [ $A -lt $(( TAKE * 256 )) ] && ! late; do
			usleep 20000
			read A < $D/actual_pages
		done ;;
	esac
	up_ms; t1=$UP
	# The workload's figures cover inflation plus 2 s of settling.
	if [ -n "$wl" ]; then
		sleep 2
		kill -TERM $wl
		wait $wl
	fi
	k1=$(vm oom_kill)
	r=$(tail -n 1 /tmp/wl.$name)
	echo "BENCH-RESULT $name ms=$((t1 - t0)) kills=$((k1 - k0)) guest_majflt=$(( $(vm pgmajfault) - m0 )) $r"
	case $name in
	virtio*)
		echo "BENCH-QMP $(( MEM_MB * 1048576 ))"
		t0=$(ms)
		while [ $(mi MemTotal) -lt $TOTAL0 ]; do
			usleep 20000
			[ $(( $(ms) - t0 )) -gt 120000 ] && break
		done
		echo "BENCH-DEFLATE $name ms=$(( $(ms) - t0 ))" ;;
	*)
		t0=$(ms)
		echo 0 > $D/target_pages
		while [ "$(cat $D/actual_pages)" -gt 0 ]; do usleep 20000; done
		echo "BENCH-DEFLATE $name ms=$(( $(ms) - t0 ))"
		echo "BENCH-STATS $name $(grep -E '^(alloc_failures|steps_full|steps_paced|guard_pauses|guard_paused_ms|helper_inflated_pages) ' $D/stats | tr '\n' ' ')" ;;
	esac
	settle
}

echo 16384 > $D/rate_pages
round=0
while [ $round -lt __ROUNDS__ ]; do
	echo 0 > $D/guard
	phase virtio-idle
	phase vmlab-idle
	if [ -z "__IDLE__" ]; then
		phase virtio
		phase noguard
		echo 1 > $D/guard
		phase guard
	fi
	round=$((round + 1))
done
echo BENCH-DONE
GEOF
MEM_MB=2048
GUEST=${GUEST//__TAKE__/$TAKE}
GUEST=${GUEST//__MEM__/$MEM_MB}
GUEST=${GUEST//__ROUNDS__/$ROUNDS}
GUEST=${GUEST//__IDLE__/$IDLE}

# Follow the guest's log; answer BENCH-QMP lines over QMP.
python3 - "$LOG/tests.log" "$QMP" <<'PEOF' &
import json, os, socket, sys, time
log, sock_path = sys.argv[1], sys.argv[2]
deadline = time.time() + 3600
while not os.path.exists(log) and time.time() < deadline:
    time.sleep(0.2)
qmp = None
def connect():
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock_path)
    f = s.makefile('rw')
    f.readline()
    f.write(json.dumps({'execute': 'qmp_capabilities'}) + '\n'); f.flush()
    f.readline()
    return s, f
with open(log, errors='replace') as f:
    while time.time() < deadline:
        line = f.readline()
        if not line:
            time.sleep(0.05)
            continue
        if line.startswith('BENCH-DONE') or line.startswith('VMTEST DONE'):
            break
        if line.startswith('BENCH-QMP '):
            if qmp is None:
                qmp = connect()
            qmp[1].write(json.dumps({'execute': 'balloon',
                                     'arguments': {'value': int(line.split()[1])}}) + '\n')
            qmp[1].flush()
            print('qmp:', qmp[1].readline().strip(), file=sys.stderr)
PEOF
FOLLOWER=$!
trap 'kill $FOLLOWER 2>/dev/null || true' EXIT

"$ROOT/tools/vmtest/vmtest" --kernel "$KERNEL" --cpu "$CPU" --append "$APPEND" --modules balloon --no-kunit --balloon \
	--qmp "$QMP" --disk --mem ${MEM_MB}M --log "$LOG" --cmd-timeout 1500 --quiet --cmd "$GUEST" || true

grep -E '^BENCH-(RESULT|DEFLATE|STATS)' "$LOG/tests.log" > "$LOG/results" || true
cat "$LOG/results"
awk -v take="$TAKE" '
function f(s, k,   i, n, a) { n = split(s, a, " "); for (i = 1; i <= n; i++) if (a[i] == k || index(a[i], k "=") == 1) return (a[i] == k ? a[i + 1] : substr(a[i], length(k) + 2)); return "" }
/^BENCH-RESULT/ { n = $2; if (!(n in runs)) order[++cnt] = n; runs[n]++
	ms[n] += f($0, "ms"); kills[n] += f($0, "kills")
	if (f($0, "majflt") == "") { maj[n] = "-"; p99[n] = "-"; ev[n] = "-" }
	else { maj[n] += f($0, "majflt"); ev[n] += f($0, "hot_evicted"); if (f($0, "p99_us") + 0 > p99[n] + 0) p99[n] = f($0, "p99_us") } }
/^BENCH-DEFLATE/ { d[$2] += f($0, "ms") }
END {
	printf "\nmean times over rounds; majflt = the workload'"'"'s major faults and\n"
	printf "hot_evicted = hot-set pages it found evicted, both summed; p99 = worst round\n"
	printf "%-12s %6s %10s %9s %10s %8s %8s %10s %6s %8s %8s\n", "balloon", "rounds", "inflate_s", "MiB/s", "deflate_s", "majflt", "hot_evic", "p99_us", "kills", "speed_x", "majflt_x"
	for (i = 1; i <= cnt; i++) {
		n = order[i]; s = ms[n] / runs[n] / 1000; rate = s > 0 ? take / s : 0
		if (n == "virtio-idle" || n == "virtio") base_rate = rate
		if (n == "virtio") base_maj = maj[n]
		sx = (base_rate > 0) ? rate / base_rate : 0
		mx = (n != "virtio" && base_maj > 0) ? sprintf("%.3f", maj[n] / base_maj) : "-"
		printf "%-12s %6d %10.2f %9.1f %10.2f %8s %8s %10s %6s %8.2f %8s\n", n, runs[n], s, rate, d[n] / runs[n] / 1000, maj[n], ev[n], p99[n], kills[n], sx, mx
	}
}' "$LOG/results"
echo "logs: $LOG"
