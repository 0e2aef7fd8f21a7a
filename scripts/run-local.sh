#!/usr/bin/env bash
# The main job, locally: build the shipped arm64 `bootstrap` (cargo-lambda + zig), then run it
# on the sample events against lambda-bench's local Lambda Runtime API (under qemu-user on an
# x86_64 host) and print its responses and a REPORT-style table of cold and warm figures; for
# the arm64 build, then its exact instruction counts under a Graviton2 CPU model beside the
# empty-function floor (and the Go contender when scripts/build-go.sh has built it): under qemu
# the timings are the emulator's, the counts are the code's (scripts/count-arm64.sh).
#   scripts/run-local.sh                 arm64 bootstrap (what ships), under qemu-user on x86_64
#   scripts/run-local.sh --host          the host's own release build, run natively: no
#                                        cargo-lambda/zig cross build, no qemu (the inner loop)
#   BOOTSTRAP=path scripts/run-local.sh  any other custom-runtime bootstrap
# Results: out/run-local.json, out/run-local.md, out/run-local.svg (+ out/count.json, out/count.md)
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_TAG=run-local
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh
mode=arm64
case "${1:-}" in
  --host) mode=host ;;
  "") ;;
  *) die "usage: scripts/run-local.sh [--host]" ;;
esac
SETUP_SKIP_NPM=1 scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
if [ -z "${BOOTSTRAP:-}" ] && [ "$mode" = host ]; then
  log "cargo build --release -p transactions-lambda --bin bootstrap ($(uname -m), native)"
  cargo build --release --locked -p transactions-lambda --bin bootstrap
  BOOTSTRAP="$CARGO_TARGET_DIR/release/bootstrap"
elif [ -z "${BOOTSTRAP:-}" ]; then
  scripts/build-arm64.sh
  BOOTSTRAP="$CARGO_TARGET_DIR/lambda-arm64/bootstrap/bootstrap"
fi
# Local mode needs no AWS SDK: build the CLI without the `cloud` feature (minutes faster).
cargo build --locked --profile tool -p lambda-bench --bin lambda-bench --no-default-features --features cli,plot
bench="$CARGO_TARGET_DIR/tool/lambda-bench"
mkdir -p out

events=(events/seed-3tx.json events/apigw-seed.json events/apigw-seed-base64.json events/invalid/amount-string.json)
echo
if [ "$mode" = arm64 ]; then
  echo "== $BOOTSTRAP: responses, REPORT lines, cold and warm figures (arm64 under qemu-user:"
  echo "   EMULATED timings and memory, which measure the emulator, not the function on Graviton)"
else
  echo "== $BOOTSTRAP: responses, REPORT lines, cold and warm figures"
fi
"$bench" run "$BOOTSTRAP" "${events[@]/#/--event=}" --cold 10 --warm 200 --memory 256 \
  --json out/run-local.json --markdown out/run-local.md --plot out/run-local.svg
echo "results: out/run-local.json out/run-local.md out/run-local.svg"
if [ "$mode" = arm64 ] && [ "$BOOTSTRAP" = "$CARGO_TARGET_DIR/lambda-arm64/bootstrap/bootstrap" ]; then
  echo
  echo "== the shipped arm64 bootstrap's instruction counts (qemu -cpu neoverse-n1, exact, not timings)"
  scripts/count-arm64.sh
fi
