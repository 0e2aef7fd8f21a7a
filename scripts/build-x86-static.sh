#!/usr/bin/env bash
# The shipped build's x86_64 twin, for native timings beside the arm64 counts: the same static musl
# build (cargo-lambda + zig, lambda/build.rs's musl memcpy/memset) for x86_64-unknown-linux-musl.
# Measurement only: the target is added here, not in rust-toolchain.toml (nothing ships it).
#   scripts/build-x86-static.sh   ->  $CARGO_TARGET_DIR/lambda-x86-static/bootstrap/bootstrap
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_TAG=x86-static
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh
T="${CARGO_TARGET_DIR:-$PWD/target}"
rustup target list --installed | grep -qx x86_64-unknown-linux-musl || {
  log "rustup target add x86_64-unknown-linux-musl"
  rustup target add x86_64-unknown-linux-musl
}
cargo lambda build --release --locked --target x86_64-unknown-linux-musl -p transactions-lambda \
  --bin bootstrap --lambda-dir "$T/lambda-x86-static"
log "$T/lambda-x86-static/bootstrap/bootstrap: $(stat -c %s "$T/lambda-x86-static/bootstrap/bootstrap") bytes"
