#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Provide the test kernels in a cache outside the work tree.
#
#   kernels.sh deps              install missing host packages (apt-get)
#   kernels.sh fetch NAME        make kernel NAME ready, print its directory
#   kernels.sh source            extract linux-source-6.1, print its directory
#
# NAME is debian-6.1, debian-6.12, debian-7.2 or debug-6.1.  A ready kernel
# directory holds vmlinuz, build/ (the KDIR for out-of-tree modules),
# modules/ (its /lib/modules/<release>), release, and for a kernel whose
# modules must be built in a chroot, chroot (the chroot's path; build/
# points into it).  The system's apt configuration is
# never changed: backports are reached through a private sources file.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${VMLAB_CACHE:-/var/cache/vmlab}
SRC_TAR=/usr/src/linux-source-6.1.tar.xz
BPO_VERSION=${VMLAB_BPO_VERSION:-6.12.*+deb12}

log() { echo "kernels: $*" >&2; }
die() { echo "kernels: error: $*" >&2; exit 1; }

HOST_PKGS=(qemu-system-x86 busybox-static cpio linux-source-6.1 build-essential
	   bc flex bison libelf-dev libssl-dev kmod python3 xz-utils sparse
	   dwarves rsync e2fsprogs zstd debootstrap)

deps() {
	local missing=() p
	for p in "${HOST_PKGS[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		log "installing: ${missing[*]}"
		apt-get update -q >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
	fi
	qemu_deps
}

# QEMU before 8.1 translates code that another vCPU is patching (fixed by
# "accel/tcg: Always lock pages before translation"): guests oops with
# int3 while the kernel patches itself.  Bookworm has 7.2, so take QEMU
# from bookworm-backports, through private sources and lists.
QEMU_MIN=8.1
qemu_deps() {
	local have d
	have=$(dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null |
	       sed 's/^[0-9]*://; s/[+~-].*//')
	dpkg --compare-versions "${have:-0}" ge "$QEMU_MIN" && return 0
	d=$CACHE/apt-qemu
	mkdir -p "$d/lists/partial" "$d/sourceparts"
	cat > "$d/sources.list" <<-EOF
	deb http://deb.debian.org/debian bookworm main
	deb http://deb.debian.org/debian bookworm-updates main
	deb http://deb.debian.org/debian-security bookworm-security main
	deb http://deb.debian.org/debian bookworm-backports main
	EOF
	local opts=(-o "Dir::Etc::sourcelist=$d/sources.list"
		    -o "Dir::Etc::sourceparts=$d/sourceparts"
		    -o "Dir::State::Lists=$d/lists")
	log "installing QEMU >= $QEMU_MIN from bookworm-backports (have ${have:-none})"
	apt-get "${opts[@]}" update -q >&2
	DEBIAN_FRONTEND=noninteractive apt-get "${opts[@]}" install -y -q --no-install-recommends \
		-t bookworm-backports qemu-system-x86 >&2
}

# Extracted once, shared by the debug kernel, checkpatch and kselftest headers.
source_tree() {
	local ver dir
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	dir=$CACHE/src/linux-source-6.1-$ver
	if [ ! -e "$dir/.extracted" ]; then
		log "extracting $SRC_TAR"
		rm -rf "$dir" && mkdir -p "$dir"
		tar -xf "$SRC_TAR" -C "$dir" --strip-components=1
		touch "$dir/.extracted"
	fi
	echo "$dir"
}

