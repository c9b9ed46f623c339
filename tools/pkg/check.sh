#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmlab's packaging, tested the way a user installs vmlab
# (Documentation/install.rst).  TAP on stdout; non-zero exit on a failure.
#
#   tools/pkg/check.sh [dkms] [deb] [vm]      (default: all three)
#
# dkms  DKMS builds the five runtime modules (`make dkms-src`, then
#       `dkms add` and `dkms build` in private trees under .build/pkg/)
#       against the cached headers of debian-6.1 and debian-6.12 on the
#       host; every module must carry VERSION as its version.  debian-7.2's
#       DKMS build, with unstable's compiler, is the one the package
#       installation below runs (a third build for the debug kernel, with
#       the same compiler and source, cost 38 s of make check and found
#       nothing those two and the build stage do not).
# deb   `make deb` builds vmlab-dkms, vmlab-tools and vmlab-tests; apt
#       installs them in a throwaway root over the unstable chroot
#       (tools/pkg/sidroot.sh), where vmlab-dkms's postinst has DKMS build
#       and install the modules for the linux-headers package installed
#       there (debian-7.2) and depmod them (a first depmod stands in for
#       the kernel image's postinst); modprobe --show-depends puts
#       vmlab_core before vmlab_samepage; the programs and kselftests are
#       in place; purging vmlab-dkms removes the modules again.
# vm    `make install` for debian-6.1 into a scratch root (INSTALL_MOD_PATH
#       and DESTDIR), then in debian-6.1's VM, with that depmod'ed tree as
#       the guest's /lib/modules (vmtest --modules-tree), `modprobe
#       vmlab_samepage` loads vmlab_core first and `modprobe vmlab_tlbstat`
#       and `vmlabctl status` work.
# The tests' functions run through check(), which shellcheck cannot see.
# shellcheck disable=SC2317
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KERNELS=$ROOT/tools/vmtest/kernels.sh
WORK=$ROOT/.build/pkg
LOGS=$WORK/logs
VERSION=$(cat "$ROOT/VERSION")
MODS=(core samepage balloon dax tlbstat)
JOBS=${VMLAB_JOBS:-2}

cd "$ROOT"
mkdir -p "$LOGS"
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() {
	n=$((n + 1)) failed=1
	echo "not ok $n $1${2:+ (log: $2)}"
	if [ -n "${2:-}" ] && [ -f "$2" ]; then tail -n 15 "$2" | sed 's/^/# /'; fi
}
# check DESCRIPTION LOG COMMAND...: one test, its output in LOG.
check() {
	local what=$1 log=$2
	shift 2
	if "$@" >> "$log" 2>&1; then ok "$what"; else not_ok "$what" "$log"; fi
}

kdir() { "$KERNELS" fetch "$1" 2>> "$LOGS/kernels.log" | tail -1; }

# SIDROOT: the throwaway root over the unstable chroot, mounted by the
# first stage that needs it (not in a subshell) and removed on exit.
SIDROOT=
RUN=$WORK/sidroot
sidroot() {
	[ -z "$SIDROOT" ] || return 0
	tools/pkg/sidroot.sh down "$RUN"
	trap 'tools/pkg/sidroot.sh down "$RUN"' EXIT
	SIDROOT=$(tools/pkg/sidroot.sh up "$RUN" 2> "$LOGS/sidroot.log")
}

# versions_ok DIR: DIR holds the five modules, each with VERSION as its
# version (MODULE_VERSION from the VERSION file through Kbuild).
versions_ok() {
	local m f v
	for m in "${MODS[@]}"; do
		f=$(find "$1" -name "vmlab_$m.ko*" | head -n 1)
		[ -n "$f" ] || { echo "vmlab_$m.ko missing in $1"; return 1; }
		v=$(/sbin/modinfo -F version "$f")
		[ "$v" = "$VERSION" ] || { echo "$f: version '$v', not '$VERSION'"; return 1; }
	done
}

# dkms_build SRCTREE DKMSTREE RELEASE KERNEL-BUILD-DIR [ROOT]: dkms build,
# in the chroot ROOT if given (the trees are paths inside it then), and
# the five modules, at VERSION, in its result.
dkms_build() {
	local src=$1 tree=$2 rel=$3 kb=$4 root=${5:-} pre=()
	[ -z "$root" ] || pre=(chroot "$root")
	"${pre[@]}" dkms build -m vmlab -v "$VERSION" -k "$rel" --kernelsourcedir "$kb" \
		--sourcetree "$src" --dkmstree "$tree" -j "$JOBS" &&
		versions_ok "$root$tree/vmlab/$VERSION/$rel"
}

