#!/usr/bin/env bash
# fetch-vmlinux.sh: download a Debian arm64 kernel debug package and extract
# its vmlinux (the ELF image with symbols, ~300 MB), then print the
# vmlinux's path on standard output. Progress goes to standard error.
#
#   KPEMU_VMLINUX=$(scripts/fetch-vmlinux.sh) go test ./emu/loader -run RealVmlinux
#
# Environment:
#   KPEMU_CACHE    where to keep it (default /var/cache/kpemu)
#   KPEMU_FLAVOUR  kernel flavour: arm64 (default, an 800 MB package) or
#                  cloud-arm64 (260 MB)
#   KPEMU_KERNEL_PKG  an exact package name, e.g. linux-image-6.1.0-56-arm64-dbg
#
# Needs root the first time on a machine (dpkg --add-architecture arm64 and
# apt-get update); a vmlinux already extracted is reused. Measured on the
# project's 2-core machine: apt-get update ~17 s, download ~15 s, extraction
# ~10 s (tar stops at the vmlinux instead of unpacking the 5 GB of module
# debug information after it). The package is deleted once extracted.
set -euo pipefail

cache=${KPEMU_CACHE:-/var/cache/kpemu}
flavour=${KPEMU_FLAVOUR:-arm64}
log() { echo "fetch-vmlinux: $*" >&2; }

mkdir -p "$cache"
cd "$cache"

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	if [ "$(id -u)" != 0 ]; then
		log "the arm64 architecture is not enabled in dpkg: run as root once (dpkg --add-architecture arm64 && apt-get update)"
		exit 1
	fi
	log "enabling the arm64 architecture in dpkg"
	dpkg --add-architecture arm64
	apt-get update -qq >&2
fi

pkg=${KPEMU_KERNEL_PKG:-}
if [ -z "$pkg" ]; then
	# The meta-package depends on the current versioned package.
	pkg=$(apt-cache depends "linux-image-$flavour-dbg:arm64" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^:]*-dbg\).*/\1/p' | head -n1)
	if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
		apt-get update -qq >&2
		pkg=$(apt-cache depends "linux-image-$flavour-dbg:arm64" 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-image-[^:]*-dbg\).*/\1/p' | head -n1)
	fi
	if [ -z "$pkg" ]; then
		log "no linux-image-$flavour-dbg:arm64 in the package lists (apt-get update?)"
		exit 1
	fi
fi
release=${pkg#linux-image-}
release=${release%-dbg}
vmlinux=$cache/$release/vmlinux-$release

if [ -s "$vmlinux" ]; then
	log "already there"
	echo "$vmlinux"
	exit 0
fi

log "downloading $pkg:arm64"
start=$SECONDS
rm -f "$pkg"_*.deb
# As root, apt-get warns that it downloads unsandboxed (the _apt user
# cannot write here): harmless.
apt-get download -q "$pkg:arm64" >&2
deb=$(ls "$pkg"_*_arm64.deb)
log "downloaded $(du -h "$deb" | cut -f1) in $((SECONDS - start)) s"

start=$SECONDS
tmp=$(mktemp -d "$cache/extract.XXXXXX")
# --occurrence=1: stop at the vmlinux, early in the archive. dpkg-deb then
# dies of a broken pipe, which is expected: the file's presence decides.
(dpkg-deb --fsys-tarfile "$deb" 2>/dev/null || true) |
	tar -x -C "$tmp" --wildcards --occurrence=1 "./usr/lib/debug/boot/vmlinux-$release"
mkdir -p "$cache/$release"
mv "$tmp/usr/lib/debug/boot/vmlinux-$release" "$vmlinux"
rm -rf "$tmp" "$deb"
log "extracted $(du -h "$vmlinux" | cut -f1) in $((SECONDS - start)) s"
echo "$vmlinux"
