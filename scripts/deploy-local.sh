#!/usr/bin/env bash
# Deploy for real, on this machine: the real CDK CLI deploys the `local` stage to a local AWS
# emulator, the deployed API and function are called end to end with real clients (curl SigV4, the
# AWS CLI, the pipeline's smoke test, the bench tool), then a config change is rolled out and the
# stack destroyed. Every check is timed and printed PASS/FAIL; the run ends with `N passed, M failed`
# and exits non-zero if anything failed. See docs/deploy-local.md.
#
#   scripts/deploy-local.sh                       start MiniStack on a free loopback port, run everything
#   LOCAL_AWS_ENDPOINT=http://localhost:4566 ...  use an emulator you run (e.g. LocalStack); not started
#                                                 or stopped here, IAM-enforcement checks not run
#   DEPLOY_LOCAL_WORKDIR=dir                      logs, outputs, emulator state (default .ministack/run/)
#   DEPLOY_LOCAL_SKIP_BENCH=1                     do not build/run the bench tool's cloud mode
#
# The emulator is always stopped (its whole process group, by PID) and its port checked closed,
# also when a step fails or the run is interrupted.
set -uo pipefail
# fd 9: the terminal's stderr, so messages of the traps reach it even while a check's output is
# redirected to the check's log.
exec 9>&2
# shellcheck source-path=SCRIPTDIR
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1

STACK=TransactionsApi-local
WORK=${DEPLOY_LOCAL_WORKDIR:-$ROOT/.ministack/run}
REGION=${LOCAL_AWS_REGION:-us-east-1}
ACCOUNT=${LOCAL_AWS_ACCOUNT:-000000000000}
REDEPLOY_MEMORY_MB=${DEPLOY_LOCAL_REDEPLOY_MEMORY_MB:-320}
EXTERNAL=${LOCAL_AWS_ENDPOINT:-}

HERE=$ROOT/scripts/deploy-local
# Logging, the timed check runner (run_step, fail, step_summary), npm_ci_if_stale, the emulator.
# shellcheck source=SCRIPTDIR/lib.sh
. "$ROOT/scripts/lib.sh"
# shellcheck source=SCRIPTDIR/deploy-local/checks.sh
. "$HERE/checks.sh"
# shellcheck source=SCRIPTDIR/deploy-local/contract.sh
. "$HERE/contract.sh"
# Each check's output goes to its own log under $WORK/checks (printed only when it fails).
STEP_LOG_DIR=$WORK/checks
check() { run_step "$@"; }
# To fd 9 (the caller's stderr, opened above), not to a check's log.
say() { printf '\033[1;34m[deploy-local]\033[0m %s\n' "$*" >&9; }

# ---- clients talk to the emulator only ------------------------------------------------------------
# Dummy credentials, no profile or config file from ~/.aws, no instance metadata lookups, no CDK
# telemetry or version check: nothing may reach a real AWS endpoint or the internet.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_ROLE_ARN \
  AWS_WEB_IDENTITY_TOKEN_FILE AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export AWS_REGION=$REGION AWS_DEFAULT_REGION=$REGION
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
export AWS_PAGER="" AWS_MAX_ATTEMPTS=2
export CDK_DISABLE_CLI_TELEMETRY=true CDK_DISABLE_VERSION_CHECK=1 CI=true