stage_dkms() {
	local k dir rel log src=$WORK/dkms/usr/src tree=$WORK/dkms/tree
	rm -rf "$WORK/dkms"
	mkdir -p "$tree"
	if ! { make -s dkms-src DESTDIR="$WORK/dkms" &&
		dkms add -m vmlab -v "$VERSION" --sourcetree "$src" --dkmstree "$tree"; } \
		> "$LOGS/dkms-add.log" 2>&1; then
		for k in debian-6.1 debian-6.12; do
			not_ok "dkms build on $k (make dkms-src or dkms add failed)" "$LOGS/dkms-add.log"
		done
		return
	fi
	for k in debian-6.1 debian-6.12; do
		dir=$(kdir "$k")
		rel=$(cat "$dir/release")
		log=$LOGS/dkms-$k.log
		: > "$log"
		check "dkms build on $k, every module at version $VERSION" "$log" \
			dkms_build "$src" "$tree" "$rel" "$dir/build"
	done
}

# modprobe_order ROOT RELEASE: kmod's modprobe, reading ROOT's modules.dep,
# would insert vmlab_core before vmlab_samepage.
modprobe_order() {
	local order
	order=$(chroot "$1" modprobe --show-depends -S "$2" vmlab_samepage)
	echo "$order"
	echo "$order" | grep -o 'vmlab_[a-z]*\.ko' | tr '\n' ' ' |
		grep -qx 'vmlab_core\.ko vmlab_samepage\.ko '
}

# installed_files ROOT: vmlab-tools' programs and vmlab-tests' suites, in
# the kernel's kselftest layout: run_kselftest.sh -l, run in ROOT, lists
# every suite, and each has its settings and config.
installed_files() {
	local p s f list ksft=/usr/lib/vmlab/kselftests
	for p in vmlabctl vmlab-samepage vmlab-balloon vmlab-dax vmlab-tlbstat; do
		[ -x "$1/usr/bin/$p" ] || { echo "no /usr/bin/$p"; return 1; }
	done
	for f in run_kselftest.sh kselftest/runner.sh; do
		[ -x "$1$ksft/$f" ] || { echo "no $ksft/$f"; return 1; }
	done
	list=$(chroot "$1" "$ksft/run_kselftest.sh" -l) || { echo "run_kselftest.sh -l failed"; return 1; }
	echo "$list"
	for s in selftests/*/Makefile; do
		s=$(basename "$(dirname "$s")")
		for f in settings config; do
			[ -r "$1$ksft/$s/$f" ] || { echo "no kselftest suite $s ($ksft/$s/$f)"; return 1; }
		done
		echo "$list" | grep -q "^$s:" || { echo "run_kselftest.sh -l lists no $s test"; return 1; }
	done
}

# purged ROOT MODDIR: the packages purge, and DKMS's modules go with them.
purged() {
	chroot "$1" apt-get purge -y vmlab-dkms vmlab-tools vmlab-tests &&
		! ls "$2"/vmlab_* 2> /dev/null
}

stage_deb() {
	local root debs=() rel log dkmsdir p f
	: > "$LOGS/deb.log"
	check "make deb builds vmlab-dkms, vmlab-tools and vmlab-tests" "$LOGS/deb.log" \
		env VMLAB_DEB_OUT="$WORK/deb" make -s deb
	for p in vmlab-dkms vmlab-tools vmlab-tests; do
		f=$(ls "$WORK/deb/${p}_${VERSION}"_*.deb 2>/dev/null || true)
		[ -z "$f" ] || debs+=("$f")
	done
	if ! sidroot; then
		for _ in 1 2 3 4 5; do
			not_ok "installing the packages: no unstable root" "$LOGS/sidroot.log"
		done
		return
	fi

	root=$SIDROOT
	rel=$(cat "$(kdir debian-7.2)/release")
	log=$LOGS/deb-install.log
	: > "$log"
	# The root has the kernel's headers but not its image, whose postinst
	# would have run depmod: without a modules.dep, DKMS leaves depmod out.
	chroot "$root" depmod -a "$rel" >> "$log" 2>&1 || true
	if [ ${#debs[@]} -eq 3 ]; then
		mkdir -p "$root/tmp/debs"
		cp "${debs[@]}" "$root/tmp/debs/"
		check "apt installs the three packages in an unstable root with linux-headers-$rel" \
			"$log" chroot "$root" env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends \
			"/tmp/debs/$(basename "${debs[0]}")" "/tmp/debs/$(basename "${debs[1]}")" \
			"/tmp/debs/$(basename "${debs[2]}")"
	else
		not_ok "apt installs the three packages (make deb made none)" "$LOGS/deb.log"
	fi
	dkmsdir=$root/lib/modules/$rel/updates/dkms
	check "DKMS built and installed every module for $rel (debian-7.2), at version $VERSION" \
		"$log" versions_ok "$dkmsdir"
	check "depmod'ed: modprobe --show-depends vmlab_samepage loads vmlab_core first" \
		"$log" modprobe_order "$root" "$rel"
	check "vmlab-tools' programs and vmlab-tests' suites are installed" \
		"$log" installed_files "$root"
	check "purging the packages removes the modules" "$log" purged "$root" "$dkmsdir"
}

# What the guest runs: modprobe resolves vmlab_core from the installed
# tree's modules.dep; the holders link shows samepage is bound to it.
# shellcheck disable=SC2016 # expanded in the guest
VM_CMD='set -e
modprobe vmlab_samepage
test -e /sys/module/vmlab_core/holders/vmlab_samepage
echo "pkgcheck: vmlab_core $(cat /sys/module/vmlab_core/version) held by $(ls /sys/module/vmlab_core/holders)"
modprobe vmlab_tlbstat
vmlabctl status > /dev/null
echo "pkgcheck: done"'

# installed DIR RELEASE INST: make install for the kernel in DIR into INST.
installed() {
	# User space builds in the tree, as vmtest's runs beside this one do:
	# under their lock.
	flock "$ROOT/.build/userspace.lock" make -j"$JOBS" install KDIR="$1/build" \
		OUT="$WORK/modules-debian-6.1" \
		INSTALL_MOD_PATH="$3" DESTDIR="$3" PREFIX=/usr &&
		versions_ok "$3/lib/modules/$2/updates/vmlab" &&
		grep -E "^updates/vmlab/(.*/)?vmlab_samepage.ko:.*/vmlab_core.ko" \
			"$3/lib/modules/$2/modules.dep" &&
		test -x "$3/usr/bin/vmlabctl"
}

