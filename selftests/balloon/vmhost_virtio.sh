#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmlab_balloon as a virtio-balloon front end, host side: one VM with a
# virtio-balloon device and a QMP socket.  The guest moves the device from
# virtio_balloon (which the harness loads) to vmlab_balloon, asks for QMP
# "balloon" targets, and reports what it saw; this script sends the
# targets and checks, from the host, that query-balloon converges on each
# target and that QEMU's resident memory drops by what the balloon took:
#
#   the device switches from virtio_balloon to vmlab_balloon (status mode
#   virtio), which refuses local targets (EBUSY), takes 128 MiB of the
#   512 MiB guest at the host's target, reporting
#   every page in batches (RSS drop, query-balloon);
#   the guest kselftest balloon/virtio_test runs with the device bound:
#   unbind/bind cycles while inflated return every page, the switch to
#   virtio_balloon and back;
#   the host gives everything back (query-balloon at full RAM);
#   a host target beyond what the guest can spare stops in state reserve
#   (no DEFLATE_ON_OOM: host_reserve_pages) or retrying (with it: only
#   retrying, an allocation failed), with no OOM kill;
#   hot-unplug with the balloon full returns every page, and a new device
#   with deflate-on-oom and free-page-reporting binds (DEFLATE_ON_OOM
#   negotiated), reports free pages and deflates from the OOM notifier;
#   a guest without ACPI PCI hotplug (pci=noacpi, as vmtest boots KASAN
#   kernels) cannot have its device replaced: the host gives that device
#   deflate-on-oom and free-page-reporting from the start, and the guest
#   removes the PCI device itself instead, rescans, rebinds it (DEFLATE_ON_OOM
#   negotiated) and runs the same free page reporting and OOM tests;
#   unloading with 128 MiB inflated returns every page and tells the host.
#
#   selftests/balloon/vmhost_virtio.sh [--kernel debian-6.1]
#
# Prints TAP and a final "N passed, N failed, N skipped" line; exits non-zero on failure.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tools/vmtest/vmhost_lib.sh
. tools/vmtest/vmhost_lib.sh
WORK=$(mktemp -d /tmp/vmlab-vballoon.XXXXXX)
QMP=$WORK/qmp.sock
MEM_MB=512
TAKE_MB=128
# RSS must drop by at least this share of what the balloon took: the rest
# is noise from the guest's own allocations while it runs.
RSS_SHARE_PCT=90
# guest-stats against /proc/meminfo read a moment before: the guest is idle
# in between but for the shell polling its files.
STATS_SLACK_MB=16
# Free page reporting must give the host back at least this much of the
# memory the guest touched and freed (about 250 MiB with 128 MiB ballooned).
FPR_MIN_MB=128
follower=

# vmtest boots a kernel built with KASAN with pci=noacpi: no ACPI PCI
# hotplug, so QEMU cannot replace the device by one with deflate-on-oom
# and free-page-reporting (device_del never completes).  Such a guest gets
# those properties from the start; the rule is vmtest's (qemu_command(),
# CONFIG_KASAN in the kernel's build/.config).  Elsewhere the device starts
# plain and the hot-plugged one brings them.
kdir=$KERNEL
[ -d "$kdir" ] || kdir=$({ tools/vmtest/kernels.sh deps >&2 && tools/vmtest/kernels.sh fetch "$KERNEL"; } \
	2> "$WORK/kernels.log" | tail -1)
BALLOON_PROPS=
# A KASAN guest has 64 MiB of shadow less and a heavier kernel: with
# 128 MiB ballooned it touches and frees about 105 MiB for free page
# reporting (69 and 73 MiB came back in two debug-7.2 runs, against
# 189 MiB on debian-6.1): about half of that.
if grep -qx CONFIG_KASAN=y "$kdir/build/.config" 2>/dev/null; then
	BALLOON_PROPS=deflate-on-oom=on,free-page-reporting=on
	FPR_MIN_MB=48