# ---- always clean up ------------------------------------------------------------------------------
STOPPED_PORT=""
STOPPED_PGID=""
cleanup() {
  if [ -n "$EMULATOR_PID" ]; then
    STOPPED_PORT=$EMULATOR_PORT STOPPED_PGID=$EMULATOR_PID
    say "stopping MiniStack (process group $EMULATOR_PID, port $EMULATOR_PORT)"
    emulator_stop
  fi
}
on_exit() {
  local rc=$?
  cleanup
  if [ -n "$STOPPED_PGID" ] && ! emulator_gone "$STOPPED_PORT" "$STOPPED_PGID" >&9; then
    say "emulator left something behind"
    rc=1
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'say "interrupted"; exit 130' INT
trap 'say "terminated"; exit 143' TERM

# One run per work directory at a time (the test command may run while someone runs this by hand):
# wait for the other run rather than emptying its directory under it.
mkdir -p "$(dirname "$WORK")"
exec 8>"$WORK.lock"
if ! flock -n 8; then
  say "another deploy-local run holds $WORK.lock: waiting for it (up to 20 min)"
  flock -w 1200 8 || { say "gave up waiting for $WORK.lock"; exit 1; }
fi

# Start from an empty work directory, but only ever delete one this script made (it has the marker).
if [ -d "$WORK" ] && [ -n "$(ls -A "$WORK")" ] && [ ! -f "$WORK/.deploy-local" ]; then
  say "$WORK exists and was not made by this script: refusing to empty it"; exit 1
fi
rm -rf "$WORK" && mkdir -p "$WORK" && touch "$WORK/.deploy-local"

# ---- idempotent set-up ----------------------------------------------------------------------------
pinned() { grep -E "^$1==" "$ROOT/scripts/requirements-tools.txt"; }
need_pip=()
for pkg in ministack awscli; do
  want=$(pinned "$pkg" | cut -d= -f3)
  have=$(python3 -m pip show "$pkg" 2>/dev/null | awk '/^Version:/{print $2}')
  [ "$have" = "$want" ] || need_pip+=("$(pinned "$pkg")")
done
if [ "${#need_pip[@]}" -gt 0 ]; then
  say "pip install ${need_pip[*]}"
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "${need_pip[@]}" || exit 1
  command -v pyenv >/dev/null 2>&1 && pyenv rehash
fi
for tool in aws jq curl cargo node; do
  command -v "$tool" >/dev/null 2>&1 || { say "missing $tool: run scripts/setup.sh"; exit 1; }
done
npm_ci_if_stale || exit 1

# ---- build (outside the timed rehearsal) ----------------------------------------------------------
# Three cloud assemblies of the `local` stage, each a real `cdk synth` (which builds the bootstrap
# for the host architecture through cargo-lambda-cdk): `assembly` is deployed; `assembly-resynth`, a
# second independent synth, is what `cdk diff` compares with the deployed stack; `assembly-changed`
# carries the configuration change (`-c memoryMb=<n>`) of the redeploy. Synthesizing up front keeps
# the rehearsal itself free of synths (several CPU-seconds each).
synth() {
  local out=$1; shift
  "$ROOT/node_modules/.bin/cdk" synth -c stage=local "$@" -q --no-notices --output "$WORK/$out" \
    >"$WORK/build-$out.log" 2>&1 || { tail -n 40 "$WORK/build-$out.log"; say "cdk synth ($out) failed"; return 1; }
}
say "build: cdk synth -c stage=local (builds the bootstrap for $(uname -m))"
t_build=$(now_ns)
# One after the other: concurrent cargo-lambda builds into one target directory race (one of them
# can find no binary), and the later two are no-op builds anyway.
synth assembly || exit 1
synth assembly-resynth || exit 1
synth assembly-changed -c "memoryMb=$REDEPLOY_MEMORY_MB" || exit 1
BENCH_BIN=""
BENCH_WARM=${DEPLOY_LOCAL_BENCH_WARM:-20}
if [ -f "$ROOT/bench/Cargo.toml" ] && [ -z "${DEPLOY_LOCAL_SKIP_BENCH:-}" ]; then
  if cargo build -q --profile tool -p lambda-bench >"$WORK/build-bench.log" 2>&1; then
    bin="${CARGO_TARGET_DIR:-$ROOT/target}/tool/lambda-bench"
    if "$bin" cloud --help >/dev/null 2>&1; then BENCH_BIN=$bin; fi
  fi
fi
say "build done in $(elapsed "$t_build" "$(now_ns)")"

# ---- the rehearsal --------------------------------------------------------------------------------
t_all=$(now_ns)
start_emulator() {
  if [ -n "$EXTERNAL" ]; then
    local host=${EXTERNAL#*://}; host=${host%%/*}; host=${host%:*}
    case "$host" in
      localhost | 127.* | '[::1]' | *.localhost | localhost.localstack.cloud | *.localhost.localstack.cloud) ;;
      *) fail "LOCAL_AWS_ENDPOINT must be a loopback emulator, not $EXTERNAL"; return 1 ;;
    esac
    export AWS_ENDPOINT_URL=$EXTERNAL
    curl -fsS -o /dev/null --max-time 5 "$EXTERNAL" || curl -sS -o /dev/null --max-time 5 "$EXTERNAL/_localstack/health" \
      || { fail "nothing answers at $EXTERNAL"; return 1; }
    CHECK_DETAIL="external endpoint $EXTERNAL"
    return 0
  fi
  emulator_start "$WORK/emulator" || { fail "MiniStack did not become healthy (see $WORK/emulator/ministack.log)"; return 1; }
  [ "$(ps -o pgid= -p "$EMULATOR_PID" | tr -d ' ')" = "$EMULATOR_PID" ] \
    || { fail "MiniStack is not leading its own process group"; return 1; }
  local listeners
  listeners=$(ss -Hltnp 2>/dev/null | grep -E "pid=($(ps -o pid= -g "$EMULATOR_PID" | tr -d ' ' | paste -sd'|')),")
  echo "$listeners"
  if grep -vqE "127\.0\.0\.1:" <<<"$listeners"; then fail "MiniStack listens beyond loopback: $listeners"; return 1; fi
  local version; version=$(python3 -m pip show ministack 2>/dev/null | awk '/^Version:/{print $2}')
  CHECK_DETAIL="MiniStack $version on 127.0.0.1:$EMULATOR_PORT (pid $EMULATOR_PID), AUTH=true"
}