# modprobe_in_vm TREE: VM_CMD in debian-6.1's VM, TREE as its vmlab modules.
modprobe_in_vm() {
	tools/vmtest/vmtest --kernel debian-6.1 --modules-tree "$1" --no-load --quiet \
		--log "$WORK/vm" --cmd-timeout 120 --cmd "$VM_CMD" &&
		grep "pkgcheck: vmlab_core $VERSION held by vmlab_samepage" "$WORK/vm/tests.log" &&
		grep -q "pkgcheck: done" "$WORK/vm/tests.log"
}

stage_vm() {
	local dir rel inst=$WORK/install log=$LOGS/make-install.log vlog=$LOGS/vm.log
	dir=$(kdir debian-6.1)
	rel=$(cat "$dir/release")
	rm -rf "$inst"
	: > "$log"
	: > "$vlog"
	check "make install for debian-6.1: modules, modules.dep and programs in a scratch root" \
		"$log" installed "$dir" "$rel" "$inst"
	check "in debian-6.1's VM, modprobe vmlab_samepage loads vmlab_core first from that tree" \
		"$vlog" modprobe_in_vm "$inst/lib/modules/$rel"
}

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(dkms deb vm)
plan=0
for st in "${stages[@]}"; do
	case $st in
	dkms) plan=$((plan + 2)) ;;
	deb) plan=$((plan + 6)) ;;
	vm) plan=$((plan + 2)) ;;
	*) echo "usage: $0 [dkms] [deb] [vm]" >&2; exit 2 ;;
	esac
done
echo "TAP version 13"
echo "1..$plan"
for st in "${stages[@]}"; do
	t=$SECONDS
	case $st in
	dkms) stage_dkms ;;
	deb) stage_deb ;;
	vm) stage_vm ;;
	esac
	echo "# $st took $((SECONDS - t)) s"
done
exit $failed
