#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fuzz.sh [-k KERNEL] [-m MINUTES] [-s SEED]: make fuzz.  Boots the debug
# kernel's VM with every vmlab module loaded and runs trinity there
# (tools/fuzz/vmlab-fuzz), aimed at the vmlab device nodes and debugfs
# files.  The harness fails the run on any splat (KASAN, lockdep,
# kmemleak, WARN, BUG) in the guest log.  See Documentation/soak.rst.

set -e
cd "$(dirname "$0")/../.."

kernel=debug-7.2
minutes=1
seed=
usage() {
	echo "usage: tools/fuzz/fuzz.sh [-k KERNEL] [-m MINUTES] [-s SEED]" >&2
	exit 2
}
while getopts k:m:s:h opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	m) minutes=$OPTARG ;;
	s) seed=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
case $minutes in '' | *[!0-9]* | 0) usage ;; esac
case $seed in *[!0-9]*) usage ;; esac
seed=${seed:-$(date +%s)}

# Debian's trinity: one binary and libc, which vmtest --binary copies in.
if ! command -v trinity > /dev/null; then
	echo "fuzz.sh: installing trinity" >&2
	apt-get install -y -q trinity > /dev/null
fi

secs=$((minutes * 60))
echo "fuzz.sh: $kernel, $minutes min, seed $seed"
# The guest's own start and trinity's teardown need time beyond the run.
exec tools/vmtest/vmtest --kernel "$kernel" --boot-timeout 1500 --binary trinity \
	--binary tools/fuzz/vmlab-fuzz --cmd "vmlab-fuzz $secs $seed" \
	--cmd-timeout $((secs + 300))
