# shellcheck shell=bash
# What the project's scripts share: the project's Node first on PATH, logging, a timed step
# runner, `npm ci` when the lock file changed, and the local AWS emulator (MiniStack) started and
# stopped by process group.
#   . "$(dirname "$0")/lib.sh"        (from scripts/; set LOG_TAG first to name the log lines)
# Nothing here changes the shell options or the working directory of the script that sources it.

LIB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The project's own Node (.node-version), which scripts/setup.sh installs here when the machine's is
# older: first on PATH for every script, and for what they run (npx cdk, jest).
NODE_TOOLS="$LIB_ROOT/.tools/node"
case ":$PATH:" in *":$NODE_TOOLS/bin:"*) ;; *) export PATH="$NODE_TOOLS/bin:$PATH" ;; esac

# ---- logging ---------------------------------------------------------------------------------------
log() { printf '\033[1;34m[%s]\033[0m %s\n' "${LOG_TAG:-${0##*/}}" "$*"; }
die() { printf '\033[1;31m[%s] %s\033[0m\n' "${LOG_TAG:-${0##*/}}" "$*" >&2; exit 1; }
now_ns() { date +%s%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fs", (b - a) / 1e9 }'; }

# ---- timed steps -----------------------------------------------------------------------------------
# run_step NAME CMD [ARGS...]: runs CMD, times it, records PASS/FAIL, returns CMD's status.
# CMD may set CHECK_DETAIL (one line printed beside the verdict); `fail "why"` sets it and fails.
# With STEP_LOG_DIR set, CMD's output goes to STEP_LOG_DIR/NN-name.log (its tail is printed on a
# failure) and each verdict is printed as it comes; otherwise the output is live, under a header.
STEP_PASSED=0
STEP_FAILED=0
STEP_NO=0
STEP_LINES=()
STEP_FAILED_NAMES=()
CHECK_DETAIL=""
run_step() {
  local name=$1 t0 rc log verdict line
  shift
  STEP_NO=$((STEP_NO + 1))
  CHECK_DETAIL=""
  t0=$(now_ns)
  if [ -n "${STEP_LOG_DIR:-}" ]; then
    mkdir -p "$STEP_LOG_DIR"
    log=$(printf '%s/%02d-%s.log' "$STEP_LOG_DIR" "$STEP_NO" \
      "$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '-' | cut -c1-60)")
    "$@" >"$log" 2>&1
    rc=$?
  else
    printf '\n\033[1;36m==> %s\033[0m\n' "$name"
    "$@"
    rc=$?
  fi
  if [ "$rc" -eq 0 ]; then
    STEP_PASSED=$((STEP_PASSED + 1)); verdict='\033[32mPASS\033[0m'
  else
    STEP_FAILED=$((STEP_FAILED + 1)); verdict='\033[31mFAIL\033[0m'; STEP_FAILED_NAMES+=("$name")
  fi
  line=$(printf '%s %8s  %s%s' "$verdict" "$(elapsed "$t0" "$(now_ns)")" "$name" "${CHECK_DETAIL:+ — $CHECK_DETAIL}")
  STEP_LINES+=("$line")
  if [ -n "${STEP_LOG_DIR:-}" ]; then
    printf '%b\n' "$line"
    [ "$rc" -eq 0 ] || sed 's/^/       | /' "$log" | tail -n 25
  fi
  return "$rc"
}

# fail "reason": for use inside a step, `... || { fail "expected 200, got 403"; return 1; }`.
fail() { CHECK_DETAIL=$*; echo "FAILED: $*"; return 1; }

# step_summary [LABEL]: the verdict table (when the output was live), then the closing line
# "LABEL: N passed, M failed"; returns non-zero if any step failed.
step_summary() {
  if [ -z "${STEP_LOG_DIR:-}" ] && [ "${#STEP_LINES[@]}" -gt 0 ]; then
    printf '\n'; printf '%b\n' "${STEP_LINES[@]}"
  fi
  [ "$STEP_FAILED" -eq 0 ] || printf 'failed: %s\n' "${STEP_FAILED_NAMES[@]}"
  echo "${1:-steps}: $STEP_PASSED passed, $STEP_FAILED failed"
  [ "$STEP_FAILED" -eq 0 ]
}

# ---- npm -------------------------------------------------------------------------------------------
# npm_ci_if_stale: `npm ci` unless node_modules was installed from exactly this package-lock.json
# (one condition: the lock file's hash, stamped into node_modules after each install).
npm_ci_if_stale() {
  local stamp="$LIB_ROOT/node_modules/.package-lock.sha256" want
  want=$(sha256sum "$LIB_ROOT/package-lock.json" | cut -d' ' -f1)
  [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return 0
  log "npm ci (package-lock.json changed or node_modules missing)"
  (cd "$LIB_ROOT" && npm ci --no-audit --no-fund --loglevel=error) && echo "$want" >"$stamp"
}

# ---- the local AWS emulator --------------------------------------------------------------------------
# MiniStack (PyPI `ministack`, pinned in scripts/requirements-tools.txt) on loopback on a free port, in
# its own process group, stopped by that group's id. Used by scripts/deploy-local.sh and
# scripts/cloud-emulator-check.sh. Account and region: $ACCOUNT and $REGION (defaults below).
EMULATOR_PID=""
EMULATOR_PORT=""

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

port_listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# emulator_start <state dir>: sets EMULATOR_PID/EMULATOR_PORT and exports AWS_ENDPOINT_URL.
emulator_start() {
  local dir=$1 _
  mkdir -p "$dir"
  for _ in 1 2 3; do
    EMULATOR_PORT=$(free_port)
    # BIND_HOST: MiniStack binds 0.0.0.0 by default. IOT_MTLS_ENABLED/SFTP_ENABLED: its optional
    # MQTT (8883) and SFTP listeners bind 0.0.0.0 on their own ports, so turn them off.
    # AUTH=true: verify SigV4 signatures of IAM users' keys and evaluate their policies (the root
    # key `test` is accepted as is), so the API's IAM authorization is really exercised.
    # TMPDIR: its PID file, extracted function code and TLS material stay in our state dir.
    # setsid: its own process group, so stopping it also ends the bootstrap processes it spawned.
    # 8>&- 9>&-: it must not inherit deploy-local's run lock or its stderr copy.
    env TMPDIR="$dir" BIND_HOST=127.0.0.1 GATEWAY_PORT="$EMULATOR_PORT" \
      MINISTACK_ACCOUNT_ID="${ACCOUNT:-000000000000}" MINISTACK_REGION="${REGION:-us-east-1}" \
      MINISTACK_HOST=localhost AUTH=true AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
      IOT_MTLS_ENABLED=0 SFTP_ENABLED=0 SFTP_HOST=127.0.0.1 PERSIST_STATE=0 \
      LOG_LEVEL="${MINISTACK_LOG_LEVEL:-INFO}" \
      setsid python3 -m ministack >"$dir/ministack.log" 2>&1 </dev/null 8>&- 9>&- &
    EMULATOR_PID=$!
    for _ in $(seq 1 150); do
      if ! kill -0 "$EMULATOR_PID" 2>/dev/null; then break; fi
      if curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$EMULATOR_PORT/_ministack/health"; then
        export AWS_ENDPOINT_URL="http://localhost:$EMULATOR_PORT"
        return 0
      fi
      sleep 0.1
    done
    # Lost a race for the port, or it did not come up: stop what we started and try another port.
    emulator_stop >/dev/null 2>&1
    tail -n 5 "$dir/ministack.log" >&2
  done
  return 1
}

# emulator_stop: SIGTERM to the whole process group, SIGKILL after 10 s; idempotent.
emulator_stop() {
  [ -n "$EMULATOR_PID" ] || return 0
  local pgid=$EMULATOR_PID _
  kill -TERM -- "-$pgid" 2>/dev/null
  for _ in $(seq 1 100); do
    kill -0 -- "-$pgid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 -- "-$pgid" 2>/dev/null; then
    kill -KILL -- "-$pgid" 2>/dev/null
    sleep 0.2
  fi
  wait "$EMULATOR_PID" 2>/dev/null
  EMULATOR_PID=""
}

# emulator_gone <port> <pgid>: nothing left in the process group and nothing on the port.
emulator_gone() {
  local port=$1 pgid=$2 left
  left=$(ps -o pid= -g "$pgid" 2>/dev/null | tr -d ' ' | tr '\n' ' ')
  [ -z "$left" ] || { echo "processes left in group $pgid: $left"; return 1; }
  ! port_listening "$port" || { echo "127.0.0.1:$port still accepts connections"; return 1; }
  return 0
}

# ---- the seed event's expected answer (events/seed-3tx.expected.json) -----------------------------
SEED_EXPECTED="$LIB_ROOT/events/seed-3tx.expected.json"
# seed_expected FIELD: one field of the expected answer, as jq prints it.
seed_expected() { jq -r --arg k "$1" '.[$k]' "$SEED_EXPECTED"; }
