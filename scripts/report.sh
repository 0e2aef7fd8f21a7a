#!/usr/bin/env bash
# The standard comparison, in one run, from scratch: builds what it needs, then measures ours
# (the shipped static build; the same code built for glibc as a labelled row), the empty
# `lambda_runtime` floor and the Go contender on the seed event and a generated 100,000-transaction
# event: native x86_64 timings (init, warm, memory: `lambda-bench run`), exact arm64 instruction
# counts (`lambda-bench count`, qemu -cpu neoverse-n1) and the modelled cost per million
# (`lambda-bench price`). It records the machine, the commit, the date and the load average before
# and after, and warns when the machine was not quiet (load above 1). scripts/report.py writes
# the Markdown (every table with the command that produced it) and the summary, whose headline
# table is copied into README.md. Nothing in the output is typed by hand.
#   scripts/report.sh                 docs/results/ and README.md's headline
#   scripts/report.sh --quick         a fast run of the same shape (few runs, a 2,000-transaction
#                                     event instead of 100,000) into out/report-quick/
#   scripts/report.sh --out DIR       write DIR instead (README.md untouched unless --readme FILE)
#   scripts/report.sh --readme FILE   copy the headline into FILE (default: README.md, only when
#                                     the output is docs/results)
# REPORT_SKIP_SETUP=1 skips scripts/setup.sh (the test step runs after set-up).
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_TAG=report
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh

quick=0 out="" readme=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --out) out=${2:?--out needs a folder}; shift ;;
    --readme) readme=${2:?--readme needs a file}; shift ;;
    *) die "usage: scripts/report.sh [--quick] [--out DIR] [--readme FILE]" ;;
  esac
  shift
done
if [ -z "$out" ]; then
  if [ "$quick" = 1 ]; then out=out/report-quick; else out=docs/results; fi
fi
if [ -z "$readme" ] && [ "$out" = docs/results ]; then readme=README.md; fi
[ "$quick" = 0 ] || [ "$out" != docs/results ] || die "--quick never writes docs/results: give --out DIR"

load_now() { cut -d' ' -f1-3 /proc/loadavg; }
LOAD_BEFORE=$(load_now)
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
t0=$(now_ns)
warn_load() {
  local when=$1 load=$2
  if awk -v l="${load%% *}" 'BEGIN { exit !(l > 1) }'; then
    printf '\033[1;31m[report] WARNING: load average %s %s: the machine is not quiet; timings are\n' "$load" "$when" >&2
    printf '[report] WARNING: inflated and the report says so. Re-run on a quiet machine.\033[0m\n' >&2
  fi
}
warn_load "at the start" "$LOAD_BEFORE"

[ -n "${REPORT_SKIP_SETUP:-}" ] || SETUP_SKIP_NPM=1 scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
T=$CARGO_TARGET_DIR

# ---- builds ------------------------------------------------------------------------------------
log "builds: x86_64 release (glibc) + floor, x86_64 static, arm64 static + glibc + floor, Go, tools"
cargo build --release --locked -p transactions-lambda --features lambda-runtime-contender \
  --bin bootstrap --bin bootstrap-empty-floor --bin bootstrap-lambda-runtime
scripts/build-x86-static.sh   # the shipped build's x86_64 twin
scripts/build-arm64.sh
cargo lambda build --release --arm64 --locked -p transactions-lambda --bin bootstrap \
  --lambda-dir "$T/lambda-arm64-glibc"
cargo lambda build --release --arm64 --locked -p transactions-lambda \
  --features lambda-runtime-contender --bin bootstrap-empty-floor --lambda-dir "$T/lambda-arm64-floor"
scripts/build-go.sh
plugin=$(scripts/build-qemu-plugin.sh | tail -1)
cargo build --locked --profile tool -p lambda-bench --bin lambda-bench --no-default-features --features cli,plot
bench="$T/tool/lambda-bench"

mkdir -p "$T/count"
if [ "$quick" = 1 ]; then big_n=2000; else big_n=100000; fi
if [ "$quick" = 1 ]; then mid_n=500; else mid_n=20000; fi
big="$T/count/p${big_n}.json"
mid="$T/count/p${mid_n}.json"
for n in "$big_n" "$mid_n"; do
  if [ ! -s "$T/count/p$n.json" ]; then
    cargo run --locked --release -q -p transactions-lambda --example gen_batch -- -n "$n" >"$T/count/p$n.json.tmp"
    mv "$T/count/p$n.json.tmp" "$T/count/p$n.json"
  fi
done

x86=("ours_static=$T/lambda-x86-static/bootstrap/bootstrap" "ours_glibc=$T/release/bootstrap"
  "floor=$T/release/bootstrap-empty-floor" "go=$T/go/amd64/bootstrap")
arm=("ours_static=$T/lambda-arm64/bootstrap/bootstrap" "ours_glibc=$T/lambda-arm64-glibc/bootstrap/bootstrap"
  "floor=$T/lambda-arm64-floor/bootstrap-empty-floor/bootstrap" "go=$T/go/arm64/bootstrap")
if [ "$quick" = 1 ]; then
  seed_runs=(--cold 3 --runs 30) big_runs=(--cold 2 --runs 5) count_opts=(--threaded-repeat 1)
  # CPU time ticks at 10 ms: 5,000 seed events at ~0.02 CPU-ms each register ~10 ticks (500 did
  # not on a fast CPU, and lmi-cost refuses a window with none); --max-seconds bounds the rest.
  load_runs=(--max-concurrency "1,2" --runs 5000 --warmup 20 --max-seconds 2)
