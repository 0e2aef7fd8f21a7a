#!/usr/bin/env bash
# Fuzzing with cargo-fuzz (libFuzzer + AddressSanitizer) on the *stable* toolchain:
# RUSTC_BOOTSTRAP=1 lets stable accept the -Z flags cargo-fuzz passes (sanitizer, coverage).
#   scripts/fuzz.sh                  60 s per target (payload, event, differential)
#   FUZZ_SECONDS=600 scripts/fuzz.sh longer runs
#   FUZZ_SECONDS=0 scripts/fuzz.sh   replay the corpus once, no fuzzing (regression check)
#   FUZZ_TARGETS=event scripts/fuzz.sh
# Seeds: events/**, events/hostile/*, fuzz/regressions/<target>/* (checked in), plus whatever
# earlier runs left in fuzz/corpus/<target>/ (git-ignored). A crash stops the script with the
# input saved under fuzz/artifacts/<target>/: fix it, then keep the input in
# fuzz/regressions/<target>/ (replayed by lambda/tests/hostile.rs on every test run).
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO_FUZZ_VERSION=0.13.2
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
TARGETS=${FUZZ_TARGETS:-payload event differential}
LOG_TAG=fuzz
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh

if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
  log "cargo install cargo-fuzz@$CARGO_FUZZ_VERSION --locked (one-off, ~2.5 min on 2 cores)"
  cargo install "cargo-fuzz@$CARGO_FUZZ_VERSION" --locked
fi
export RUSTC_BOOTSTRAP=1
# Its own target dir (sanitizer builds share nothing with normal ones); keep it across runs.
export CARGO_TARGET_DIR=${FUZZ_TARGET_DIR:-$PWD/fuzz/target}

log "building targets (${TARGETS}) with ASan"
start=$(date +%s)
cargo fuzz build --fuzz-dir fuzz -O
log "built in $(( $(date +%s) - start )) s"

status=0
summary=()
for target in $TARGETS; do
  corpus=fuzz/corpus/$target
  mkdir -p "$corpus" "fuzz/artifacts/$target"
  for f in events/*.json events/invalid/*.json events/hostile/*.json fuzz/regressions/"$target"/*; do
    case "$f" in */manifest.json | *.expected.json) continue ;; esac # answers, not events
    [ -f "$f" ] && cp -f "$f" "$corpus/seed-$(basename "$f")"
  done
  seeds=$(find "$corpus" -type f | wc -l)
  if [ "$SECONDS_PER_TARGET" -eq 0 ]; then
    mode=(-runs=0)
    log "$target: replaying $seeds inputs"
  else
    mode=(-max_total_time="$SECONDS_PER_TARGET")
    log "$target: fuzzing for $SECONDS_PER_TARGET s from $seeds inputs"
  fi
  out=$(mktemp)
  set +e
  cargo fuzz run --fuzz-dir fuzz -O "$target" "$corpus" -- "${mode[@]}" \
    -dict=fuzz/json.dict -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="fuzz/artifacts/$target/" >"$out" 2>&1
  rc=$?
  set -e
  execs=$(awk '/stat::number_of_executed_units/{print $NF}' "$out")
  per_sec=$(awk '/stat::average_exec_per_sec/{print $NF}' "$out")
  crashes=$(find "fuzz/artifacts/$target" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  after=$(find "$corpus" -type f | wc -l)
  summary+=("$target: ${execs:-?} execs (${per_sec:-?}/s), corpus $seeds -> $after, artifacts $crashes, exit $rc")
  if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    tail -60 "$out"
    status=1
  fi
  rm -f "$out"
done
log "total $(( $(date +%s) - start )) s"
for line in "${summary[@]}"; do log "$line"; done
exit $status
