#!/usr/bin/env bash
# Everything about the CDK app, in order of cost: install, lint + format check, typecheck, unit
# tests (bundling skipped, seconds), then the real synth of every stage with cdk-nag and
# cfn-lint (scripts/synth.sh, minutes on the first build) and an offline `cdk diff` of the lmi
# stage against the template it wrote. Stops at the first failure.
#   scripts/check-infra.sh              all of it
#   CHECK_INFRA_SKIP_SYNTH=1 ...         stop after the unit tests
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
LOG_TAG=check-infra
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh

# The real CDK CLI without a stage (README, "Deploying a stage"): `cdk ls` and `cdk doctor` work,
# `cdk ls` listing only the empty placeholder; `cdk synth` fails with the clear message. `cdk
# bootstrap` without a stage is run against the emulator by scripts/deploy-local.sh.
cli_without_stage() {
  local dir rc=0
  dir=$(mktemp -d) || return
  cli_without_stage_in "$dir" || rc=$?
  rm -rf "$dir"
  return "$rc"
}
cli_without_stage_in() {
  local dir=$1 out rc
  out=$(npx cdk ls --no-notices -o "$dir/ls" 2>"$dir/ls.err")
  rc=$?
  cat "$dir/ls.err"
  { [ "$rc" -eq 0 ] && [ "$out" = NoStageSelected ]; } || { fail "cdk ls: exit $rc, listed '$out'"; return 1; }
  grep -q 'no stage selected.*pass -c stage=<name>' "$dir/ls.err" || { fail "cdk ls: no hint on stderr"; return 1; }
  npx cdk doctor --no-notices >"$dir/doctor.log" 2>&1 || { cat "$dir/doctor.log"; fail "cdk doctor failed"; return 1; }
  npx cdk synth --no-notices -q -o "$dir/synth" >"$dir/synth.log" 2>&1
  rc=$?
  cat "$dir/synth.log"
  [ "$rc" -ne 0 ] || { fail "cdk synth without a stage succeeded"; return 1; }
  grep -q 'error: No stage selected: pass -c stage=<name>' "$dir/synth.log" ||
    { fail "cdk synth without a stage: exit $rc without the message"; return 1; }
  CHECK_DETAIL="ls: NoStageSelected + hint; doctor: ok; synth: exit $rc, 'No stage selected'"
}

# `cdk diff` compares with the deployed template, so it needs an account; against the template
# scripts/synth.sh just wrote, it runs offline. A memory change on the lmi stage must publish a new
# version (the old one destroyed, its execution environments with it), move `live` and the
# alarms that follow the version, and leave the capacity provider and its network alone.
LMI_TEMPLATE=cdk.out/lmi/TransactionsApi-lmi.template.json
LMI_DIFF_TYPES='AWS::CloudWatch::Alarm AWS::CloudWatch::Dashboard AWS::Lambda::Alias AWS::Lambda::Function AWS::Lambda::Version'
lmi_diff_offline() {
  local dir rc=0
  dir=$(mktemp -d) || return
  lmi_diff_offline_in "$dir" || rc=$?
  rm -rf "$dir"
  return "$rc"
}
lmi_diff_offline_in() {
  local dir=$1 log types
  log="$dir/diff.log"
  [ -f "$LMI_TEMPLATE" ] || { fail "$LMI_TEMPLATE missing: run scripts/synth.sh lmi"; return 1; }
  npx cdk diff -c stage=lmi -c memoryMb=4096 --no-notices -o "$dir/out" --template "$LMI_TEMPLATE" \
    TransactionsApi-lmi >"$log" 2>&1 || { cat "$log"; fail "cdk diff -c stage=lmi failed"; return 1; }
  grep -E '^\[[-+~]\] |MemorySize|^ +[└├]─ \[[-+]\] [0-9]+$' "$log"
  grep -qE '^\[-\] AWS::Lambda::Version .* destroy$' "$log" || { fail "old version not destroyed"; return 1; }
  grep -qE '^\[\+\] AWS::Lambda::Version ' "$log" || { fail "no new version"; return 1; }
  grep -A2 'MemorySize' "$log" | tr -d ' ' | tr '\n' ' ' | grep -q '\[-\]2048 .*\[+\]4096' ||
    { fail "MemorySize did not go 2048 -> 4096"; return 1; }
  types=$(grep -E '^\[[-+~]\] ' "$log" | awk '{print $2}' | sort -u | tr '\n' ' ')
  [ "${types% }" = "$LMI_DIFF_TYPES" ] || { fail "changed types: $types"; return 1; }
  CHECK_DETAIL="new version (old destroyed), MemorySize 2048 -> 4096; changed: ${types% }"
}

infra_steps() {
  run_step "npm ci if package-lock.json changed" npm_ci_if_stale &&
  run_step "lint (biome)" npm run --silent lint &&
  run_step "typecheck (tsc strict)" npm run --silent typecheck &&
  run_step "unit tests (jest, bundling skipped)" npm test --silent &&
  run_step "CDK CLI without a stage: ls, doctor work; synth refused" cli_without_stage &&
  if [ -z "${CHECK_INFRA_SKIP_SYNTH:-}" ]; then
    run_step "real synth + cdk-nag + cfn-lint (scripts/synth.sh)" scripts/synth.sh &&
    run_step "cdk diff of the lmi stage, offline against its template" lmi_diff_offline
  fi
}
infra_steps
step_summary infra