else
  seed_runs=(--cold 60 --runs 1000) big_runs=(--cold 10 --runs 100) count_opts=()
  load_runs=(--max-concurrency "1,2,4,8" --runs 20000 --warmup 200 --max-seconds 5)
fi
sizes=128,256,512,1024,1769

# ---- measurements ------------------------------------------------------------------------------
COMMIT=$(git rev-parse --short=12 HEAD)
DIRTY=$(git status --porcelain --untracked-files=no -- . ":!$out" ":!${readme:-README.md}" | wc -l)
rm -rf "$out"
mkdir -p "$out"
cmds="$T/report-commands.tsv"
: >"$cmds"
# measure ID CMD...: runs CMD and records it (paths relative to the checkout) for the Markdown.
measure() {
  local id=$1
  shift
  # Paths as a reader's checkout has them: the target folder as `target/`, wherever it was.
  printf '%s\t%s\n' "$id" "$(printf '%q ' "$@" | sed "s|$T/|target/|g; s|$PWD/||g; s| \$||")" >>"$cmds"
  log "$id: $*"
  "$@"
}
measure x86-seed "$bench" run "${x86[@]}" -e events/seed-3tx.json "${seed_runs[@]}" --memory 256 -q \
  --json "$out/x86-seed.json" --markdown "$out/x86-seed.md" --plot "$out/x86-seed.svg"
measure x86-big "$bench" run "${x86[@]}" -e "$big" "${big_runs[@]}" --memory 256 -q \
  --json "$out/x86-big.json" --markdown "$out/x86-big.md" --plot "$out/x86-big.svg"
measure exactness "$bench" run "${x86[0]}" "${x86[3]}" -e contenders/go/testdata -e events/seed-3tx.json \
  --cold 1 --runs 4 --memory 256 -q --json "$out/exactness.json"
measure arm64-count "$bench" count "${arm[@]}" -e events/seed-3tx.json -e "$big" --plugin "$plugin" \
  "${count_opts[@]}" --json "$out/arm64-count.json" --markdown "$out/arm64-count.md"
for ev in seed big; do
  for who in ours_static go; do
    measure "cost-$ev-$who" "$bench" price "$out/x86-$ev.json" --target "$who" --memory "$sizes" \
      --json "$out/cost-$ev-$who.json" --markdown "$out/cost-$ev-$who.md" --plot "$out/cost-$ev-$who.svg"
  done
done

# Lambda Managed Instances: throughput at N concurrent events per environment (`lambda-bench
# load`) and LMI's cost against per-request Lambda (`lambda-bench lmi-cost`), each when this
# lambda-bench has the command; otherwise the report says the section was not generated.
lmi_status=""
load_args=()
if "$bench" load --help >/dev/null 2>&1; then
  # Exit 1 means a window was not clean (fewer polls open than N, errors): its table says which,
  # and the report shows it rather than stopping.
  load_rc=0
  # Ours, the same processor behind lambda_runtime::run_concurrent (the official runtime's own
  # way), and Go; the seed, a 20,000-transaction and the big event.
  measure load "$bench" load "${x86[0]}" "lambda_runtime=$T/release/bootstrap-lambda-runtime" "${x86[3]}" \
    -e events/seed-3tx.json -e "$mid" -e "$big" "${load_runs[@]}" --memory 256 \
    --json "$out/load.json" --markdown "$out/load.md" --plot "$out/load.svg" || load_rc=$?
  [ -s "$out/load.json" ] || die "lambda-bench load wrote no results (exit $load_rc)"
  [ "$load_rc" -eq 0 ] || lmi_status="lambda-bench load exited $load_rc: not every window was clean (its table says which)"
  load_args=(--load "$out/load.json")
else
  lmi_status="no \`load\` command in this lambda-bench"
fi
if "$bench" lmi-cost --help >/dev/null 2>&1; then
  for ev in seed big; do
    # A refusal (a load window with no CPU time measured, say) is reported, not fatal.
    if [ "$ev" = seed ]; then ev_file=seed-3tx.json; else ev_file=$(basename "$big"); fi
    event_args=()
    [ "${#load_args[@]}" -eq 0 ] || event_args=(--event "$ev_file")
    if ! measure "lmi-cost-$ev" "$bench" lmi-cost "${load_args[@]}" "${event_args[@]}" --run "$out/x86-$ev.json" \
      --json "$out/lmi-cost-$ev.json" --markdown "$out/lmi-cost-$ev.md" --plot "$out/lmi-cost-$ev.svg" \
      2>"$T/lmi-cost.err"; then
      cat "$T/lmi-cost.err" >&2
      rm -f "$out/lmi-cost-$ev".*
      lmi_status="${lmi_status:+$lmi_status; }lambda-bench lmi-cost refused the $ev event: $(grep -m1 . "$T/lmi-cost.err")"
    fi
  done
else
  lmi_status="${lmi_status:+$lmi_status; }no \`lmi-cost\` command in this lambda-bench"
fi

LOAD_AFTER=$(load_now)
python3 scripts/report.py --dir "$out" --commands "$cmds" \
  --mode "$([ "$quick" = 1 ] && echo quick || echo standard)" --big-transactions "$big_n" \
  --started "$STARTED" --seconds "$(( ($(now_ns) - t0) / 1000000000 ))" --commit "$COMMIT" --dirty "$DIRTY" \
  --load-before "$LOAD_BEFORE" --load-after "$LOAD_AFTER" --lmi-status "${lmi_status:-}" \
  ${readme:+--readme "$readme"}
log "report written: $out/README.md, $out/summary.md${readme:+ (headline copied into $readme)}"
warn_load "at the end" "$LOAD_AFTER"
