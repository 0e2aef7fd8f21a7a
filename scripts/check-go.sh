#!/usr/bin/env bash
# Checks the Go contender's answers (built by scripts/build-go.sh) through lambda-bench's local
# Runtime API, for both builds (arm64 under qemu-user):
#   - the seed event: the seed's signature and total (events/seed-3tx.expected.json), and only the
#     published handler's keys (status, totalCredit, signature, processedAt in RFC 3339);
#   - contenders/go/testdata: the published handler's float64 totals, reproduced rather than
#     fixed (0.1 + 0.2 = 0.30000000000000004; 999999999999999.99 becomes 1000000000000000), and
#     encoding/json's error for an amount beyond float64 (1e400).
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_TAG=go
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh

TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
TESTDATA=contenders/go/testdata
# event name (file stem) -> the totalCredit text the published handler answers
declare -A FLOAT64_TOTAL=([point-one-plus-point-two]=0.30000000000000004 [beyond-float64]=1000000000000000)

for arch in amd64 arm64; do
  [ -x "$TARGET_DIR/go/$arch/bootstrap" ] || die "$TARGET_DIR/go/$arch/bootstrap missing: run scripts/build-go.sh"
done
cargo build --locked -p lambda-bench --bin lambda-bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Warm runs cycle through the events: 8 cover the seed and every testdata event twice.
"$TARGET_DIR/debug/lambda-bench" run -q --cold 1 --runs 8 --export-json "$work/run.json" \
  amd64="$TARGET_DIR/go/amd64/bootstrap" arm64="$TARGET_DIR/go/arm64/bootstrap" \
  -e events/seed-3tx.json -e "$TESTDATA" >/dev/null

# answer TARGET EVENT [STATUS]: the text of TARGET's first answer to EVENT, if it had STATUS (ok:
# a response; function-error: "errorType: errorMessage").
answer() {
  jq -er --arg t "$1" --arg e "$2" --arg s "${3:-ok}" \
    '.targets[] | select(.name == $t) | .answers[] | select(.event == $e and .status == $s) | .text' \
    "$work/run.json"
}

failed=0
for arch in amd64 arm64; do
  seed=$(answer "$arch" seed-3tx) || { log "FAIL: $arch gave no response to the seed event"; failed=1; continue; }
  if jq -e --arg sig "$(seed_expected signature)" --argjson total "$(seed_expected totalCredit)" '
      .status == "success" and .signature == $sig and .totalCredit == $total
      and (keys == ["processedAt", "signature", "status", "totalCredit"])
      and (.processedAt | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"))' <<<"$seed" >/dev/null; then
    log "ok: $arch seed: $seed"
  else
    log "FAIL: $arch seed answer: $seed"
    failed=1
  fi
  for event in "${!FLOAT64_TOTAL[@]}"; do
    body=$(answer "$arch" "$event") || { log "FAIL: $arch gave no response to $event"; failed=1; continue; }
    if grep -qF "\"totalCredit\":${FLOAT64_TOTAL[$event]}," <<<"$body"; then
      log "ok: $arch $event: totalCredit ${FLOAT64_TOTAL[$event]}"
    else
      log "FAIL: $arch $event: expected totalCredit ${FLOAT64_TOTAL[$event]}, got $body"
      failed=1
    fi
  done
  if error=$(answer "$arch" amount-1e400 function-error) && [[ "$error" == "UnmarshalTypeError: "* ]]; then
    log "ok: $arch amount-1e400: $error"
  else
    log "FAIL: $arch amount-1e400: expected an UnmarshalTypeError function error, got ${error:-no such answer}"
    failed=1
  fi
done
[ "$failed" -eq 0 ] || die "the Go contender does not answer as the published handler does"
log "ok: the Go contender (amd64, arm64) answers as the published handler does"
