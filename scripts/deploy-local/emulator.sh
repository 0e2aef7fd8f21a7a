# shellcheck shell=bash
# The local AWS emulator for scripts/deploy-local.sh: MiniStack (PyPI `ministack`, pinned in
# scripts/requirements-tools.txt), started on loopback on a free port in its own process group, and
# stopped by that group's id. Nothing here touches an emulator the caller provides
# (LOCAL_AWS_ENDPOINT): that one is theirs to run and stop.

EMULATOR_PID=""
EMULATOR_PORT=""

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

port_listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# emulator_start <state dir>: sets EMULATOR_PID/EMULATOR_PORT and exports the client environment.
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
    # 8>&- 9>&-: it must not inherit the run lock or our stderr copy.
    env TMPDIR="$dir" BIND_HOST=127.0.0.1 GATEWAY_PORT="$EMULATOR_PORT" \
      MINISTACK_ACCOUNT_ID="$ACCOUNT" MINISTACK_REGION="$REGION" MINISTACK_HOST=localhost \
      AUTH=true AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
      IOT_MTLS_ENABLED=0 SFTP_ENABLED=0 SFTP_HOST=127.0.0.1 PERSIST_STATE=0 \
      LOG_LEVEL="${MINISTACK_LOG_LEVEL:-INFO}" \
      setsid python3 -m ministack >"$dir/ministack.log" 2>&1 </dev/null 8>&- 9>&- &
    EMULATOR_PID=$!
    local _
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
  # Any other socket the emulator might have opened belongs to a process of its group, checked above.
  return 0
}
