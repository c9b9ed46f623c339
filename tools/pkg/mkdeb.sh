#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make deb`: the vmlab-dkms, vmlab-tools and vmlab-tests packages, in
# .build/deb/ (or $VMLAB_DEB_OUT).
#
# dpkg-buildpackage writes into debian/ and into the source tree's parent
# directory, so it runs in a copy of the tree under the output directory:
# the files git tracks or would track, as they are in the work tree now
# (uncommitted changes included).  The work tree gets no build output.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${VMLAB_DEB_OUT:-$ROOT/.build/deb}
JOBS=${VMLAB_JOBS:-2}

die() { echo "mkdeb: $*" >&2; exit 1; }

cd "$ROOT"
version=$(cat VERSION)
deb_version=$(dpkg-parsechangelog -S Version)
[ "$deb_version" = "$version" ] ||
	die "debian/changelog is at $deb_version but VERSION at $version: add a changelog entry"
if ! need=$(dpkg-checkbuilddeps 2>&1); then
	die "missing build dependencies, install them with apt-get install:${need#*:*:}"
fi

src=$OUT/src/vmlab-$version
rm -rf "$OUT/src"
mkdir -p "$src"
if git -C "$ROOT" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
	git -C "$ROOT" ls-files -z --cached --others --exclude-standard |
		rsync -a --from0 --files-from=- --ignore-missing-args ./ "$src/"
else
	rsync -a --exclude .git --exclude .build --exclude build ./ "$src/"
fi

rm -f "$OUT"/*.deb "$OUT"/*.changes "$OUT"/*.buildinfo
log=$OUT/build.log
echo "mkdeb: building vmlab $version in $src (log: $log)"
if ! (cd "$src" && dpkg-buildpackage -b -us -uc -j"$JOBS") > "$log" 2>&1; then
	tail -n 30 "$log" >&2
	die "dpkg-buildpackage failed (log: $log)"
fi
mv "$OUT"/src/*.deb "$OUT"/src/*.changes "$OUT"/src/*.buildinfo "$OUT"/
rm -rf "$OUT/src"
ls "$OUT"/*.deb