run_all() {
  check "emulator up (loopback only)" start_emulator || return
  check "cdk bootstrap: the README's deploy lines as written" step_bootstrap || return
  if ! check "cdk deploy -c stage=local" step_deploy; then
    # MiniStack's state dies with it; an emulator we do not run keeps a half-made stack otherwise.
    [ -z "$EXTERNAL" ] || cdk_app assembly destroy --force >"$WORK/destroy-after-failure.log" 2>&1
    return 1
  fi
  if [ -z "$EXTERNAL" ]; then
    check "IAM callers for the API" step_callers || return
  else
    # An emulator we do not run may not enforce IAM: sign as the root test key, skip negative checks.
    CALLER_KEY=test:test
  fi
  # SigV4-signed POST /transactions (seed) and, with IAM enforced, unsigned / wrong signature /
  # caller without execute-api:Invoke refused: all in the pipeline's smoke test.
  check "API: signed seed POST + refusals (scripts/smoke-test.py)" check_pipeline_smoke_test
  [ -z "$EXTERNAL" ] || say "not run against an external endpoint: unsigned / wrong signature / not-allowed (needs IAM enforcement)"
  local f
  for f in "$ROOT"/events/invalid/*.json; do
    check "API: invalid payload $(basename "$f") -> 400" check_api_invalid "$f"
  done
  check "API: wrong content-type -> 415" check_api_wrong_content_type
  check "API: schemathesis against api/openapi.yaml" check_api_schemathesis
  [ -n "$EXTERNAL" ] || check "docs: copy-paste invoke and signed curl lines" check_docs_call_lines
  check "aws lambda invoke of the live alias" check_invoke_alias
  check "aws lambda invoke, invalid payload -> function error" check_invoke_invalid
  check "wiring: route -> integration -> live alias" check_route_wiring
  check "wiring: REPORT lines in the function's log group" check_logs_report
  check "wiring: alarms and dashboard" check_alarms_dashboard
  if [ -n "$BENCH_BIN" ]; then
    check "bench: lambda-bench cloud against the alias" check_bench_cloud
    check "bench: memory sweep 128/256/512 MB, function restored" check_bench_sweep
  else
    say "bench: not run (no lambda-bench with a cloud mode${DEPLOY_LOCAL_SKIP_BENCH:+, DEPLOY_LOCAL_SKIP_BENCH set})"
  fi
  check "cdk diff: no changes" check_diff_clean
  check "redeploy after a config change: new version behind live" check_redeploy_new_version
  check "cdk destroy" check_destroy
}
run_all
aborted=$?
[ "$aborted" -eq 0 ] || say "rehearsal stopped early: the checks after the failed step were not run"
say "rehearsal took $(elapsed "$t_all" "$(now_ns)") (emulator start to destroy)"

if [ -n "$EMULATOR_PID" ]; then
  pgid=$EMULATOR_PID port=$EMULATOR_PORT
  check "emulator stopped, nothing listening" eval 'emulator_stop; emulator_gone '"$port $pgid"
fi
printf 'logs: %s\n' "$WORK"
step_summary deploy-local && [ "$aborted" -eq 0 ]
