#!/usr/bin/env bash
# The inner loop of docs/develop.md, checked: `cargo lambda watch` (host build, rebuilt on every
# save) on a free loopback port, `cargo lambda invoke --data-file events/seed-3tx.json` against it,
# the answer compared with events/seed-3tx.expected.json. The function is built first (the dev
# build `cargo lambda watch` runs), then the check is bounded by WATCH_TIMEOUT seconds (default
# 120); it fails as soon as the function exits under the watcher. The watcher's whole process group
# and the invoke are stopped on every exit path.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
LOG_TAG=watch-check
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh
work=$(mktemp -d)
pgid=""
invoke_pid=""
stop_watch() {
  [ -z "$invoke_pid" ] || { kill "$invoke_pid" 2>/dev/null; wait "$invoke_pid" 2>/dev/null; invoke_pid=""; }
  [ -n "$pgid" ] || return 0
  kill -TERM -- "-$pgid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pgid" 2>/dev/null
  wait "$pgid" 2>/dev/null
  # Nothing of the watcher (cargo, the function) may outlive the check.
  left=$(ps -o pid= -g "$pgid" 2>/dev/null | tr -d ' ' | tr '\n' ' ')
  pgid=""
  [ -z "$left" ] || { log "processes left in group: $left"; return 1; }
}
trap 'stop_watch; rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "cargo build -p transactions-lambda --bin bootstrap (what the watcher runs)"
cargo build --locked -p transactions-lambda --bin bootstrap || die "build failed"
deadline=$((SECONDS + ${WATCH_TIMEOUT:-120}))
port=$(free_port)
log "cargo lambda watch on 127.0.0.1:$port"
setsid cargo lambda watch --locked -p transactions-lambda --bin bootstrap -A 127.0.0.1 -P "$port" \
  >"$work/watch.log" 2>&1 </dev/null &
pgid=$!
until port_listening "$port"; do
  kill -0 "$pgid" 2>/dev/null || { tail -n 20 "$work/watch.log"; die "cargo lambda watch exited"; }
  [ "$SECONDS" -lt "$deadline" ] || { tail -n 20 "$work/watch.log"; die "not listening after ${WATCH_TIMEOUT:-120} s"; }
  sleep 0.2
done
log "listening; cargo lambda invoke --data-file events/seed-3tx.json"
t0=$SECONDS
cargo lambda invoke bootstrap -A 127.0.0.1 -P "$port" --data-file events/seed-3tx.json \
  --output-format json >"$work/answer.json" 2>"$work/invoke.err" </dev/null &
invoke_pid=$!
while kill -0 "$invoke_pid" 2>/dev/null; do
  # The watcher restarts a function that exits, and the invoke would wait: fail at once instead.
  if grep -q 'command exited code=' "$work/watch.log"; then
    tail -n 20 "$work/watch.log"; die "the function exited under cargo lambda watch"
  fi
  [ "$SECONDS" -lt "$deadline" ] || { tail -n 20 "$work/watch.log"; die "no answer after ${WATCH_TIMEOUT:-120} s"; }
  sleep 0.2
done
wait "$invoke_pid" || { cat "$work/invoke.err"; tail -n 30 "$work/watch.log"; invoke_pid=""; die "invoke failed"; }
invoke_pid=""
cat "$work/answer.json"; echo
# Every field of the expected answer, and totalCredit written exactly as expected (not a float
# that merely compares equal).
jq -e --slurpfile want "$SEED_EXPECTED" '. as $got | $want[0] | to_entries | all(.value == $got[.key])' \
  "$work/answer.json" >/dev/null || die "answer differs from $SEED_EXPECTED"
total=$(seed_expected totalCredit)
grep -Eq "\"totalCredit\":${total//./\\.}[,}]" <(tr -d ' \n' <"$work/answer.json") || die "totalCredit not written as $total"
log "ok: answer matches events/seed-3tx.expected.json (invoke $((SECONDS - t0)) s)"
stop_watch || exit 1
