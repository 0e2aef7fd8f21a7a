#!/usr/bin/env bash
# Keeps the vendored simd-json (vendor/simd-json, a `[patch.crates-io]` path dependency) inside the
# dependency policy, which cargo-deny alone cannot do for a path crate:
#   scripts/check-vendor.sh source [DIR]       DIR (default vendor/simd-json) is byte for byte the
#                                              crates.io release of the version its Cargo.toml names,
#                                              plus the diff in its PATCH.md, nothing more or less
#   scripts/check-vendor.sh advisories [DB [MANIFEST]]
#                                              RustSec advisories against the registry crate at that
#                                              version (cargo-deny, the project's deny.toml); DB: a
#                                              local advisory-db git checkout, used offline instead
#                                              of fetching the RustSec database; MANIFEST: check
#                                              that package instead (the test shows the workspace's
#                                              own check does not see the path crate)
# Both build a throwaway package that depends on `simd-json = "=VERSION"` from crates.io: cargo
# downloads the .crate (or finds it in its cache) and its lock file names the registry crate and
# its checksum. Exit status 1 when a check fails, 2 on a usage or set-up error.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOG_TAG=vendor
# shellcheck source=SCRIPTDIR/lib.sh
. "$ROOT/scripts/lib.sh"

# What the vendored copy keeps of the published crate (tests, benches, examples, CI files and
# the crate's own lock file are left out; PATCH.md says why and holds the diff).
KEPT=(Cargo.toml README.md LICENSE-APACHE LICENSE-MIT src)
# cargo-deny's folder name for ADVISORY_TEST_URL under db-path (tame-index's url_to_local_dir):
# a local database is placed there, so cargo-deny reads it offline as if it had fetched it.
ADVISORY_TEST_URL=https://example.invalid/fake-advisory-db
ADVISORY_TEST_DIR=fake-advisory-db-5ab5d9c239867b39

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

usage() { sed -n '2,16p' "$0" >&2; exit 2; }
setup_error() { printf '[%s] %s\n' "$LOG_TAG" "$*" >&2; exit 2; }

# manifest_field FILE KEY: the first `KEY = "..."` of FILE (the [package] section comes first).
manifest_field() { sed -nE "s/^$2 = \"([^\"]+)\"$/\\1/p" "$1" | head -n1; }

# upstream_package WORK NAME VERSION: a package in WORK whose only dependency is NAME =VERSION
# from crates.io, fetched. The workspace lock file seeds it so the crate's own dependencies keep
# the versions already cached; cargo drops the rest.
upstream_package() {
  local work=$1 name=$2 version=$3
  mkdir -p "$work/src"
  : >"$work/src/lib.rs"
  printf '[package]\nname = "vendor-upstream"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n[dependencies]\n%s = "=%s"\n' \
    "$name" "$version" >"$work/Cargo.toml"
  cp "$ROOT/Cargo.lock" "$ROOT/rust-toolchain.toml" "$work/"
  (cd "$work" && cargo fetch --quiet) || setup_error "cargo fetch of $name $version from crates.io failed"
}