# apt-get download into DIR, then dpkg-deb -x every .deb into DIR/root.
# Extra apt options (private lists) come from APT_OPTS.
download_extract() {
	local dir=$1; shift
	mkdir -p "$dir/debs" "$dir/root"
	(cd "$dir/debs" && apt-get "${APT_OPTS[@]}" -o APT::Sandbox::User=root download "$@" >&2)
	local deb
	for deb in "$dir"/debs/*.deb; do
		dpkg-deb -x "$deb" "$dir/root"
	done
}

# Lay out a Debian kernel extracted under $dir/root as vmlinuz/build/modules.
debian_layout() {
	local dir=$1 rel=$2 mk common
	ln -sfn "root/boot/vmlinuz-$rel" "$dir/vmlinuz"
	ln -sfn "root/lib/modules/$rel" "$dir/modules"
	ln -sfn "root/usr/src/linux-headers-$rel" "$dir/build"
	# The arch headers include the common ones by absolute /usr/src path.
	mk=$dir/root/usr/src/linux-headers-$rel/Makefile
	common=$(sed -n 's|^include /usr/src/\(linux-headers-[^/]*-common\)/Makefile$|\1|p' "$mk")
	[ -n "$common" ] && sed -i "s|/usr/src/$common|$dir/root/usr/src/$common|g" "$mk"
	# The package leaves modules.dep to its postinst: make it here.
	depmod -b "$dir/root" "$rel"
	echo "$rel" > "$dir/release"
}

# Resolve the newest linux-image-<rel>-amd64 that a metapackage depends on.
image_release() {
	apt-cache "${APT_OPTS[@]}" depends "$1" 2>/dev/null |
		sed -n 's/.*Depends: linux-image-\([0-9][^ ]*-amd64\)$/\1/p' | head -1
}

fetch_debian() {
	local name=$1 meta rel dir pkgs=()
	case $name in
	debian-6.1)
		APT_OPTS=()
		meta=linux-image-amd64
		[ -n "$(apt-cache policy "$meta" | sed -n 's/.*Candidate: //p' | grep -v none)" ] ||
			apt-get update -q >&2
		;;
	debian-6.12)
		bpo_setup
		meta=linux-image-amd64
		;;
	esac
	rel=$(image_release "$meta")
	if [ "$name" = debian-6.12 ] && [[ $rel != 6.12* ]]; then
		rel=$(apt-cache "${APT_OPTS[@]}" search --names-only "^linux-image-6\.12\..*-amd64$" |
		      sed -n 's/^linux-image-\(6\.12[^ ]*-amd64\) .*/\1/p' | grep -v unsigned | sort -V | tail -1)
	fi
	[ -n "$rel" ] || die "cannot resolve the $name kernel release"
	dir=$CACHE/kernels/$name-$rel
	if [ ! -e "$dir/.ready" ]; then
		log "downloading $name ($rel)"
		rm -rf "$dir"
		local base=${rel%-amd64}
		pkgs=("linux-image-$rel" "linux-headers-$rel" "linux-headers-$base-common")
		local kb
		kb=$(apt-cache "${APT_OPTS[@]}" depends "linux-headers-$rel" |
		     sed -n 's/.*Depends: \(linux-kbuild-[^ ]*\)$/\1/p' | head -1)
		pkgs+=("$kb")
		download_extract "$dir" "${pkgs[@]}"
		debian_layout "$dir" "$rel"
		rm -rf "$dir/debs"
		touch "$dir/.ready"
	fi
	echo "$dir"
}

# bookworm-backports through private sources and lists directories.
bpo_setup() {
	local d=$CACHE/apt
	mkdir -p "$d/lists/partial" "$d/sourceparts"
	cat > "$d/sources.list" <<-EOF
	deb http://deb.debian.org/debian bookworm-backports main
	EOF
	APT_OPTS=(-o "Dir::Etc::sourcelist=$d/sources.list"
		  -o "Dir::Etc::sourceparts=$d/sourceparts"
		  -o "Dir::State::Lists=$d/lists")
	if [ -z "$(find "$d/lists" -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null)" ]; then
		log "updating private backports lists"
		apt-get "${APT_OPTS[@]}" update -q >&2
	fi
}

# The newest kernel: Debian unstable's, pinned here.  Move SID_RELEASE to
# the next release and everything else follows.  Its kbuild tools need
# unstable's libc and compiler (gcc-16), so modules for it are built in a
# debootstrapped unstable chroot that holds its headers; the image and the
# kernel's own modules are downloaded and unpacked like the others.
SID_RELEASE=${VMLAB_SID_RELEASE:-7.2.13+deb14}
SID_MIRROR=http://deb.debian.org/debian

sid_setup() {
	local d=$CACHE/apt-sid
	mkdir -p "$d/lists/partial" "$d/sourceparts"
	echo "deb $SID_MIRROR sid main" > "$d/sources.list"
	APT_OPTS=(-o "Dir::Etc::sourcelist=$d/sources.list"
		  -o "Dir::Etc::sourceparts=$d/sourceparts"
		  -o "Dir::State::Lists=$d/lists")
	if [ -z "$(find "$d/lists" -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null)" ]; then
		log "updating private unstable lists"
		apt-get "${APT_OPTS[@]}" update -q >&2
	fi
}

