#!/usr/bin/env bash
# Cloud mode end to end against MiniStack (a local AWS emulator), no AWS account needed:
# starts MiniStack on 127.0.0.1 in its own process group (scripts/lib.sh), creates a function from a host-arch
# bootstrap (default: lambda-bench's fake-bootstrap), runs `lambda-bench cloud` with forced cold
# starts and warm invocations, checks the JSON, and always stops the emulator by its group id.
#
#   scripts/cloud-emulator-check.sh                 build with cargo, then check (`scripts/test.sh bench_cloud`)
#   LAMBDA_BENCH=path BOOTSTRAP=path scripts/cloud-emulator-check.sh
#
# Needs ministack and awscli (scripts/requirements-tools.txt) and jq. MiniStack answers Invoke
# without LogResult and with its own request ids, so this exercises the CloudWatch Logs fallback
# and its match-by-time path.
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_TAG=cloud-check
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh

work=$(mktemp -d)
cleanup() {
  local pgid=$EMULATOR_PID port=$EMULATOR_PORT rc=0
  if [ -n "$pgid" ]; then
    emulator_stop
    emulator_gone "$port" "$pgid" || rc=1
  fi
  rm -rf "$work"
  return "$rc"
}
trap 'cleanup || exit 1' EXIT

if [ -z "${LAMBDA_BENCH:-}" ] || [ -z "${BOOTSTRAP:-}" ]; then
  log "building lambda-bench and fake-bootstrap"
  cargo build -q --locked --profile tool -p lambda-bench --bins
  dir="${CARGO_TARGET_DIR:-target}/tool"
  LAMBDA_BENCH=${LAMBDA_BENCH:-$dir/lambda-bench}
  BOOTSTRAP=${BOOTSTRAP:-$dir/fake-bootstrap}
fi

log "starting MiniStack on 127.0.0.1"
emulator_start "$work/emulator" || { tail -n 5 "$work/emulator/ministack.log"; die "MiniStack did not start"; }
log "MiniStack on 127.0.0.1:$EMULATOR_PORT (process group $EMULATOR_PID)"

# Clients talk to the emulator only: dummy keys, no profile or config file, no instance metadata.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_CONFIG_FILE=/dev/null \
  AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true \
  AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_PAGER=""
python3 - "$BOOTSTRAP" "$work/function.zip" <<'PY'
import sys, zipfile
info = zipfile.ZipInfo("bootstrap")
info.external_attr = 0o755 << 16
with zipfile.ZipFile(sys.argv[2], "w") as z:
    z.writestr(info, open(sys.argv[1], "rb").read())
PY
arch=$([ "$(uname -m)" = aarch64 ] && echo arm64 || echo x86_64)
# The emulator runs with IAM enforcement (AUTH=true): the execution role must exist.
role=$(aws iam create-role --role-name bench --query Role.Arn --output text --assume-role-policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}')
aws lambda create-function --function-name bench-check --runtime provided.al2023 --handler bootstrap \
  --role "$role" --zip-file "fileb://$work/function.zip" \
  --memory-size 256 --architectures "$arch" --environment 'Variables={KEEP=me}' >/dev/null
aws lambda wait function-active-v2 --function-name bench-check 2>/dev/null || true

echo '{"requestId":"req-seed-0001","transactions":[{"id":"tx-1","amount":150.5,"type":"CREDIT"}]}' >"$work/event.json"
log "lambda-bench cloud: 2 forced cold starts, 6 warm invocations"
start=$(date +%s)
"$LAMBDA_BENCH" cloud --function bench-check -e "$work/event.json" --cold 2 --warm 6 \
  --logs-timeout 15 --json "$work/out.json" --quiet
log "took $(( $(date +%s) - start )) s"

jq -e '.mode == "cloud" and (.targets[0].samples | length) == 8' "$work/out.json" >/dev/null
jq -e '[.targets[0].samples[] | select(.status == "ok" and .duration_ms != null)] | length == 8' "$work/out.json" >/dev/null \
  || { echo "not every sample got its REPORT line:"; jq '.targets[0].samples' "$work/out.json"; exit 1; }
jq -e '.targets[0].memory_size_mb == 256' "$work/out.json" >/dev/null
vars=$(aws lambda get-function-configuration --function-name bench-check --query 'Environment.Variables' --output json)
echo "$vars" | jq -e '.KEEP == "me" and (.LAMBDA_BENCH_COLD_START | length) > 0' >/dev/null \
  || { echo "cold-start variable not set or other variables lost: $vars"; exit 1; }
log "ok: 8 invocations, every REPORT line found in CloudWatch Logs, cold-start update kept KEEP=me"