fi

cleanup() {
	[ -n "$follower" ] && kill "$follower" 2>/dev/null
	# A failure's logs stay for whoever reads the report.
	if [ $failed -eq 0 ] && [ $n -gt 0 ]; then rm -rf "$WORK"; else echo "# logs in $WORK"; fi
}
trap cleanup EXIT

# The guest side (busybox sh).  VH-QMP BYTES asks for a QMP balloon target,
# VH-PROBE NAME for the host's checks, VH-RESULT lines are its own findings.
read -r -d '' GUEST <<'GEOF' || true
D=/sys/kernel/debug/vmlab/balloon
MEM_MB=__MEM__
TAKE_MB=__TAKE__
TAKE=$((TAKE_MB * 256))
vh() { echo "VH-RESULT $* t=$(cut -d" " -f1 /proc/uptime)"; }
st() { sed -n "s/^$1 //p" $D/status 2>/dev/null; }
stat() { sed -n "s/^$1 //p" $D/stats 2>/dev/null; }
vm() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
qmp() { echo "VH-QMP $1"; }
# Every wait below runs to a deadline on /proc/uptime, read with builtins:
# on the debug kernel (KASAN under TCG) a fork costs far more than the
# 0.1 s nap, so counting naps was no clock (a "120 s" wait ran past the
# command timeout).  deadline SECS sets DL (local to a function that
# waits); past_deadline is true once the uptime has reached it.
deadline() { local up rest; read -r up rest < /proc/uptime; DL=$((${up%.*} + $1)); }
past_deadline() { local up rest; read -r up rest < /proc/uptime; [ "${up%.*}" -ge "$DL" ]; }
# nap: 0.1 s without a fork, read -t on a FIFO that no one writes (usleep
# is one fork per poll).
if mkfifo /tmp/vh-nap 2>/dev/null && exec 9<> /tmp/vh-nap; then
	nap() { read -r -t 0.1 -u 9 _ || :; }
else
	nap() { usleep 100000; }
fi
rm -f /tmp/vh-nap
# kv FILE KEY: V is the value on FILE's "KEY value" line, empty without
# one (builtins only, for the polls; st and stat print the same).
kv() { local k v; V=; while read -r k v; do [ "$k" = "$2" ] && { V=$v; break; }; done < "$1"; } 2>/dev/null
# probe NAME [BYTES]: query-balloon should show BYTES (default: the host's
# last target).  The host answers a probe by repeating its last target, which vmlab_balloon
# counts in host_targets; with another driver bound there is no answer to
# see, and the guest gives the host 5 s.
probe() {
	local n0 DL V
	n0=$(stat host_targets)
	echo "VH-PROBE $1 $2"
	if [ "$(st mode)" = virtio ]; then
		deadline 60
		while kv $D/stats host_targets; [ "$V" = "$n0" ] && ! past_deadline; do
			nap
		done
	else
		sleep 5
	fi
}
# wait_actual PAGES SECS: until actual_pages is PAGES in state idle
wait_actual() {
	local a DL V
	deadline $2
	while :; do
		read -r a < $D/actual_pages
		kv $D/status state
		[ "$a" = "$1" ] && [ "$V" = idle ] && return 0
		past_deadline && return 1
		nap
	done
}
# wait_state STATE...: until status shows one of them (at most 600 s);
# SEEN is the one it saw (the state may have moved on by the next read)
wait_state() {
	local w DL V
	SEEN=
	deadline 600
	while :; do
		kv $D/status state
		for w in "$@"; do [ "$V" = "$w" ] && SEEN=$w && return 0; done
		past_deadline && return 1
		nap
	done
}
# Touch free memory (a tmpfs file, then removed) so that QEMU holds it.
touch_free() {
	local avail
	mkdir -p /mnt/fill
	mount -t tmpfs -o size=$((MEM_MB * 9 / 10))m tmpfs /mnt/fill
	avail=$(awk '$1 == "MemAvailable:" { print int($2 / 1024) }' /proc/meminfo)
	dd if=/dev/zero of=/mnt/fill/x bs=1M count=$((avail - 64)) 2>/dev/null
	rm -f /mnt/fill/x
	umount /mnt/fill
}
driver_of() { basename "$(readlink /sys/bus/virtio/devices/$1/driver 2>/dev/null)" 2>/dev/null; }