# objtool reads /proc: mount it in the chroot whenever the chroot is used.
chroot_ready() {
	local ch=$1
	mountpoint -q "$ch/proc" || mount -t proc proc "$ch/proc"
}

sid_chroot() {
	local rel=$1 ch=$CACHE/chroot/sid-$1
	if [ ! -e "$ch/.ready" ]; then
		log "debootstrapping the unstable build chroot for $rel (about a minute)"
		mountpoint -q "$ch/proc" && umount "$ch/proc"
		rm -rf "$ch" && mkdir -p "$ch"
		debootstrap --variant=minbase \
			--include="make,gcc-16,libc6-dev,rsync,sparse,linux-headers-$rel" \
			sid "$ch" "$SID_MIRROR" >&2
		touch "$ch/.ready"
	fi
	chroot_ready "$ch"
	echo "$ch"
}

fetch_sid() {
	local rel=$SID_RELEASE-amd64 dir ch img
	dir=$CACHE/kernels/debian-7.2-$rel
	ch=$(sid_chroot "$rel")
	if [ ! -e "$dir/.ready" ]; then
		sid_setup
		log "downloading debian-7.2 ($rel)"
		rm -rf "$dir"
		download_extract "$dir" "linux-binary-$rel" "linux-modules-$rel" "linux-base-$rel"
		img=$(cd "$dir" && find root -name "vmlinuz*" -type f | head -1)
		[ -n "$img" ] || die "no vmlinuz in linux-binary-$rel"
		ln -sfn "$img" "$dir/vmlinuz"
		ln -sfn "$(cd "$dir" && find root -type d -path "*/modules/$rel" | head -1)" "$dir/modules"
		ln -sfn "$ch/usr/src/linux-headers-$rel" "$dir/build"
		depmod -b "$dir/root$( [ -d "$dir/root/usr/lib/modules" ] && echo /usr)" "$rel"
		echo "$ch" > "$dir/chroot"
		echo "$rel" > "$dir/release"
		rm -rf "$dir/debs"
		touch "$dir/.ready"
	fi
	echo "$dir"
}

# tinyconfig + debug.config, keyed by the fragment and the source version.
fetch_debug() {
	local src ver key dir cfg
	src=$(source_tree)
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	key=$( (echo "$ver"; cat "$HERE/debug.config") | sha256sum | cut -c1-12)
	dir=$CACHE/kernels/debug-6.1-$key
	if [ -e "$dir/.ready" ]; then
		echo "$dir"
		return
	fi
	log "building debug-6.1 ($key) in $dir: about 12 minutes on 2 cores"
	rm -rf "$dir" && mkdir -p "$dir"
	cp -a "$src/." "$dir/build"
	rm -f "$dir/build/.extracted"
	(
		cd "$dir/build"
		make -s ARCH=x86_64 tinyconfig
		scripts/kconfig/merge_config.sh -m .config "$HERE/debug.config" >/dev/null
		make -s ARCH=x86_64 olddefconfig
		# merge_config only warns when Kconfig drops a symbol: refuse instead.
		cfg=$(grep -E '^CONFIG_' "$HERE/debug.config")
		local line bad=0
		while read -r line; do
			grep -qxF "$line" .config || { echo "kernels: missing $line" >&2; bad=1; }
		done <<< "$cfg"
		[ $bad -eq 0 ] || exit 1
		make -s -j"$(nproc)" ARCH=x86_64 bzImage
		make -s -j"$(nproc)" ARCH=x86_64 modules
		make -s ARCH=x86_64 INSTALL_MOD_PATH="$dir/root" modules_install
	) >&2 || die "debug kernel build failed (log above)"
	local rel
	rel=$(cat "$dir/build/include/config/kernel.release")
	ln -sfn build/arch/x86/boot/bzImage "$dir/vmlinuz"
	ln -sfn "root/lib/modules/$rel" "$dir/modules"
	echo "$rel" > "$dir/release"
	touch "$dir/.ready"
	echo "$dir"
}

case ${1:-} in
deps)	deps ;;
source)	source_tree ;;
fetch)
	case ${2:-} in
	debian-6.1|debian-6.12) fetch_debian "$2" ;;
	debian-7.2) fetch_sid ;;
	debug-6.1) fetch_debug ;;
	*) die "unknown kernel '${2:-}' (debian-6.1, debian-6.12, debian-7.2, debug-6.1)" ;;
	esac ;;
*)	die "usage: kernels.sh deps | source | fetch NAME" ;;
esac
