#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The real test of persistence, host side: boot with a QEMU NVDIMM backed
# by a host file, append acknowledged records to a log on /dev/vmlab_dax0,
# kill QEMU with SIGKILL mid-stream, boot again on the same file, and check
# that every record acknowledged before the kill is there, intact.
#
#   selftests/dax/vmhost_nvdimm.sh [--kernel debian-6.1]
#
# Prints TAP and a final "N passed, N failed, N skipped" line; exits non-zero on failure.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tools/vmtest/vmhost_lib.sh
. tools/vmtest/vmhost_lib.sh
WORK=$(mktemp -d /tmp/vmlab-nvdimm.XXXXXX)
IMG=$WORK/nvdimm.img
SIZE=128M
LOG="-s 0x6000000"		# a 96 MiB log at offset 0
ACKS_BEFORE_KILL=2000
vm_pid=

cleanup() {
	[ -n "$vm_pid" ] && kill "$vm_pid" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

echo "TAP version 13"
echo "1..4"
truncate -s $SIZE "$IMG"

# No memmap= range (so the NVDIMM is the backing); nfit makes it visible.
common=(--kernel "$KERNEL" --nvdimm "$IMG:$SIZE" --kmod nfit --append nokaslr
	--modules dax --no-kunit --quiet)

# Boot 1: append until killed.
"$VMTEST" "${common[@]}" --log "$WORK/boot1" --cmd-timeout 600 \
	--cmd "vmlab-dax info; vmlab-dax log-init $LOG && vmlab-dax log-append 1000000 $LOG --delay-us 100" \
	> "$WORK/boot1.out" 2>&1 &
vm_pid=$!
last=-1
for _ in $(seq 3000); do
	sleep 0.2
	last=$(grep -ao 'ack [0-9]*' "$WORK/boot1/tests.log" 2>/dev/null | tail -1 | cut -d' ' -f2)
	last=${last:--1}
	[ "$last" -ge $ACKS_BEFORE_KILL ] && break
	kill -0 "$vm_pid" 2>/dev/null || break
done
grep -aq '^persistent 1' "$WORK/boot1/tests.log" 2>/dev/null
ok $? "boot 1: the backing is the persistent NVDIMM"
# QEMU is the process whose command line names our private image file.
qemu=$(pgrep -f "mem-path=$IMG" | head -1)
last=$(grep -ao 'ack [0-9]*' "$WORK/boot1/tests.log" 2>/dev/null | tail -1 | cut -d' ' -f2)
last=${last:--1}
if [ -n "$qemu" ] && [ "$last" -ge 0 ]; then
	kill -KILL "$qemu"
	echo "# SIGKILL to QEMU after record $last was acknowledged"
	ok 0 "boot 1: $((last + 1)) records acknowledged, QEMU killed mid-stream"
else
	ok 1 "boot 1: no acknowledged records or no QEMU to kill (see $WORK/boot1.out)"
	tail -20 "$WORK/boot1.out" | sed 's/^/# /'
fi
wait "$vm_pid" 2>/dev/null
vm_pid=

# Boot 2: the same file; every acknowledged record must be there.
"$VMTEST" "${common[@]}" --log "$WORK/boot2" \
	--cmd "vmlab-dax log-check $LOG --expect-min $((last + 1))" > "$WORK/boot2.out" 2>&1
rc=$?
sed -n 's/^\(records .*\)/# \1/p' "$WORK/boot2/tests.log"
ok $rc "boot 2: vmtest and the checker pass"
got=$(sed -n 's/^records \([0-9]*\), bad 0$/\1/p' "$WORK/boot2/tests.log" | head -1)
[ -n "$got" ] && [ "$got" -ge $((last + 1)) ]
ok $? "boot 2: ${got:-no} intact records >= $((last + 1)) acknowledged"
[ $failed -ne 0 ] && tail -30 "$WORK/boot2.out" | sed 's/^/# /'

tap_done