dev=
for d in /sys/bus/virtio/devices/*; do
	[ "$(cat $d/device)" = 0x0005 ] && dev=${d##*/}
done
vh "device dev=$dev driver=$(driver_of $dev)"

# The documented switch, from virtio_balloon (loaded at boot).  What
# virtio_balloon itself returns to the host is tools/bench/balloon.sh's.
drv=$(driver_of $dev)
[ -n "$drv" ] && echo $dev > /sys/bus/virtio/drivers/$drv/unbind
echo $dev > /sys/bus/virtio/drivers/vmlab_balloon/bind
vh "bound rc=$? mode=$(st mode) device=$(st device) features=$(st features) driver=$(driver_of $dev)"
if echo 100 > $D/target_pages 2>/dev/null; then r=0; else r=1; fi
vh "local_write refused=$r target=$(cat $D/target_pages)"

touch_free
probe touched_vmlab
i0=$(vm balloon_inflate)
qmp $(((MEM_MB - TAKE_MB) * 1048576))
wait_actual $TAKE 300
vh "vmlab_inflated rc=$? actual=$(cat $D/actual_pages) events=$(($(vm balloon_inflate) - i0)) msgs=$(stat host_inflate_msgs) errors=$(stat host_errors)"
probe vmlab_inflated

# The stats queue: the guest's figures now, then the host reads its own.
mi() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
vh "meminfo total=$(mi MemTotal) free=$(mi MemFree) avail=$(mi MemAvailable) majflt=$(vm pgmajfault) minflt=$(($(vm pgfault) - $(vm pgmajfault)))"
probe stats
vh "stats_reports n=$(stat host_stats_reports)"

/vmlab/selftests/balloon/virtio_test
vh "kselftest rc=$?"
probe after_kselftest

qmp $((MEM_MB * 1048576))
wait_actual 0 300
vh "vmlab_deflated rc=$? actual=$(cat $D/actual_pages)"
probe vmlab_deflated

# A target beyond what the guest can spare: all of its RAM but 1 MiB.
k0=$(vm oom_kill)
f0=$(stat alloc_failures)
qmp 1048576
wait_state reserve retrying
vh "beyond seen=$SEEN state=$(st state) target=$(st target_pages) actual=$(cat $D/actual_pages) failed_at=$(st failed_at_pages) ram=$(awk '$1 == "MemTotal:" { print $2 / 4 }' /proc/meminfo) kills=$(($(vm oom_kill) - k0)) alloc_failures=$(($(stat alloc_failures) - f0))"
sleep 3
vh "beyond_after kills=$(($(vm oom_kill) - k0)) state=$(st state)"
qmp $((MEM_MB * 1048576))
wait_actual 0 300
vh "beyond_deflated rc=$?"

# Hot-unplug with the balloon full, and a device offering DEFLATE_ON_OOM.
# That needs ACPI PCI hotplug: a slot for the balloon's PCI function.
# Kernels booted with pci=noacpi (vmtest does so under KASAN) have none,
# and QEMU's device_del would wait for the guest forever: there the guest
# removes the PCI device itself, which runs the driver's remove with the
# balloon full just as an unplug does, then rescans for the same device.
bdf=$(readlink -f /sys/bus/virtio/devices/$dev/..)
bdf=${bdf##*/}
way=pci-remove slot=
for s in /sys/bus/pci/slots/*; do
	[ -e "$s/address" ] && read -r a < "$s/address" && [ "$a" = "${bdf%.*}" ] &&
		way=hotplug slot=${s##*/}
