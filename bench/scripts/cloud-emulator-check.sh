#!/usr/bin/env bash
# Cloud mode end to end against MiniStack (a local AWS emulator), no AWS account needed:
# starts MiniStack on 127.0.0.1 in its own process group, creates a function from a host-arch
# bootstrap (default: lambda-bench's fake-bootstrap), runs `lambda-bench cloud` with forced cold
# starts and warm invocations, checks the JSON, and always stops the emulator by its group id.
#
#   bench/scripts/cloud-emulator-check.sh                 build with cargo, then check
#   LAMBDA_BENCH=path BOOTSTRAP=path bench/scripts/cloud-emulator-check.sh
#
# Needs ministack and awscli (scripts/requirements-tools.txt) and jq. MiniStack answers Invoke
# without LogResult and with its own request ids, so this exercises the CloudWatch Logs fallback
# and its match-by-time path.
set -euo pipefail
cd "$(dirname "$0")/../.."
say() { printf '\033[1;34m[cloud-check]\033[0m %s\n' "$*"; }

work=$(mktemp -d)
pgid=""
cleanup() {
  if [ -n "$pgid" ]; then
    kill -TERM -- "-$pgid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pgid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${LAMBDA_BENCH:-}" ] || [ -z "${BOOTSTRAP:-}" ]; then
  say "building lambda-bench and fake-bootstrap"
  cargo build -q --profile tool -p lambda-bench --bins
  dir="${CARGO_TARGET_DIR:-target}/tool"
  LAMBDA_BENCH=${LAMBDA_BENCH:-$dir/lambda-bench}
  BOOTSTRAP=${BOOTSTRAP:-$dir/fake-bootstrap}
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
say "starting MiniStack on 127.0.0.1:$port"
env TMPDIR="$work" BIND_HOST=127.0.0.1 GATEWAY_PORT="$port" MINISTACK_ACCOUNT_ID=000000000000 \
  MINISTACK_REGION=us-east-1 MINISTACK_HOST=localhost IOT_MTLS_ENABLED=0 SFTP_ENABLED=0 \
  SFTP_HOST=127.0.0.1 PERSIST_STATE=0 setsid python3 -m ministack >"$work/ministack.log" 2>&1 </dev/null &
pgid=$!
for _ in $(seq 1 150); do
  curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/_ministack/health" 2>/dev/null && break
  kill -0 "$pgid" 2>/dev/null || { tail -5 "$work/ministack.log"; exit 1; }
  sleep 0.1
done

export AWS_ENDPOINT_URL="http://localhost:$port" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
  AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_PAGER=""
python3 - "$BOOTSTRAP" "$work/function.zip" <<'PY'
import sys, zipfile
info = zipfile.ZipInfo("bootstrap")
info.external_attr = 0o755 << 16
with zipfile.ZipFile(sys.argv[2], "w") as z:
    z.writestr(info, open(sys.argv[1], "rb").read())
PY
arch=$([ "$(uname -m)" = aarch64 ] && echo arm64 || echo x86_64)
aws lambda create-function --function-name bench-check --runtime provided.al2023 --handler bootstrap \
  --role arn:aws:iam::000000000000:role/bench --zip-file "fileb://$work/function.zip" \
  --memory-size 256 --architectures "$arch" --environment 'Variables={KEEP=me}' >/dev/null
aws lambda wait function-active-v2 --function-name bench-check 2>/dev/null || true

echo '{"requestId":"req-seed-0001","transactions":[{"id":"tx-1","amount":150.5,"type":"CREDIT"}]}' >"$work/event.json"
say "lambda-bench cloud: 2 forced cold starts, 6 warm invocations"
start=$(date +%s)
"$LAMBDA_BENCH" cloud --function bench-check -e "$work/event.json" --cold 2 --warm 6 \
  --logs-timeout 15 --json "$work/out.json" --quiet
say "took $(( $(date +%s) - start )) s"

jq -e '.mode == "cloud" and (.targets[0].samples | length) == 8' "$work/out.json" >/dev/null
jq -e '[.targets[0].samples[] | select(.status == "ok" and .duration_ms != null)] | length == 8' "$work/out.json" >/dev/null \
  || { echo "not every sample got its REPORT line:"; jq '.targets[0].samples' "$work/out.json"; exit 1; }
jq -e '.targets[0].memory_size_mb == 256' "$work/out.json" >/dev/null
vars=$(aws lambda get-function-configuration --function-name bench-check --query 'Environment.Variables' --output json)
echo "$vars" | jq -e '.KEEP == "me" and (.LAMBDA_BENCH_COLD_START | length) > 0' >/dev/null \
  || { echo "cold-start variable not set or other variables lost: $vars"; exit 1; }
say "ok: 8 invocations, every REPORT line found in CloudWatch Logs, cold-start update kept KEEP=me"
