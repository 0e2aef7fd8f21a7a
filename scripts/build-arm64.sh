#!/usr/bin/env bash
# Builds the shipped arm64 (Graviton) `bootstrap` with cargo-lambda + zig, with the release
# profile the workspace root sets. Output: target/lambda/bootstrap/bootstrap.
set -euo pipefail
cd "$(dirname "$0")/.."
# AWS-LC's CPU-jitter entropy source costs init time and this function draws no random numbers
# (SHA-256 only): build AWS-LC without it. See README, "Measured figures".
export AWS_LC_SYS_NO_JITTER_ENTROPY=1
cargo lambda build --release --arm64 --locked -p transactions-lambda --bin bootstrap "$@"