done
qmp $(((MEM_MB - TAKE_MB) * 1048576))
wait_actual $TAKE 300
d0=$(vm balloon_deflate)
if [ $way = hotplug ]; then
	echo "VH-REPLUG"
else
	echo 1 > /sys/bus/pci/devices/$bdf/remove
fi
deadline 120
# The device leaves sysfs before its driver's remove has run: wait for both.
while { [ -e /sys/bus/virtio/devices/$dev ] || { kv $D/status mode; [ "$V" != local ]; }; } &&
	! past_deadline; do
	nap
done
vh "unplugged way=$way bdf=$bdf slot=$slot gone=$([ -e /sys/bus/virtio/devices/$dev ] && echo 0 || echo 1) deflated=$(($(vm balloon_deflate) - d0)) actual=$(cat $D/actual_pages) mode=$(st mode)"
[ $way = hotplug ] || echo 1 > /sys/bus/pci/rescan
deadline 120
dev=
while [ -z "$dev" ] && ! past_deadline; do
	# [ -e ] first: with no device yet the glob stays a literal '*', which
	# expands again, to the device that appears meanwhile, in $d/device.
	for d in /sys/bus/virtio/devices/*; do
		[ -e "$d" ] && read -r id < "$d/device" && [ "$id" = 0x0005 ] && [ -e "$d/driver" ] &&
			dev=${d##*/}
	done
	[ -z "$dev" ] && nap
done
drv=$(driver_of $dev)
[ -n "$drv" ] && [ "$drv" != vmlab_balloon ] && echo $dev > /sys/bus/virtio/drivers/$drv/unbind
[ "$drv" != vmlab_balloon ] && echo $dev > /sys/bus/virtio/drivers/vmlab_balloon/bind
vh "replugged way=$way dev=$dev was=$drv mode=$(st mode) features=$(st features)"
# The same device back: the host's target again (after device_add the
# host sends it itself).
[ $way = hotplug ] || qmp $(((MEM_MB - TAKE_MB) * 1048576))
wait_actual $TAKE 300
vh "replug_inflated rc=$?"

# Free page reporting and DEFLATE_ON_OOM need the new device's features,
# or (without hotplug) the host's from the start: a device without them
# keeps the balloon full for the unload below.
f=$(st features)
if [ $way = hotplug ] || [ $((${f:-0} & 4)) -ne 0 ]; then
	# Free page reporting, off by default: free memory stays resident until
	# the knob is set, then the host discards it.
	touch_free
	probe fpr_touched
	r0=$(stat host_reported_pages)
	echo 1 > $D/free_page_reporting
	vh "fpr_on rc=$?"
	probe fpr_reported
	vh "fpr reported=$(($(stat host_reported_pages) - r0)) before=$r0"
	echo 0 > $D/free_page_reporting

	# Beyond RAM again, and a 64 MiB allocation (dd's buffer) that only the
	# OOM notifier can serve.
	qmp 1048576
	wait_state retrying backoff
	s=$(st state)
	k0=$(vm oom_kill) e0=$(stat oom_events) m0=$(stat host_deflate_msgs) a0=$(cat $D/actual_pages)
	dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null
	vh "deflate_on_oom rc=$? state_before=$s kills=$(($(vm oom_kill) - k0)) oom_events=$(($(stat oom_events) - e0)) msgs=$(($(stat host_deflate_msgs) - m0)) actual_before=$a0"
	qmp $((MEM_MB * 1048576))
	wait_actual 0 300
	vh "oom_after_deflated rc=$?"
fi

