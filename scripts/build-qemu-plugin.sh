#!/usr/bin/env bash
# Builds the instruction-counting TCG plugin (tools/qemu-insn-count) for the installed dynamic
# qemu-aarch64 (Debian's qemu-user), idempotently. No Debian package ships `qemu-plugin.h`, and the
# header must match the plugin API of the qemu that loads it, so it comes from Debian's own source
# package for the installed qemu version: `apt-get source --download-only` through a private apt
# tree (its own sources.list with a deb-src entry, lists and cache), leaving the system's apt
# configuration untouched. Only the header is extracted from the upstream tarball.
#   scripts/build-qemu-plugin.sh      prints the plugin's path on its last line
# Output: $CARGO_TARGET_DIR/qemu-plugin/libinsncount.so (default target/).
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_TAG=qemu-plugin
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh

out="${CARGO_TARGET_DIR:-$PWD/target}/qemu-plugin"
src=tools/qemu-insn-count/insn_count.c
plugin="$out/libinsncount.so"
mkdir -p "$out"

command -v qemu-aarch64 >/dev/null || die "qemu-aarch64 (Debian package qemu-user) is not installed: run scripts/setup.sh"
# The header of the qemu that will load the plugin: the source version of the installed package.
version=$(dpkg-query -W -f='${source:Version}' qemu-user 2>/dev/null) || die "qemu-user is not installed"
[ -n "$version" ] || die "no source version for qemu-user"
header_dir="$out/include-${version//:/_}"
header="$header_dir/qemu-plugin.h"

if [ ! -s "$header" ]; then
  apt_root="$out/apt"
  mkdir -p "$apt_root/etc/sources.list.d" "$apt_root/etc/preferences.d" "$apt_root/lists/partial" \
    "$apt_root/cache/archives/partial" "$apt_root/src"
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  # shellcheck source=/dev/null
  . /etc/os-release
  cat >"$apt_root/etc/sources.list" <<SOURCES
deb-src [signed-by=$keyring] http://deb.debian.org/debian $VERSION_CODENAME main
deb-src [signed-by=$keyring] http://deb.debian.org/debian $VERSION_CODENAME-updates main
deb-src [signed-by=$keyring] http://deb.debian.org/debian-security $VERSION_CODENAME-security main
SOURCES
  apt_opts=(-o "Dir::Etc::sourcelist=$apt_root/etc/sources.list"
    -o "Dir::Etc::sourceparts=$apt_root/etc/sources.list.d"
    -o "Dir::Etc::preferencesparts=$apt_root/etc/preferences.d"
    -o "Dir::State::lists=$apt_root/lists" -o "Dir::Cache=$apt_root/cache"
    -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
  log "apt-get source --download-only qemu=$version (private apt tree $apt_root)"
  apt-get "${apt_opts[@]}" update -qq
  (cd "$apt_root/src" && apt-get "${apt_opts[@]}" source -qq --download-only "qemu=$version")
  orig=$(find "$apt_root/src" -maxdepth 1 -name 'qemu_*.orig.tar.*' | head -1)
  [ -n "$orig" ] || die "no upstream tarball in $apt_root/src"
  # Debian's patches must leave the header alone, or the upstream copy would not be the API.
  debian_tar=$(find "$apt_root/src" -maxdepth 1 -name "qemu_${version#*:}.debian.tar.*" | head -1)
  if [ -n "$debian_tar" ] && tar -xOf "$debian_tar" --wildcards 'debian/patches/*' 2>/dev/null | grep -q 'qemu-plugin\.h'; then
    die "a Debian patch in $debian_tar changes qemu-plugin.h: extract with dpkg-source -x instead"
  fi
  mkdir -p "$header_dir"
  tar -xOf "$orig" --wildcards '*/include/qemu/qemu-plugin.h' >"$header.tmp"
  [ -s "$header.tmp" ] || die "include/qemu/qemu-plugin.h not found in $orig"
  mv "$header.tmp" "$header"
  rm -rf "$apt_root/src" "$apt_root/cache/archives"
  log "header: $header (qemu $version)"
fi

# Rebuild when the source or the header is newer than the plugin.
if [ ! -f "$plugin" ] || [ "$src" -nt "$plugin" ] || [ "$header" -nt "$plugin" ]; then
  log "cc $src -> $plugin"
  cc -O2 -Wall -Wextra -Werror -std=gnu11 -shared -fPIC -I"$header_dir" \
    -o "$plugin.tmp" "$src"
  mv "$plugin.tmp" "$plugin"
fi
echo "$plugin"
