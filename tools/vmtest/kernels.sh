#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Provide the test kernels in a cache outside the work tree.
#
#   kernels.sh deps              install missing host packages (apt-get)
#   kernels.sh fetch NAME        make kernel NAME ready, print its directory
#   kernels.sh source [7.2]      extract linux-source-6.1 (or unstable's
#                                linux-source-7.2, in its chroot), print its directory
#
# NAME is debian-6.1, debian-6.12, debian-7.2, debug-6.1 or debug-7.2.  A ready kernel
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
	   dwarves rsync e2fsprogs zstd debootstrap trinity libxxhash-dev
	   python3-sphinx python3-docutils python3-yaml debhelper dkms dh-dkms)

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
	local have
	have=$(dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null |
	       sed 's/^[0-9]*://; s/[+~-].*//')
	dpkg --compare-versions "${have:-0}" ge "$QEMU_MIN" && return 0
	private_apt apt-qemu \
		"deb http://deb.debian.org/debian bookworm main" \
		"deb http://deb.debian.org/debian bookworm-updates main" \
		"deb http://deb.debian.org/debian-security bookworm-security main" \
		"deb http://deb.debian.org/debian bookworm-backports main"
	log "installing QEMU >= $QEMU_MIN from bookworm-backports (have ${have:-none})"
	DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" install -y -q --no-install-recommends \
		-t bookworm-backports qemu-system-x86 >&2
}

# extract_once TARBALL DIR: unpack a linux-source tarball into DIR unless a
# complete unpack is already there.
extract_once() {
	local tar=$1 dir=$2
	[ -e "$dir/.extracted" ] && return 0
	log "extracting $tar"
	rm -rf "$dir" && mkdir -p "$dir"
	tar -xf "$tar" -C "$dir" --strip-components=1
	touch "$dir/.extracted"
}