# Unload with the balloon full.
qmp $(((MEM_MB - TAKE_MB) * 1048576))
wait_actual $TAKE 300
a=$(cat $D/actual_pages)
d0=$(vm balloon_deflate)
rmmod vmlab_balloon
vh "unload rc=$? actual=$a deflated=$(($(vm balloon_deflate) - d0)) driver=$(driver_of $dev)"
probe unloaded $((MEM_MB * 1048576))
GEOF
GUEST=${GUEST//__MEM__/$MEM_MB}
GUEST=${GUEST//__TAKE__/$TAKE_MB}

# The host side: follow the guest's log, send targets, answer probes.  Each
# probe waits up to 60 s for query-balloon to show the last target, then
# records it and QEMU's VmRSS in $WORK/probes.
python3 - "$WORK/vm/tests.log" "$QMP" "$WORK/probes" "$MEM_MB" "$FPR_MIN_MB" "$WORK/vm-done" <<'PEOF' &
import os, subprocess, sys, time
sys.path.insert(0, 'tools/vmtest')
from qmp_client import Qmp
log, sock_path, out, mem_mb = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
# Created once vmtest has returned: a guest that timed out never prints
# VMTEST DONE, and the rest of its log is read by then.
vm_done = sys.argv[6]
deadline = time.time() + 3600
qmp = None
last = mem_mb << 20
DEV = '/machine/peripheral/balloon0'
FPR_MIN_MB = int(sys.argv[5])
rss = {}
STATS = {'total': 'stat-total-memory', 'free': 'stat-free-memory',
         'avail': 'stat-available-memory', 'majflt': 'stat-major-faults',
         'minflt': 'stat-minor-faults'}


def connect():
    q = Qmp(sock_path)
    # The device returns the stats buffer every second from now on.
    q.ask('qom-set', path=DEV, property='guest-stats-polling-interval', value=1)
    return q


def rss_kb():
    pids = subprocess.run(['pgrep', '-f', sock_path], stdout=subprocess.PIPE,
                          text=True).stdout.split()
    for pid in pids:
        try:
            with open(f'/proc/{pid}/status') as st:
                comm = ''
                for line in st:
                    if line.startswith('Name:'):
                        comm = line.split()[1]
                    if line.startswith('VmRSS:') and comm.startswith('qemu'):
                        return int(line.split()[1])
        except OSError:
            pass
    return -1


while not os.path.exists(log) and not os.path.exists(vm_done) and time.time() < deadline:
    time.sleep(0.2)
if not os.path.exists(log):
    sys.exit(0)
with open(log, errors='replace') as f, open(out, 'w') as res:
    part = ''
    while time.time() < deadline:
        part += f.readline()
        if not part.endswith('\n'):
            if os.path.exists(vm_done):
                break
            time.sleep(0.05)  # a line the guest is still writing
            continue
        line, part = part, ''
        if line.startswith('VMTEST DONE'):
            break
        if line.startswith('VH-QMP '):
            qmp = qmp or connect()
            last = int(line.split()[1])
            r = qmp.ask('balloon', value=last)
            print('qmp balloon', last, r, file=sys.stderr)
        elif line.startswith('VH-REPLUG'):
            # Replace the device by one that offers DEFLATE_ON_OOM: the
            # guest ejects the old one (ACPI hotplug), then the new one
            # can be added under the same id.  A guest with no hotplug
            # slot for it removes and rescans the device itself and never
            # prints VH-REPLUG: device_del would not complete there.
            qmp = qmp or connect()
            print('qmp device_del', qmp.ask('device_del', id='balloon0'), file=sys.stderr)
            t0 = time.time()
            while time.time() - t0 < 120:
                r = qmp.ask('device_add', driver='virtio-balloon-pci', id='balloon0',
                        **{'deflate-on-oom': True, 'free-page-reporting': True})
                if 'return' in r:
                    break
                time.sleep(0.5)
            print('qmp device_add', r, file=sys.stderr)
            qmp.ask('qom-set', path=DEV, property='guest-stats-polling-interval', value=1)
            qmp.ask('balloon', value=last)
        elif line.startswith('VH-PROBE '):
            qmp = qmp or connect()
            words = line.split()
            name = words[1]
            want = int(words[2]) if len(words) > 2 else min(last, mem_mb << 20)
            actual, t0 = None, time.time()
            while time.time() - t0 < 60:
                r = qmp.ask('query-balloon').get('return', {})
                actual = r.get('actual')
                if actual == want:
                    break
                time.sleep(0.2)
            extra = ''
            if name == 'fpr_reported':
                # Reporting runs in the background: wait for the drop.
                base, t0 = rss.get('fpr_touched', -1), time.time()
                while time.time() - t0 < 120 and rss_kb() > base - (FPR_MIN_MB << 10):
                    time.sleep(0.5)
            if name == 'stats':
                # A report newer than the probe: two updates after it.
                seen, t0 = [], time.time()
                while time.time() - t0 < 30 and len(set(seen)) < 3:
                    gs = qmp.ask('qom-get', path=DEV, property='guest-stats').get('return', {})
                    seen.append(gs.get('last-update'))
                    time.sleep(0.5)
                st = gs.get('stats', {})
                extra = ''.join(f' st_{k}={st.get(v)}' for k, v in STATS.items())
                extra += f' updates={len(set(seen)) - 1}'
            rss[name] = rss_kb()
            res.write(f'{name} actual={actual} want={want} rss_kb={rss[name]}{extra}\n')
            res.flush()
            # The answer: the same target again (a config change the guest counts).
            qmp.ask('balloon', value=last)
PEOF
follower=$!

echo "TAP version 13"
echo "1..18"
"$VMTEST" --kernel "$KERNEL" --modules balloon --no-kunit --balloon --qmp "$QMP" \
	${BALLOON_PROPS:+--balloon-props "$BALLOON_PROPS"} \
	--mem ${MEM_MB}M --append '' --log "$WORK/vm" --cmd-timeout 1200 --quiet \
	--cmd "$GUEST" > "$WORK/vm.out" 2>&1
vm_rc=$?
: > "$WORK/vm-done"
wait "$follower" 2>/dev/null
follower=
sed -n 's/^VH-RESULT /# /p' "$WORK/vm/tests.log"
sed 's/^/# probe /' "$WORK/probes" 2>/dev/null

res() { sed -n "s/^VH-RESULT $1 //p" "$WORK/vm/tests.log" | head -1; }
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
probe() { sed -n "s/^$1 //p" "$WORK/probes" 2>/dev/null | head -1; }
converged() {
	local p
	p=$(probe "$1")
	[ -n "$p" ] && [ "$(field "$p" actual)" = "$(field "$p" want)" ]
}
# rss_drop BEFORE AFTER: MiB QEMU's RSS fell between two probes
rss_drop() {
	local a b
	a=$(field "$(probe "$1")" rss_kb)
	b=$(field "$(probe "$2")" rss_kb)
	[ -n "$a" ] && [ -n "$b" ] && [ "$a" -gt 0 ] && [ "$b" -gt 0 ] &&
		echo $(((a - b) / 1024))
}
min_drop=$((TAKE_MB * RSS_SHARE_PCT / 100))

r=$(res bound)
[ "$(field "$r" rc)" = 0 ] && [ "$(field "$r" mode)" = virtio ] &&
	[ "$(field "$r" driver)" = vmlab_balloon ]
ok $? "switch: the device is bound to vmlab_balloon, status mode virtio"
r=$(res local_write)
[ "$(field "$r" refused)" = 1 ]
ok $? "vmlab_balloon: a local target_pages write is refused while bound"

r=$(res vmlab_inflated)
[ "$(field "$r" rc)" = 0 ] && [ "$(field "$r" actual)" = $((TAKE_MB * 256)) ] &&
	[ "$(field "$r" events)" = $((TAKE_MB * 256)) ] && [ "$(field "$r" errors)" = 0 ] &&
	[ "$(field "$r" msgs)" -ge $((TAKE_MB * 256 / 256)) ]
ok $? "vmlab_balloon: reaches the host's target, every page reported ($r)"
converged vmlab_inflated
ok $? "vmlab_balloon: query-balloon converges on $((MEM_MB - TAKE_MB)) MiB"
d=$(rss_drop touched_vmlab vmlab_inflated)
[ -n "$d" ] && [ "$d" -ge $min_drop ]
ok $? "vmlab_balloon: QEMU RSS dropped ${d:-?} MiB (>= $min_drop)"

# stats: the guest's own figures just before, the host's just after.
r=$(res meminfo)
p=$(probe stats)
within() { [ "$1" -ge "$2" ] 2>/dev/null && [ "$1" -le "$3" ] 2>/dev/null; }
g_total=$(($(field "$r" total) * 1024)) g_free=$(($(field "$r" free) * 1024))
g_avail=$(($(field "$r" avail) * 1024)) slack=$((STATS_SLACK_MB << 20))
[ "$(field "$p" updates)" -ge 1 ] 2>/dev/null &&
	[ "$(field "$p" st_total)" = "$g_total" ] &&
	within "$(field "$p" st_free)" $((g_free - slack)) $((g_free + slack)) &&
	within "$(field "$p" st_avail)" $((g_avail - slack)) $((g_avail + slack)) &&
	within "$(field "$p" st_majflt)" "$(field "$r" majflt)" $(($(field "$r" majflt) + 100)) &&
	within "$(field "$p" st_minflt)" "$(field "$r" minflt)" $(($(field "$r" minflt) + 1000000)) &&
	[ "$(field "$(res stats_reports)" n)" -ge 1 ] 2>/dev/null
ok $? "stats queue: guest-stats match /proc/meminfo (total exactly, free and available within $STATS_SLACK_MB MiB) and /proc/vmstat faults"

r=$(res kselftest)
[ "$(field "$r" rc)" = 0 ]
ok $? "guest kselftest balloon/virtio_test (unbind/bind cycles, switch, compaction) passes"
converged after_kselftest
ok $? "after the cycles query-balloon still shows the target"

r=$(res vmlab_deflated)
[ "$(field "$r" rc)" = 0 ] && converged vmlab_deflated
ok $? "vmlab_balloon: deflates to the host's full-RAM target, query-balloon agrees"

r=$(res beyond)
s=$(field "$r" state)
# With DEFLATE_ON_OOM negotiated at the switch (the device the host gave
# the properties) no host_reserve_pages holds the balloon back: it fills
# until an allocation fails, state retrying, never reserve.  The guest's
# own allocations then reach the OOM notifier, which deflates and holds
# inflation off: by the next read the state may be backoff.
f=$(field "$(res bound)" features)
what="stops in state $s"
if [ -n "$f" ] && [ $((f & 4)) -ne 0 ]; then
	what="(DEFLATE_ON_OOM) fills until an allocation fails, state retrying (now $s)"
	[ "$(field "$r" seen)" = retrying ] && [ "$(field "$r" alloc_failures)" -ge 1 ] &&
		{ [ "$s" = retrying ] || [ "$s" = backoff ]; }
else
	[ "$s" = reserve ] || [ "$s" = retrying ]
fi && [ "$(field "$r" failed_at)" -gt 0 ] &&
	[ "$(field "$r" target)" -gt "$(field "$r" ram | cut -d. -f1)" ]
ok $? "target beyond RAM: $what with failed_at_pages set ($r)"
r2=$(res beyond_after)
[ "$(field "$r" kills)" = 0 ] && [ "$(field "$r2" kills)" = 0 ] &&
	[ "$(field "$(res beyond_deflated)" rc)" = 0 ]
ok $? "target beyond RAM: no OOM kill, and the balloon deflates after"

r=$(res unplugged)
way=$(field "$r" way)
[ "$(field "$r" gone)" = 1 ] && [ "$(field "$r" deflated)" = $((TAKE_MB * 256)) ] &&
	[ "$(field "$r" actual)" = 0 ] && [ "$(field "$r" mode)" = local ]
unplugged=$?
if [ "$way" = pci-remove ] && [ -z "$BALLOON_PROPS" ]; then
	# No hotplug, and a device without the properties (a kernel vmtest
	# boots with pci=noacpi only under KASAN, or a guest with no slot).
	r2=$(res replugged)
	[ $unplugged = 0 ] && [ "$(field "$r2" mode)" = virtio ] &&
		[ "$(field "$(res replug_inflated)" rc)" = 0 ]
	ok $? "guest-side PCI remove (no ACPI PCI hotplug) of the bound device with the balloon full returns every page; the rescanned device binds again ($r)"
	why="no ACPI PCI hotplug in this guest and a device started without deflate-on-oom/free-page-reporting"
	skip "a new device with deflate-on-oom=on binds, DEFLATE_ON_OOM negotiated" "$why"
	skip "free page reporting: free memory back to the host" "$why"
	skip "DEFLATE_ON_OOM: 64 MiB past a full balloon come from the OOM notifier" "$why"
else
	if [ "$way" = pci-remove ]; then
		ok $unplugged "guest-side PCI remove (no ACPI PCI hotplug) of the bound device with the balloon full returns every page ($r)"
		# The same device back from the rescan, with the properties the
		# host gave it at boot, bound and inflated again.
		r=$(res replugged)
		f=$(field "$r" features)
		[ "$(field "$r" mode)" = virtio ] && [ -n "$f" ] && [ $((f & 4)) -ne 0 ] &&
			[ "$(field "$(res replug_inflated)" rc)" = 0 ]
		ok $? "the rescanned device (deflate-on-oom=on from boot) binds again, DEFLATE_ON_OOM negotiated, and reaches the host's target ($r)"
	else
		ok $unplugged "hot-unplug of the bound device with the balloon full returns every page ($r)"
		r=$(res replugged)
		f=$(field "$r" features)
		[ "$(field "$r" mode)" = virtio ] && [ -n "$f" ] && [ $((f & 4)) -ne 0 ]
		ok $? "a new device with deflate-on-oom=on binds, DEFLATE_ON_OOM negotiated ($r)"
	fi
	r=$(res fpr)
	d=$(rss_drop fpr_touched fpr_reported)
	[ "$(field "$(res fpr_on)" rc)" = 0 ] && [ "$(field "$r" before)" = 0 ] &&
		[ "$(field "$r" reported)" -ge $((FPR_MIN_MB * 256)) ] &&
		[ -n "$d" ] && [ "$d" -ge $FPR_MIN_MB ]
	ok $? "free page reporting: ${d:-?} MiB of free memory back to the host (>= $FPR_MIN_MB; $r)"
	r=$(res deflate_on_oom)
	[ "$(field "$r" rc)" = 0 ] && [ "$(field "$r" kills)" = 0 ] &&
		[ "$(field "$r" oom_events)" -ge 1 ] && [ "$(field "$r" msgs)" -ge 1 ]
	ok $? "DEFLATE_ON_OOM: 64 MiB past a full balloon come from the OOM notifier, no kill, the host told ($r)"
fi

r=$(res unload)
[ "$(field "$r" rc)" = 0 ] && [ "$(field "$r" actual)" = $((TAKE_MB * 256)) ] &&
	[ "$(field "$r" deflated)" = $((TAKE_MB * 256)) ]
ok $? "unload with the balloon full returns every page ($r)"
converged unloaded
ok $? "after unload query-balloon shows the full RAM (the host was told)"

if [ $failed -ne 0 ]; then
	echo "# vmtest exit status $vm_rc; its output:"
	tail -30 "$WORK/vm.out" | sed 's/^/# /'
	grep -a 'vmlab_balloon\|virtio_balloon\|oom\|Call Trace' "$WORK/vm/console.log" 2>/dev/null |
		tail -20 | sed 's/^/# /'
fi
[ $vm_rc -eq 0 ]
ok $? "vmtest: the VM run itself passed (no splat, no leak, clean unload)"
tap_done
