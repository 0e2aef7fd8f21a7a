#!/usr/bin/env bash
# The main job, locally: build the shipped arm64 `bootstrap` (cargo-lambda + zig) and run it on
# the sample events against lambda-bench's local Lambda Runtime API (under qemu-user on an x86_64
# host): its answers and a REPORT-style table of cold and warm figures. Then the comparison: the
# empty `lambda_runtime` floor and the Go contender (scripts/build-go.sh) built too, and printed
# side by side with ours: their answers, exact arm64 instruction counts under a Graviton2 CPU model
# (scripts/count-arm64.sh), the arm64 timings under qemu (labelled EMULATED: they measure the
# emulator) and native x86_64 timings (ours as the shipped build's x86_64 twin).
#   scripts/run-local.sh                 ours, the floor and Go, side by side
#   scripts/run-local.sh --quick         ours only (arm64 under qemu): the answers and the REPORT table
#   scripts/run-local.sh --host          the host's own release build, run natively: no
#                                        cargo-lambda/zig cross build, no qemu (the inner loop)
#   BOOTSTRAP=path scripts/run-local.sh  any other custom-runtime bootstrap (as --quick)
# Results: out/run-local.{json,md,svg}; with the comparison also out/count.{json,md},
# out/run-local-arm64.json (emulated) and out/run-local-x86.json (native).
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_TAG=run-local
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh
mode=arm64 compare=1
case "${1:-}" in
  --host) mode=host compare=0 ;;
  --quick) compare=0 ;;
  "") ;;
  *) die "usage: scripts/run-local.sh [--quick | --host]" ;;
esac
[ -z "${BOOTSTRAP:-}" ] || compare=0
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
[ "$compare" = 1 ] || exit 0

T=$CARGO_TARGET_DIR
echo
echo "== the comparison: ours, the empty lambda_runtime floor and the Go contender"
scripts/build-go.sh
scripts/build-x86-static.sh
cargo build --release --locked -p transactions-lambda --features lambda-runtime-contender --bin bootstrap-empty-floor
echo
echo "== exact arm64 instruction counts (qemu -cpu neoverse-n1: the code's work, not timings)"
scripts/count-arm64.sh   # builds the arm64 floor too; ours, floor and go: out/count.{json,md}
side_events=(--event=events/seed-3tx.json --event=contenders/go/testdata/point-one-plus-point-two.json)
echo
echo "== arm64 under qemu-user: EMULATED timings (the emulator's, not Graviton's)"
"$bench" run "ours=$BOOTSTRAP" "floor=$T/lambda-arm64-floor/bootstrap-empty-floor/bootstrap" \
  "go=$T/go/arm64/bootstrap" "${side_events[@]}" --cold 5 --runs 40 --memory 256 -q --json out/run-local-arm64.json
echo
echo "== x86_64, native: timings on this machine (ours: the shipped build's x86_64 twin)"
"$bench" run "ours=$T/lambda-x86-static/bootstrap/bootstrap" "floor=$T/release/bootstrap-empty-floor" \
  "go=$T/go/amd64/bootstrap" "${side_events[@]}" --cold 20 --runs 400 --memory 256 -q --json out/run-local-x86.json
echo
echo "== side by side"
scripts/side-by-side.py --count out/count.json --emulated out/run-local-arm64.json --native out/run-local-x86.json
