#!/usr/bin/env bash
# The main job, locally: build the shipped arm64 `bootstrap` (cargo-lambda + zig), then run it
# on the sample events against lambda-bench's local Lambda Runtime API (under qemu-user on an
# x86_64 host) and print its responses and a REPORT-style table of cold and warm figures.
#   scripts/run-local.sh                 arm64 bootstrap (what ships)
#   BOOTSTRAP=path scripts/run-local.sh  any other custom-runtime bootstrap
# Results: out/run-local.json, out/run-local.md, out/run-local.svg
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
if [ -z "${BOOTSTRAP:-}" ]; then
  scripts/build-arm64.sh
  BOOTSTRAP="$CARGO_TARGET_DIR/lambda-arm64/bootstrap/bootstrap"
fi
# Local mode needs no AWS SDK: build the CLI without the `cloud` feature (minutes faster).
cargo build --locked --profile tool -p lambda-bench --bin lambda-bench --no-default-features --features cli,plot
bench="$CARGO_TARGET_DIR/tool/lambda-bench"
mkdir -p out

events=(events/seed-3tx.json events/apigw-seed.json events/apigw-seed-base64.json events/invalid/amount-string.json)
echo
echo "== $BOOTSTRAP: responses, REPORT lines, cold and warm figures"
"$bench" run "$BOOTSTRAP" "${events[@]/#/--event=}" --cold 10 --warm 200 --memory 256 \
  --json out/run-local.json --markdown out/run-local.md --plot out/run-local.svg
echo "results: out/run-local.json out/run-local.md out/run-local.svg"
