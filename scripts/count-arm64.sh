#!/usr/bin/env bash
# Exact AArch64 instruction counts of the shipped arm64 bootstrap (and the empty-function floor,
# and the Go contender when scripts/build-go.sh has built it) under qemu-user -cpu neoverse-n1
# with the insn_count TCG plugin: `lambda-bench count` on the seed event and a generated
# 100,000-transaction event (docs/design.md, "Counting instructions on a model of Graviton").
#   scripts/count-arm64.sh                    ours, floor (+ go): table, out/count.{json,md}
#   scripts/count-arm64.sh --gate             ours against bench/count-baseline.json (the
#                                             `scripts/test.sh count` step), then proves the
#                                             gate fails on a baseline 10 % lower
#   scripts/count-arm64.sh --update-baseline  ours: rewrite bench/count-baseline.json from this
#                                             build's counts (commit it with the change)
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_TAG=count
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh
mode=table
case "${1:-}" in
  --gate) mode=gate ;;
  --update-baseline) mode=update ;;
  "") ;;
  *) die "usage: scripts/count-arm64.sh [--gate | --update-baseline]" ;;
esac
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
T=$CARGO_TARGET_DIR
BASELINE=bench/count-baseline.json

plugin=$(scripts/build-qemu-plugin.sh | tail -1)
tools/qemu-insn-count/test/run.sh "$plugin"
scripts/build-arm64.sh
ours="$T/lambda-arm64/bootstrap/bootstrap"
targets=("ours=$ours")
if [ "$mode" = table ]; then
  # The floor: an empty handler behind lambda_runtime, same profile, built the way cargo-lambda
  # builds any function (--arm64: glibc, dynamic; ours ships static, docs/design.md). Own
  # folder, so the shipped bootstrap's build is not touched.
  cargo lambda build --release --arm64 --locked -p transactions-lambda \
    --features lambda-runtime-contender --bin bootstrap-empty-floor --lambda-dir "$T/lambda-arm64-floor"
  targets+=("floor=$T/lambda-arm64-floor/bootstrap-empty-floor/bootstrap")
  go="$T/go/arm64/bootstrap"
  if [ -f "$go" ]; then targets+=("go=$go"); else log "no Go contender at $go (scripts/build-go.sh builds it): left out"; fi
fi
cargo build --locked --profile tool -p lambda-bench --bin lambda-bench --no-default-features --features cli,plot
bench="$T/tool/lambda-bench"
# The 100k event: reproducible (ChaCha8 with a fixed seed; gen_batch's tests pin its bytes).
mkdir -p "$T/count" out
p100k="$T/count/p100k.json"
if [ ! -s "$p100k" ]; then
  cargo run --locked --release -q -p transactions-lambda --example gen_batch -- -n 100000 >"$p100k.tmp"
  mv "$p100k.tmp" "$p100k"
fi
events=(-e events/seed-3tx.json -e "$p100k")

case "$mode" in
  table)
    "$bench" count "${targets[@]}" "${events[@]}" --json out/count.json --markdown out/count.md
    echo "results: out/count.json out/count.md" ;;
  update)
    "$bench" count "${targets[@]}" "${events[@]}" --json out/count.json --update-baseline "$BASELINE"
    git --no-pager diff --stat -- "$BASELINE" || true ;;
  gate)
    "$bench" count "${targets[@]}" "${events[@]}" --json "$T/count/gate.json" --baseline "$BASELINE"
    # The gate can fail: the same counts against a baseline 10 % lower must be refused.
    tight="$T/count/baseline-10pc-lower.json"
    jq '.targets |= map_values(.init_insns = (.init_insns * 0.9 | floor)
          | .events |= map_values(.per_event_insns = (.per_event_insns * 0.9 | floor)))' \
      "$BASELINE" >"$tight"
    rc=0
    "$bench" count --results "$T/count/gate.json" --baseline "$tight" >"$T/count/tight.out" || rc=$?
    if [ "$rc" -ne 1 ] || ! grep -q 'FAIL: raised beyond the tolerance' "$T/count/tight.out"; then
      cat "$T/count/tight.out"; die "the gate did not fail (exit $rc) on a baseline 10 % lower"
    fi
    echo "gate proven: against a baseline 10 % lower it fails (exit 1):"
    grep -c 'FAIL: raised' "$T/count/tight.out" | sed 's/^/  figures refused: /' ;;
esac
