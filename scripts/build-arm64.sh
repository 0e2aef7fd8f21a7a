#!/usr/bin/env bash
# Builds the shipped arm64 (Graviton) `bootstrap` with cargo-lambda + zig, with the release
# profile the workspace root sets (and the AWS-LC setting in .cargo/config.toml). The target is
# musl: a static binary with no dynamic loader at start (README, "Cold start": ~3.4x fewer init
# instructions than the glibc build); it needs nothing from the provided.al2023 image.
# Output: target/lambda-arm64/bootstrap/bootstrap (its own folder: cargo-lambda writes
# target/lambda/ for every architecture, and `cdk synth` of the x86_64 `local` stage would
# overwrite an arm64 binary there).
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
# The one place the shipped target is named for scripts (infra: SHIPPED_ARM64_TARGET).
ARM64_TARGET=aarch64-unknown-linux-musl
cargo lambda build --release --target "$ARM64_TARGET" --locked -p transactions-lambda --bin bootstrap \
  --lambda-dir "$target_dir/lambda-arm64" "$@"
