#!/usr/bin/env bash
# Builds the shipped arm64 (Graviton) `bootstrap` with cargo-lambda + zig, with the release
# profile the workspace root sets (and the AWS-LC setting in .cargo/config.toml).
# Output: target/lambda-arm64/bootstrap/bootstrap (its own folder: cargo-lambda writes
# target/lambda/ for every architecture, and `cdk synth` of the x86_64 `local` stage would
# overwrite an arm64 binary there).
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
cargo lambda build --release --arm64 --locked -p transactions-lambda --bin bootstrap \
  --lambda-dir "$target_dir/lambda-arm64" "$@"
