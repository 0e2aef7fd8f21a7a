#!/usr/bin/env bash
# Builds the shipped arm64 (Graviton) `bootstrap` with cargo-lambda + zig, with the release
# profile the workspace root sets (and the AWS-LC setting in .cargo/config.toml). The target is
# musl: a static binary with no dynamic loader at start (docs/design.md, "A static arm64 binary": ~3.4x fewer init
# instructions than the glibc build); it needs nothing from the provided.al2023 image.
# Output: target/lambda-arm64/bootstrap/bootstrap (its own folder: cargo-lambda writes
# target/lambda/ for every architecture, and `cdk synth` of the x86_64 `local` stage would
# overwrite an arm64 binary there).
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
# The one place the shipped target is named for scripts (infra: SHIPPED_ARM64_TARGET).
ARM64_TARGET=aarch64-unknown-linux-musl
# Workspace feature unification must not reach the shipped binary: with tokio's `signal` or
# `process` feature (the bench's), every runtime with I/O starts a signal driver (a socketpair and
# more syscalls at cold start). Cargo resolves features for the packages selected (`-p`), so
# this looks at exactly what the build below gets.
tokio_features=$(cargo tree --locked -p transactions-lambda -e features,normal --target "$ARM64_TARGET" \
  -i tokio --prefix none 2>/dev/null | sed -nE 's/^tokio feature "([^"]+)".*/\1/p' | sort -u)
[ -n "$tokio_features" ] || { echo "build-arm64.sh: cannot list tokio's features (cargo tree)" >&2; exit 1; }
for feature in signal process; do
  if grep -qx "$feature" <<<"$tokio_features"; then
    echo "build-arm64.sh: tokio's \"$feature\" feature reaches the shipped bootstrap (adds a signal driver at start)" >&2
    exit 1
  fi
done
cargo lambda build --release --target "$ARM64_TARGET" --locked -p transactions-lambda --bin bootstrap \
  --lambda-dir "$target_dir/lambda-arm64" "$@"
