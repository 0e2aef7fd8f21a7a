#!/usr/bin/env bash
# Mutation testing of the function's code (lambda/src/domain, lambda/src/function) with
# cargo-mutants: each mutant changes one expression, and the tests named in .cargo/mutants.toml
# must fail on it. A mutant they miss must be listed, with its reason, in
# .cargo/mutants-survivors.txt; any other survivor fails the run.
#   scripts/mutants.sh                      every mutant; prints the score per folder and fails
#                                           below 95 % (domain/) or 90 % (function/)
#   scripts/mutants.sh -f lambda/src/domain/money.rs   one file (any cargo-mutants option passes)
#   scripts/mutants.sh --in-diff [BASE]     only mutants on lines changed since the merge base with
#                                           BASE (default: origin/main, else main); an empty diff
#                                           passes, and says so
# Environment: MUTANTS_JOBS (default 1: two cores are shared), PROPTEST_CASES (default 64 per
# property for each mutant), MUTANTS_OUT (where mutants.out/ lands; default target/mutants, or
# target/mutants-diff for --in-diff).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
LOG_TAG="mutants"
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh

SURVIVORS=.cargo/mutants-survivors.txt
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
export PROPTEST_CASES="${PROPTEST_CASES:-64}"
out_dir="${MUTANTS_OUT:-$CARGO_TARGET_DIR/mutants}"

command -v cargo-mutants >/dev/null || die "cargo-mutants is not installed: run scripts/setup.sh"

full=1
args=()
if [ "${1:-}" = "--in-diff" ]; then
  shift
  full=0
  base="${1:-}"
  [ "$#" -gt 0 ] && shift
  if [ -z "$base" ]; then
    for candidate in origin/main main; do
      git rev-parse -q --verify "$candidate^{commit}" >/dev/null && { base=$candidate; break; }
    done
  fi
  [ -n "$base" ] || die "no main branch to compare with (fetch it, or name the base: --in-diff REF)"
  merge_base=$(git merge-base "$base" HEAD) || die "no merge base between $base and HEAD (a shallow clone? fetch with depth 0)"
  out_dir="${MUTANTS_OUT:-$CARGO_TARGET_DIR/mutants-diff}" # a full run's outcomes stay
  mkdir -p "$out_dir"
  diff_file="$out_dir/in-diff.patch"
  # Committed and uncommitted changes alike: what a developer is about to push.
  git diff --no-ext-diff "$merge_base" -- lambda/src >"$diff_file" || die "git diff failed"
  if [ ! -s "$diff_file" ]; then
    log "no change to lambda/src since the merge base with $base (${merge_base:0:12}): no mutants to test"
    exit 0
  fi
  log "mutants on lines of lambda/src changed since the merge base with $base (${merge_base:0:12})"
  args+=(--in-diff "$diff_file")
  rm -rf "$out_dir/mutants.out" # cargo-mutants writes none when the diff holds no mutant
elif [ "$#" -gt 0 ]; then
  full=0 # a partial run: no bar, survivors still checked
fi

out="$out_dir/mutants.out"
# The mutants are built into this same target/ (copy_target = false): the last one's artifacts end
# up newer than the sources here, and cargo would take them for this tree's. Touching the mutated
# sources afterwards makes the next build here (a later test.sh step) rebuild them.
trap 'find lambda/src -name "*.rs" -exec touch {} +' EXIT
start=$(date +%s)
nice -n 15 cargo mutants --package transactions-lambda --jobs "${MUTANTS_JOBS:-1}" \
  --output "$out_dir" "${args[@]}" "$@"
status=$?
log "cargo-mutants exit $status after $(( $(date +%s) - start )) s (outcomes: $out)"
# 0: all caught, 2: some missed, 3: some timed out (a hang is a detection). Others: no verdict.
case "$status" in 0 | 2 | 3) ;; *) die "cargo-mutants failed (exit $status): see $out/debug.log" ;; esac

# "lambda/src/x.rs:12:5: replace a with b in f" -> "lambda/src/x.rs: replace a with b in f @ code",
# code being line 12 as it reads: the list survives edits that only move code, and tells apart
# two alike mutations in one function.
name_only() {
  local entry file line mutation code
  while IFS= read -r entry; do
    file=${entry%%:*}
    line=${entry#*:}
    line=${line%%:*}
    mutation=${entry#*:*:*: }
    code=$(sed -n "${line}p" "$file" | sed -E 's/^[[:space:]]+//; s/[[:space:]]+$//')
    printf '%s: %s @ %s\n' "$file" "$mutation" "$code"
  done <"$1"
}
count() {
  local n
  n=$(grep -c "^lambda/src/$2/" "$out/$1.txt" 2>/dev/null) || true
  echo "${n:-0}"
}

if [ ! -e "$out/outcomes.json" ]; then
  log "no mutant to test: the changed lines hold no mutable code"
  exit 0
fi
failed=0
for folder in domain function; do
  caught=$(( $(count caught "$folder") + $(count timeout "$folder") ))
  missed=$(count missed "$folder")
  unviable=$(count unviable "$folder")
  viable=$((caught + missed))
  [ "$viable" -gt 0 ] || continue
  score=$(awk -v c="$caught" -v v="$viable" 'BEGIN { printf "%.1f", 100 * c / v }')
  bar=$([ "$folder" = domain ] && echo 95 || echo 90)
  log "$folder/: $caught of $viable viable mutants caught ($score %), $missed missed, $unviable unviable"
  if [ "$full" -eq 1 ] && awk -v s="$score" -v b="$bar" 'BEGIN { exit !(s < b) }'; then
    log "$folder/ is below its bar of $bar %"
    failed=1
  fi
done

listed=$(grep -vE '^[[:space:]]*(#|$)' "$SURVIVORS")
unlisted=$([ -e "$out/missed.txt" ] && name_only "$out/missed.txt" | while IFS= read -r mutant; do
  grep -qxF -- "$mutant" <<<"$listed" || printf '%s\n' "$mutant"
done)
if [ -n "$unlisted" ]; then
  log "survivors not in $SURVIVORS (kill them with a test, or list them with the reason):"
  while IFS= read -r mutant; do printf '  %s\n' "$mutant"; done <<<"$unlisted"
  failed=1
else
  log "every survivor is listed in $SURVIVORS"
fi
exit "$failed"