# Extracted once, shared by the debug kernel, checkpatch and kselftest headers.
source_tree() {
	local ver dir
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	dir=$CACHE/src/linux-source-6.1-$ver
	extract_once "$SRC_TAR" "$dir"
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

# private_apt NAME "deb ..." ...: point APT_OPTS at a sources file and a
# lists directory of our own under $CACHE/NAME (the system's apt
# configuration is never touched), updating the lists once a day.
private_apt() {
	local d=$CACHE/$1
	shift
	mkdir -p "$d/lists/partial" "$d/sourceparts"
	printf '%s\n' "$@" > "$d/sources.list"
	APT_OPTS=(-o "Dir::Etc::sourcelist=$d/sources.list"
		  -o "Dir::Etc::sourceparts=$d/sourceparts"
		  -o "Dir::State::Lists=$d/lists")
	if [ -z "$(find "$d/lists" -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null)" ]; then
		log "updating the private lists in $d"
		apt-get "${APT_OPTS[@]}" update -q >&2
	fi
}

bpo_setup() {
	private_apt apt "deb http://deb.debian.org/debian bookworm-backports main"
}

# The newest kernel: Debian unstable's, pinned here.  Move SID_RELEASE to
# the next release and everything else follows.  Its kbuild tools need
# unstable's libc and compiler (gcc-16), so modules for it are built in a
# debootstrapped unstable chroot that holds its headers; the image and the
# kernel's own modules are downloaded and unpacked like the others.
SID_RELEASE=${VMLAB_SID_RELEASE:-7.2.13+deb14}
SID_MIRROR=http://deb.debian.org/debian
# The debug-7.2 kernel's source: unstable's linux-source-<series>, this version.
SID_SOURCE_VERSION=${VMLAB_SID_SOURCE_VERSION:-7.2.13-1}

sid_setup() {
	private_apt apt-sid "deb $SID_MIRROR sid main"
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

# The lines of config fragments as merge_config.sh merges them: per symbol,
# the last "CONFIG_X=v" or "# CONFIG_X is not set" line, in first-seen order.
fragment_lines() {
	awk '{ s = "" }
	     /^CONFIG_[A-Za-z0-9_]+=/ { s = $0; sub(/=.*/, "", s) }
	     /^# CONFIG_[A-Za-z0-9_]+ is not set$/ { s = $2 }
	     s != "" { if (!(s in v)) o[n++] = s; v[s] = $0 }
	     END { for (i = 0; i < n; i++) print v[o[i]] }' "$@"
}

# merge_config only warns when Kconfig drops a symbol: refuse instead.
# check_config CONFIG FRAGMENT...: every CONFIG_X=v line of the fragments is
# in CONFIG, and every "# CONFIG_X is not set" symbol is not set there.
check_config() {
	local cfg=$1 line sym bad=0
	shift
	while read -r line; do
		case $line in
		CONFIG_*)
			grep -qxF "$line" "$cfg" || { echo "kernels: missing $line" >&2; bad=1; } ;;
		*)
			sym=${line#\# }; sym=${sym%% *}
			if grep -q "^$sym=" "$cfg"; then
				echo "kernels: set, though the fragment unsets it: $(grep "^$sym=" "$cfg")" >&2
				bad=1
			fi ;;
		esac
	done < <(fragment_lines "$@")
	return $bad
}

# tinyconfig + debug.config, keyed by the fragment and the source version.
fetch_debug() {
	local src ver key dir
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
	# set -e does not apply in a subshell tested with ||: chain the steps.
	(
		cd "$dir/build" &&
		make -s ARCH=x86_64 tinyconfig &&
		scripts/kconfig/merge_config.sh -m .config "$HERE/debug.config" >/dev/null &&
		make -s ARCH=x86_64 olddefconfig &&
		check_config .config "$HERE/debug.config" &&
		make -s -j"$(nproc)" ARCH=x86_64 bzImage &&
		make -s -j"$(nproc)" ARCH=x86_64 modules &&
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

# The debug kernel from the newest source: unstable's linux-source-7.2,
# built in the unstable chroot with its gcc-16, so that the kernel and the
# modules the harness builds for it (in the same chroot) share one compiler.

# What the kernel's own build needs in the chroot beyond sid_chroot's set.
SID_KBUILD_PKGS=(bc flex bison libelf-dev libssl-dev python3 kmod cpio xz-utils)

# Run a command in the chroot with a clean environment (no host TMPDIR,
# MAKEFLAGS or locale leaking in).
in_chroot() {
	local ch=$1
	shift
	chroot "$ch" /usr/bin/env -i HOME=/root LC_ALL=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

# Install, with the chroot's own apt (pointed at unstable), whatever of the
# kernel build packages and the pinned linux-source is missing; nothing when
# all is there.
sid_kbuild_deps() {
	local ch=$1 missing=() p series=${SID_RELEASE%.*}
	# shellcheck disable=SC2016 # dpkg-query's format, not the shell's
	for p in "${SID_KBUILD_PKGS[@]}"; do
		in_chroot "$ch" dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	# shellcheck disable=SC2016
	[ "$(in_chroot "$ch" dpkg-query -W -f='${Status} ${Version}' "linux-source-$series" 2>/dev/null)" = \
	  "install ok installed $SID_SOURCE_VERSION" ] ||
		missing+=("linux-source-$series=$SID_SOURCE_VERSION")
	[ ${#missing[@]} -gt 0 ] || return 0
	log "installing in the unstable chroot: ${missing[*]}"
	local apt=(in_chroot "$ch" env DEBIAN_FRONTEND=noninteractive
		   apt-get install -y -q --no-install-recommends "${missing[@]}")
	"${apt[@]}" >&2 || { in_chroot "$ch" apt-get update -q >&2 && "${apt[@]}" >&2; } ||
		die "cannot install ${missing[*]} in $ch"
}

# linux-source-7.2 extracted once in the chroot; prints its path on the host.
sid_source_tree() {
	local ch=$1 series=${SID_RELEASE%.*} dir
	sid_kbuild_deps "$ch"
	dir=$ch/usr/src/linux-source-$SID_SOURCE_VERSION
	extract_once "$ch/usr/src/linux-source-$series.tar.xz" "$dir"
	echo "$dir"
}

# tinyconfig + debug.config + debug-7.2.config, built in the chroot, keyed by
# the source version, the chroot, its compiler and the two fragments.  The
# tree and the installed modules live in the chroot ($kd); the kernel
# directory links to them, so that build/ resolves to a path in the chroot.
fetch_debug_sid() {
	local ch src key dir kd ik rel
	ch=$(sid_chroot "$SID_RELEASE-amd64")
	src=$(sid_source_tree "$ch")
	key=$( (echo "$SID_SOURCE_VERSION"; echo "$ch"; in_chroot "$ch" gcc-16 --version | head -1
		cat "$HERE/debug.config" "$HERE/debug-7.2.config") | sha256sum | cut -c1-12)
	dir=$CACHE/kernels/debug-7.2-$key
	ik=/usr/src/vmlab-debug-7.2-$key	# in the chroot
	kd=$ch$ik
	# The chroot may have been made afresh since: then build again.
	if [ -e "$dir/.ready" ] && [ -e "$dir/build/vmlinux" ]; then
		echo "$dir"
		return
	fi
	log "building debug-7.2 ($key) in $kd: about 20 CPU-minutes (28 min on 2 shared cores)"
	rm -rf "$dir" "$kd" && mkdir -p "$dir" "$kd"
	cp -a "$src/." "$kd/build"
	rm -f "$kd/build/.extracted"
	cp "$HERE/debug.config" "$HERE/debug-7.2.config" "$kd/"
	# Debian's top Makefile includes .kernelvariables: the compiler is named
	# there so that kbuild for out-of-tree modules picks gcc-16 too (the
	# chroot has no plain gcc).
	printf 'CC = gcc-16\nHOSTCC = gcc-16\n' > "$kd/build/.kernelvariables"
	# set -e does not apply in a list tested with ||: chain the steps.
	local mk=(make -C "$ik/build" -s ARCH=x86_64)
	{
		in_chroot "$ch" "${mk[@]}" tinyconfig &&
		in_chroot "$ch" sh -c "cd $ik/build && scripts/kconfig/merge_config.sh -m .config \
			$ik/debug.config $ik/debug-7.2.config" >/dev/null &&
		in_chroot "$ch" "${mk[@]}" olddefconfig &&
		check_config "$kd/build/.config" "$HERE/debug.config" "$HERE/debug-7.2.config" &&
		in_chroot "$ch" "${mk[@]}" -j"$(nproc)" bzImage &&
		in_chroot "$ch" "${mk[@]}" -j"$(nproc)" modules &&
		in_chroot "$ch" "${mk[@]}" INSTALL_MOD_PATH="$ik/root" modules_install
	} >&2 || die "debug-7.2 kernel build failed (log above)"
	rel=$(cat "$kd/build/include/config/kernel.release")
	[ -d "$kd/root/lib/modules/$rel" ] || die "no modules installed for $rel in $kd/root"
	ln -sfn "$kd/build" "$dir/build"
	ln -sfn build/arch/x86/boot/bzImage "$dir/vmlinuz"
	ln -sfn "$kd/root/lib/modules/$rel" "$dir/modules"
	echo "$ch" > "$dir/chroot"
	echo "$rel" > "$dir/release"
	touch "$dir/.ready"
	echo "$dir"
}

# One kernels.sh at a time changes the cache: two builds of one kernel
# (a make check stage and a hand run) share its build directory, and one
# re-extracting the source under the other broke it (2026-12-02).  A
# cached kernel is found at once, so the wait is only ever for a build.
case ${1:-} in
source|fetch)
	mkdir -p "$CACHE"
	exec 9> "$CACHE/.kernels.lock"
	if ! flock -n 9; then
		log "waiting for another kernels.sh (a build) to finish"
		flock 9
	fi ;;
esac

case ${1:-} in
deps)	deps ;;
source)
	case ${2:-} in
	''|6.1) source_tree ;;
	7.2) sid_source_tree "$(sid_chroot "$SID_RELEASE-amd64")" ;;
	*) die "unknown source '$2' (6.1, 7.2)" ;;
	esac ;;
fetch)
	case ${2:-} in
	debian-6.1|debian-6.12) fetch_debian "$2" ;;
	debian-7.2) fetch_sid ;;
	debug-6.1) fetch_debug ;;
	debug-7.2) fetch_debug_sid ;;
	*) die "unknown kernel '${2:-}' (debian-6.1, debian-6.12, debian-7.2, debug-6.1, debug-7.2)" ;;
	esac ;;
*)	die "usage: kernels.sh deps | source [6.1|7.2] | fetch NAME" ;;
esac