# upstream_source WORK NAME VERSION: unpacks the .crate cargo fetched, after checking it against
# the checksum the lock file records; prints the unpacked folder.
upstream_source() {
  local work=$1 name=$2 version=$3 want crate c
  want=$(awk -v n="$name" -v v="$version" '
    $0 == "name = \"" n "\"" { hit = 1; next }
    hit && $0 == "version = \"" v "\"" { ok = 1; next }
    hit && ok && /^checksum = / { gsub(/"/, "", $3); print $3; exit }
    /^\[\[package\]\]/ { hit = 0; ok = 0 }' "$work/Cargo.lock")
  [ -n "$want" ] || setup_error "no crates.io checksum for $name $version in the throwaway lock file"
  for c in "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"$name-$version.crate"; do
    [ -f "$c" ] && [ "$(sha256sum "$c" | cut -d' ' -f1)" = "$want" ] && crate=$c && break
  done
  [ -n "${crate:-}" ] || setup_error "$name-$version.crate with sha256 $want not in cargo's cache"
  mkdir -p "$work/crate"
  tar -xzf "$crate" -C "$work/crate"
  echo "$work/crate/$name-$version"
}

check_source() {
  local dir=${1:-$ROOT/vendor/simd-json} work=$WORK name version up
  { [ -f "$dir/Cargo.toml" ] && [ -f "$dir/PATCH.md" ]; } || setup_error "$dir: no Cargo.toml and PATCH.md"
  dir=$(cd "$dir" && pwd)
  name=$(manifest_field "$dir/Cargo.toml" name)
  version=$(manifest_field "$dir/Cargo.toml" version)
  upstream_package "$work/pkg" "$name" "$version"
  up=$(upstream_source "$work/pkg" "$name" "$version")

  # The expected tree: the kept files of the published crate, with PATCH.md's ```diff blocks applied.
  mkdir "$work/expected"
  local p
  for p in "${KEPT[@]}"; do
    [ -e "$up/$p" ] || { log "FAIL: $name $version on crates.io has no $p"; return 1; }
    cp -a "$up/$p" "$work/expected/"
  done
  awk '/^```diff$/ { on = 1; next } on && /^```$/ { on = 0 } on' "$dir/PATCH.md" >"$work/patch.diff"
  [ -s "$work/patch.diff" ] || { log "FAIL: $dir/PATCH.md has no \`\`\`diff block"; return 1; }
  # GIT_CEILING_DIRECTORIES: git apply must act as plain patch here, even if the temp folder
  # is inside some repository (there it would silently skip paths outside the current folder).
  if ! (cd "$work/expected" && GIT_CEILING_DIRECTORIES="$work" git apply --whitespace=nowarn "$work/patch.diff"); then
    log "FAIL: PATCH.md's diff does not apply to $name $version from crates.io"
    return 1
  fi

  mkdir "$work/vendored"
  cp -a "$dir/." "$work/vendored/"
  rm "$work/vendored/PATCH.md"
  if ! diff -r --no-dereference "$work/expected" "$work/vendored" >"$work/diff.txt"; then
    sed -e "s|$work/expected|crates.io+PATCH.md|g" -e "s|$work/vendored|$dir|g" "$work/diff.txt" | head -n 40
    log "FAIL: $dir is not $name $version from crates.io + PATCH.md's diff"
    return 1
  fi
  log "ok: $dir = $name $version from crates.io ($(sha256sum "$work/patch.diff" | cut -c1-12) diff applied), byte for byte"
}

check_advisories() {
  local db=${1:-} manifest=${2:-$WORK/pkg/Cargo.toml} work=$WORK name version config
  name=$(manifest_field "$ROOT/vendor/simd-json/Cargo.toml" name)
  version=$(manifest_field "$ROOT/vendor/simd-json/Cargo.toml" version)
  upstream_package "$work/pkg" "$name" "$version"
  config=$ROOT/deny.toml
  local offline=()
  if [ -n "$db" ]; then
    git -C "$db" rev-parse --verify -q HEAD >/dev/null || setup_error "$db: not a git checkout of an advisory database"
    # The project's policy with only the database swapped for the local one.
    config=$work/deny.toml
    sed -E "s|^db-urls = .*|db-urls = [\"$ADVISORY_TEST_URL\"]\ndb-path = \"$work/dbs\"|" "$ROOT/deny.toml" >"$config"
    grep -q "^db-path = " "$config" || setup_error "deny.toml has no db-urls line to replace"
    mkdir "$work/dbs"
    ln -s "$(cd "$db" && pwd)" "$work/dbs/$ADVISORY_TEST_DIR"
    offline=(--offline)
    # Offline, cargo-deny's `cargo metadata` needs every crate of the graph in cargo's cache.
    cargo fetch --quiet --manifest-path "$manifest" || setup_error "cargo fetch for $manifest failed"
  fi
  log "cargo deny check advisories: $manifest, $name $version from crates.io${db:+ (advisory db $db, offline)}"
  cargo deny "${offline[@]}" --color never --manifest-path "$manifest" --config "$config" \
    check advisories
}

case "${1:-}" in
  source) shift; check_source "$@" ;;
  advisories) shift; check_advisories "$@" ;;
  *) usage ;;
esac
