#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A throwaway root file system on top of the cached Debian unstable chroot
# in which vmlab is built for debian-7.2 (tools/vmtest/kernels.sh), to
# install vmlab's packages in:
#
#   tools/pkg/sidroot.sh up DIR     mount DIR/root: the sid chroot, plus a
#                                   layer with dkms installed (made once,
#                                   cached in $VMLAB_CACHE/pkg/), plus
#                                   DIR/upper for this run's changes
#   tools/pkg/sidroot.sh down DIR   unmount DIR/root and remove DIR
#
# Overlayfs keeps every change out of the cached chroot, which the 7.2
# module builds go on using.  The dkms layer is made again when the chroot's
# package list changes.  DIR/upper and DIR/work must share a file system
# (overlayfs), as anywhere under .build/ or $VMLAB_CACHE does.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${VMLAB_CACHE:-/var/cache/vmlab}

die() { echo "sidroot: $*" >&2; exit 1; }

sid_chroot() {
	local kdir
	kdir=$("$ROOT/tools/vmtest/kernels.sh" fetch debian-7.2 | tail -1)
	[ -e "$kdir/chroot" ] || die "debian-7.2 has no build chroot ($kdir)"
	cat "$kdir/chroot"
}

# mount_root LOWER UPPER WORK MERGED: an overlay, with /proc (dpkg's
# maintainer scripts and objtool read it).
mount_root() {
	mkdir -p "$2" "$3" "$4"
	mount -t overlay overlay -o "lowerdir=$1,upperdir=$2,workdir=$3" "$4"
	mount -t proc proc "$4/proc"
}

# A build's last processes may still hold the root for a moment after
# dkms returns: try a few times, then detach it lazily.
umount_root() {
	local m i
	for m in "$1/proc" "$1"; do
		for i in 1 2 3 4 5; do
			mountpoint -q "$m" || break
			umount "$m" 2> /dev/null || sleep "$i"
		done
		if mountpoint -q "$m"; then umount -l "$m"; fi
	done
}

# The dkms layer: the packages DKMS needs, from the chroot's own sid
# sources, installed once.  The mirror's sid Release may be past its
# Valid-Until by the time the layer is (re)made; that date guards against
# replayed metadata, which a test chroot need not fear.
dkms_layer() {
	local sid=$1 layer=$2 key
	key=$(sha1sum < "$sid/var/lib/dpkg/status" | cut -c1-12)
	[ "$(cat "$layer/ready" 2>/dev/null)" = "$key" ] && return
	echo "sidroot: installing dkms in a layer over $sid (once)" >&2
	umount_root "$layer/root"
	rm -rf "$layer"
	mount_root "$sid" "$layer/upper" "$layer/work" "$layer/root"
	cp /etc/resolv.conf "$layer/root/etc/resolv.conf"
	if ! chroot "$layer/root" sh -c 'apt-get -o Acquire::Check-Valid-Until=false update -q &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			dkms openssl && apt-get clean' > "$layer.log" 2>&1; then
		umount_root "$layer/root"
		tail -n 20 "$layer.log" >&2
		die "could not install dkms in the layer (log: $layer.log)"
	fi
	umount_root "$layer/root"
	echo "$key" > "$layer/ready"
}

up() {
	local dir=$1 sid layer
	sid=$(sid_chroot)
	layer=$CACHE/pkg/$(basename "$sid")-dkms
	mkdir -p "$CACHE/pkg"
	exec 9> "$layer.lock"
	flock 9
	dkms_layer "$sid" "$layer"
	mount_root "$layer/upper:$sid" "$dir/upper" "$dir/work" "$dir/root"
	echo "$dir/root"
}

down() {
	umount_root "$1/root"
	rm -rf --one-file-system "$1"
}

case ${1:-} in
up | down) [ $# -eq 2 ] || die "usage: $0 up|down DIR"; "$1" "$(realpath -m "$2")" ;;
*) die "usage: $0 up|down DIR" ;;
esac
