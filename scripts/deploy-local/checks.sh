# shellcheck shell=bash
# shellcheck disable=SC2034  # CHECK_DETAIL and the step globals are read by scripts/lib.sh / deploy-local.sh
# The end-to-end checks of scripts/deploy-local.sh, one function each. They run inside `check`
# (scripts/lib.sh's run_step): output goes to the check's log, a non-zero return is a FAIL,
# CHECK_DETAIL is the one-line summary. They talk only to the emulator (AWS_ENDPOINT_URL) and to
# loopback URLs. The seed's expected answer is events/seed-3tx.expected.json (SEED_EXPECTED).

# The CDK CLI on an assembly the build step synthesized (see deploy-local.sh): the timed rehearsal
# never re-synthesizes, and what was built is what is deployed. --no-notices: no fetch of
# cli.cdk.dev-tools.aws.dev.
cdk_app() {
  local assembly=$1; shift
  "$ROOT/node_modules/.bin/cdk" "$@" --no-notices --app "$WORK/$assembly"
}

output() { jq -er --arg s "$STACK" --arg k "$1" '.[$s][$k] // empty' "$WORK/outputs.json"; }

# The seed answer, as a JSON document (from a file): every field of events/seed-3tx.expected.json,
# a processedAt timestamp, and totalCredit written exactly as there.
assert_seed_answer() {
  local file=$1 total
  jq -e --slurpfile want "$SEED_EXPECTED" \
    '. as $got | ($want[0] | to_entries | all(.value == $got[.key]))
     and (.processedAt | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T"))' \
    "$file" >/dev/null || { cat "$file"; echo; return 1; }
  # A float that merely rounds to the total would pass jq's comparison: check the literal too.
  total=$(seed_expected totalCredit)
  grep -Eq "\"totalCredit\": ?${total//./\\.}[,}]" "$file" || { echo "totalCredit not written as $total"; return 1; }
}

# ---- set-up steps --------------------------------------------------------------------------------

step_bootstrap() {
  # The account the emulator (or the external endpoint) says we are: the environment to bootstrap.
  ACCOUNT=$(aws sts get-caller-identity --query Account --output text) || return
  # The README's lines as a user copies them: set-up, PATH, then `npx cdk bootstrap` with no stage
  # and no environment argument (the app's placeholder stack takes the credentials' environment).
  run_docs_deploy_lines || return
  aws cloudformation describe-stacks --stack-name CDKToolkit --query 'Stacks[0].StackStatus' \
    --output text | grep -Eqx '(CREATE|UPDATE)_COMPLETE' || { fail "no CDKToolkit stack after npx cdk bootstrap"; return 1; }
  if [ -n "$EMULATOR_PID" ]; then
    # The bootstrap bucket's policy denies every request that is not over TLS (aws:SecureTransport).
    # AWS endpoints are always HTTPS; MiniStack serves plain HTTP on loopback and, with AUTH=true,
    # evaluates that policy, so asset publishing would be refused. Emulator-only: drop the policy.
    local bucket
    bucket=$(aws cloudformation describe-stack-resources --stack-name CDKToolkit \
      --logical-resource-id StagingBucket --query 'StackResources[0].PhysicalResourceId' --output text) || return
    aws s3api delete-bucket-policy --bucket "$bucket" || return
  fi
  CHECK_DETAIL="README's setup, PATH and npx cdk bootstrap lines as written: CDKToolkit in aws://$ACCOUNT/$REGION"
}

step_deploy() {
  rm -f "$WORK/outputs.json"
  cdk_app assembly deploy --require-approval never --outputs-file "$WORK/outputs.json" || return
  local k missing=""
  for k in ApiUrl FunctionName FunctionArn AliasArn DashboardUrl; do
    output "$k" >/dev/null || missing+=" $k"
  done
  [ -z "$missing" ] || { fail "outputs missing:$missing"; return 1; }
  FUNCTION_NAME=$(output FunctionName)
  ALIAS_ARN=$(output AliasArn)
  API_URL=$(output ApiUrl)
  [[ "$ALIAS_ARN" == *":live" ]] || { fail "AliasArn is not the live alias: $ALIAS_ARN"; return 1; }
  # ApiUrl is what the stack would print on AWS (https://<id>.execute-api.<region>.amazonaws.com/).
  # Never call it: ask the emulator where it serves that API, and refuse anything but loopback.
  API_ID=$(sed -E 's#^https?://([a-z0-9]+)\.execute-api\..*#\1#' <<<"$API_URL")
  if [ -z "$API_ID" ] || [ "$API_ID" = "$API_URL" ]; then fail "cannot read the API id from $API_URL"; return 1; fi
  local endpoint
  endpoint=$(aws apigatewayv2 get-api --api-id "$API_ID" --query ApiEndpoint --output text) || return
  local host=${endpoint#*://}; host=${host%%/*}; host=${host%:*}
  case "$host" in
    localhost | *.localhost | 127.0.0.1 | *.localhost.localstack.cloud) ;;
    *) fail "emulator serves the API at $endpoint, which is not loopback: refusing to call it"; return 1 ;;
  esac
  TX_URL="${endpoint%/}/transactions"
  LIVE_VERSION=$(aws lambda get-alias --function-name "$FUNCTION_NAME" --name live --query FunctionVersion --output text) || return
  CHECK_DETAIL="$STACK: 5 outputs, alias live -> version $LIVE_VERSION, API at $TX_URL"
}

# Callers of the API: one allowed execute-api:Invoke on the route, one with no permission at all.
# On AWS these would be the roles of the API's clients; here they exercise IAM authorization.
step_callers() {
  local policy
  policy=$(jq -nc --arg r "arn:aws:execute-api:$REGION:$ACCOUNT:$API_ID/*/POST/transactions" \
    '{Version: "2012-10-17", Statement: [{Effect: "Allow", Action: "execute-api:Invoke", Resource: $r}]}')
  # The two users are independent: create them concurrently (each AWS CLI call costs ~0.5 s).
  {
    aws iam create-user --user-name deploy-local-caller >/dev/null &&
      aws iam put-user-policy --user-name deploy-local-caller --policy-name invoke-transactions \
        --policy-document "$policy" &&
      aws iam create-access-key --user-name deploy-local-caller \
        --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text >"$WORK/caller.key"
  } & local caller=$!
  aws iam create-user --user-name deploy-local-nobody >/dev/null &&
    aws iam create-access-key --user-name deploy-local-nobody \
      --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text >"$WORK/nobody.key" || return
  wait "$caller" || return
  CALLER_KEY=$(tr '\t' ':' <"$WORK/caller.key")
  NOBODY_KEY=$(tr '\t' ':' <"$WORK/nobody.key")
  [[ "$CALLER_KEY" == *:* && "$NOBODY_KEY" == *:* ]] || { fail "no access keys returned"; return 1; }
  CHECK_DETAIL="deploy-local-caller (execute-api:Invoke on POST /transactions), deploy-local-nobody (no policy)"
}

# ---- HTTP API --------------------------------------------------------------------------------------

# api_post <out file> <curl args...>: POST to the route, prints the HTTP status.
api_post() {
  local out=$1; shift
  curl -sS --max-time 30 -o "$out" -D "$out.headers" -w '%{http_code}' -X POST "$@" "$TX_URL"
}


# curl's own SigV4 implementation (curl >= 7.75) signs for execute-api in the stack's region.
SIGV4=(--aws-sigv4 "aws:amz:${REGION:?}:execute-api")

check_api_invalid() {
  local file=$1 name status
  name=$(basename "$file" .json)
  status=$(api_post "$WORK/api-invalid-$name.json" "${SIGV4[@]}" --user "$CALLER_KEY" \
    -H 'content-type: application/json' --data-binary "@$file") || return
  echo "HTTP $status"; cat "$WORK/api-invalid-$name.json"; echo
  [ "$status" = 400 ] || { fail "HTTP $status, want 400"; return 1; }
  jq -e '.status == "error" and (.error.code | type == "string" and length > 0)
         and (.error.message | type == "string" and length > 0)' "$WORK/api-invalid-$name.json" >/dev/null \
    || { fail "body is not {\"status\":\"error\",\"error\":{\"code\",\"message\"}}"; return 1; }
  CHECK_DETAIL="400 $(jq -r '.error.code + ": " + .error.message' "$WORK/api-invalid-$name.json" | head -c 90)"
}

check_api_wrong_content_type() {
  local status
  status=$(api_post "$WORK/api-ctype.json" "${SIGV4[@]}" --user "$CALLER_KEY" \
    -H 'content-type: text/plain' --data-binary "@$ROOT/events/seed-3tx.json") || return
  echo "HTTP $status"; cat "$WORK/api-ctype.json"; echo
  [ "$status" = 415 ] || { fail "HTTP $status, want 415"; return 1; }
  jq -e '.status == "error"' "$WORK/api-ctype.json" >/dev/null || { fail "not an error body"; return 1; }
  CHECK_DETAIL="415 $(jq -r '.error.code' "$WORK/api-ctype.json")"
}

# The signed call and the refusals, in one place: the pipeline's own smoke test (botocore SigV4,
# urllib) against this deployment. Signed by the allowed user: HTTP 200, application/json, the seed's
# expected answer; then unsigned, wrong-signature and not-allowed (deploy-local-nobody) requests must
# get 403. Against an external emulator (no IAM enforcement) only the signed call is checked.
check_pipeline_smoke_test() {
  local url=$TX_URL
  # urllib resolves names with getaddrinfo, which does not map *.localhost to loopback; MiniStack also
  # serves every API under the path-style /_aws/execute-api/<id>/, which the signature then covers.
  if [[ "$url" == *".execute-api.localhost"* ]]; then
    url="http://127.0.0.1:$EMULATOR_PORT/_aws/execute-api/$API_ID"
  else
    url=${url%/transactions}
  fi
  local refusals=(--not-allowed-key "$NOBODY_KEY") what=", unsigned / wrong signature / not allowed -> 403"
  [ -z "$EXTERNAL" ] || { refusals=(--no-refusal-checks); what=" (refusals not checked: external endpoint)"; }
  AWS_ACCESS_KEY_ID=${CALLER_KEY%%:*} AWS_SECRET_ACCESS_KEY=${CALLER_KEY#*:} \
    python3 "$ROOT/scripts/smoke-test.py" --api-url "$url" --region "$REGION" --attempts 1 "${refusals[@]}" || return
  CHECK_DETAIL="scripts/smoke-test.py --api-url $url: 200 + seed answer$what"
}

# ---- direct invoke ---------------------------------------------------------------------------------

# invoke <qualified name> <payload file> <out file>: prints the CLI's JSON (StatusCode, FunctionError…).
invoke() {
  aws lambda invoke --function-name "$1" --payload "fileb://$2" "$3" --output json
}

check_invoke_alias() {
  local meta
  meta=$(invoke "$ALIAS_ARN" "$ROOT/events/seed-3tx.json" "$WORK/invoke-seed.json") || return
  echo "$meta"; cat "$WORK/invoke-seed.json"; echo
  jq -e '.StatusCode == 200 and (has("FunctionError") | not)' <<<"$meta" >/dev/null \
    || { fail "invoke failed: $(jq -c . <<<"$meta")"; return 1; }
  local executed; executed=$(jq -r .ExecutedVersion <<<"$meta")
  [ "$executed" = "$LIVE_VERSION" ] || { fail "executed version $executed, alias points to $LIVE_VERSION"; return 1; }
  assert_seed_answer "$WORK/invoke-seed.json" || { fail "wrong answer: $(head -c 200 "$WORK/invoke-seed.json")"; return 1; }
  CHECK_DETAIL="StatusCode 200, ExecutedVersion $executed, totalCredit $(seed_expected totalCredit), signature ok"
}

check_invoke_invalid() {
  local meta
  meta=$(invoke "$ALIAS_ARN" "$ROOT/events/invalid/amount-string.json" "$WORK/invoke-invalid.json") || return
  echo "$meta"; cat "$WORK/invoke-invalid.json"; echo
  jq -e 'has("FunctionError")' <<<"$meta" >/dev/null || { fail "no FunctionError: $(jq -c . <<<"$meta")"; return 1; }
  jq -e '(.errorType | type == "string" and length > 0) and (.errorMessage | contains("transactions[0].amount"))' \
    "$WORK/invoke-invalid.json" >/dev/null \
    || { fail "want errorType and an errorMessage naming transactions[0].amount"; return 1; }
  CHECK_DETAIL="FunctionError, $(jq -r '.errorType + ": " + .errorMessage' "$WORK/invoke-invalid.json" | head -c 90)"
}

# ---- wiring ----------------------------------------------------------------------------------------

check_route_wiring() {
  local routes route target integ uri
  routes=$(aws apigatewayv2 get-routes --api-id "$API_ID" --output json) || return
  echo "$routes"
  route=$(jq -c '.Items[] | select(.RouteKey == "POST /transactions")' <<<"$routes")
  [ -n "$route" ] || { fail "no POST /transactions route"; return 1; }
  [ "$(jq -r .AuthorizationType <<<"$route")" = AWS_IAM ] || { fail "route is not AWS_IAM-authorized"; return 1; }
  target=$(jq -r '.Target' <<<"$route"); integ=${target#integrations/}
  uri=$(aws apigatewayv2 get-integration --api-id "$API_ID" --integration-id "$integ" \
    --query IntegrationUri --output text) || return
  echo "integration $integ -> $uri"
  [ "$uri" = "$ALIAS_ARN" ] || [[ "$uri" == *"/functions/$ALIAS_ARN/invocations" ]] \
    || { fail "integration targets $uri, not the live alias"; return 1; }
  CHECK_DETAIL="POST /transactions (AWS_IAM) -> integration -> ${ALIAS_ARN##*:function:}"
}

check_logs_report() {
  local group events n _
  group=$(aws lambda get-function-configuration --function-name "$FUNCTION_NAME" \
    --query LoggingConfig.LogGroup --output text) || return
  # Log delivery is asynchronous: give it a few seconds.
  for _ in $(seq 1 20); do
    events=$(aws logs filter-log-events --log-group-name "$group" --output json) || return
    n=$(jq '[.events[].message | select(test("^REPORT RequestId") or test("\"type\": ?\"platform.report\""))] | length' <<<"$events")
    [ "$n" -gt 0 ] && break
    sleep 0.5
  done
  jq -r '.events[].message' <<<"$events" | tail -n 20
  [ "${n:-0}" -gt 0 ] || { fail "no REPORT line in $group"; return 1; }
  CHECK_DETAIL="$n REPORT lines in $group"
}

check_alarms_dashboard() {
  local alarms n math dash name
  alarms=$(aws cloudwatch describe-alarms --output json) || return
  n=$(jq --arg f "$FUNCTION_NAME" '[.MetricAlarms[] | select(
        any(.Dimensions[]?; (.Value | tostring | startswith($f)))
        or any(.Metrics[]?.MetricStat.Metric.Dimensions[]?; (.Value | tostring | startswith($f))))] | length' <<<"$alarms")
  math=$(jq '[.MetricAlarms[] | select(any(.Metrics[]?; has("Expression")))] | length' <<<"$alarms")
  jq -r '.MetricAlarms[] | "\(.AlarmName)  \(.StateValue)  \(.MetricName // "metrics")"' <<<"$alarms"
  [ "$n" -gt 0 ] || { fail "no alarm on $FUNCTION_NAME"; return 1; }
  name=$(output DashboardUrl | sed -nE 's/.*[#&]dashboards:name=([^&]+).*/\1/p')
  [ -n "$name" ] || { fail "no dashboard name in DashboardUrl"; return 1; }
  dash=$(aws cloudwatch get-dashboard --dashboard-name "$name" --query DashboardBody --output text) || return
  jq -e '.widgets | length > 0' <<<"$dash" >/dev/null || { fail "dashboard $name has no widgets"; return 1; }
  CHECK_DETAIL="$n alarms on the function ($(jq '.MetricAlarms | length' <<<"$alarms") in all, $math metric-math), dashboard $name: $(jq '.widgets | length' <<<"$dash") widgets"
}

# ---- lifecycle -------------------------------------------------------------------------------------

check_diff_clean() {
  # `assembly-resynth` is a second, independent synth (and cargo-lambda build) of the same sources.
  local out rc template
  template="$STACK.template.json"
  if cmp -s "$WORK/assembly/$template" "$WORK/assembly-resynth/$template"; then
    echo "second synth: identical template"
  else
    diff "$WORK/assembly/$template" "$WORK/assembly-resynth/$template" | head -n 40
    fail "a second synth produced a different template"; return 1
  fi
  out=$(cdk_app assembly-resynth diff --fail 2>&1); rc=$?
  echo "$out"
  [ "$rc" -eq 0 ] || { fail "cdk diff --fail exited $rc"; return 1; }
  grep -q 'There were no differences' <<<"$out" || { fail "diff output does not say 'no differences'"; return 1; }
  CHECK_DETAIL="a second synth is identical, and the deployed stack has no differences"
}

check_redeploy_new_version() {
  local before after meta memory
  before=$LIVE_VERSION
  # `assembly-changed` was synthesized with `-c memoryMb=<n>`: a configuration change made on the
  # command line, no committed file touched. Memory is in the version hash, so CDK publishes a new
  # version and CloudFormation moves `live` to it.
  cdk_app assembly-changed deploy --require-approval never --outputs-file "$WORK/outputs-redeploy.json" || return
  after=$(aws lambda get-alias --function-name "$FUNCTION_NAME" --name live --query FunctionVersion --output text) || return
  memory=$(aws lambda get-function-configuration --function-name "$FUNCTION_NAME" --qualifier live \
    --query MemorySize --output text) || return
  echo "live: $before -> $after, MemorySize $memory"
  [ "$after" != "$before" ] || { fail "live still at version $before after the change"; return 1; }
  [ "$memory" = "$REDEPLOY_MEMORY_MB" ] || { fail "live version has MemorySize $memory, want $REDEPLOY_MEMORY_MB"; return 1; }
  meta=$(invoke "$ALIAS_ARN" "$ROOT/events/seed-3tx.json" "$WORK/invoke-redeployed.json") || return
  echo "$meta"
  [ "$(jq -r .ExecutedVersion <<<"$meta")" = "$after" ] || { fail "alias invoke ran $(jq -r .ExecutedVersion <<<"$meta"), want $after"; return 1; }
  assert_seed_answer "$WORK/invoke-redeployed.json" || { fail "new version answers wrongly"; return 1; }
  LIVE_VERSION=$after
  CHECK_DETAIL="memoryMb=$REDEPLOY_MEMORY_MB: live $before -> $after, invoke ran $after with the right answer"
}

check_bench_cloud() {
  # The bench tool's cloud mode, through the SDK's endpoint override (AWS_ENDPOINT_URL): warm
  # invocations of the live alias. The emulator's Invoke returns no LogResult, so the tool reads the
  # REPORT lines from CloudWatch Logs instead. Its durations are the emulator's, not Lambda's.
  "$BENCH_BIN" cloud --function "$FUNCTION_NAME" --qualifier live -e "$ROOT/events/seed-3tx.json" \
    --warm "$BENCH_WARM" --quiet --json "$WORK/bench.json" --markdown "$WORK/bench.md" || return
  cat "$WORK/bench.md"
  local ok
  ok=$(jq '[.targets[].samples[] | select(.kind == "warm" and .status == "ok" and (.duration_ms | type == "number"))] | length' \
    "$WORK/bench.json") || return
  [ "$ok" -eq "$BENCH_WARM" ] || { fail "$ok of $BENCH_WARM warm invocations ok with a REPORT Duration"; return 1; }
  CHECK_DETAIL="$ok/$BENCH_WARM warm invocations of live ok, each with its REPORT line from CloudWatch Logs"
}

check_bench_sweep() {
  # Issue 18: a three-size memory sweep of the deployed function (`lambda-bench cloud --memory`),
  # each size on a version published behind a temporary alias, never `live`. The emulator runs
  # the bootstrap as a plain process on this VM whatever the memory size: its durations (and so
  # the costs and the recommendation) mean nothing. What this proves: the configuration really
  # changes per size (every REPORT line's Memory Size is the size set), every invocation is
  # answered, and the function is left as found (memory, environment, aliases, versions).
  local before after sizes=(128 256 512)
  state_cmd() {
    aws lambda get-function-configuration --function-name "$FUNCTION_NAME" \
      --query '{memory: MemorySize, env: Environment.Variables}' --output json &&
      aws lambda list-aliases --function-name "$FUNCTION_NAME" --query 'Aliases[].[Name, FunctionVersion]' --output json &&
      aws lambda list-versions-by-function --function-name "$FUNCTION_NAME" --query 'Versions[].Version' --output json
  }
  before=$(state_cmd) || return
  "$BENCH_BIN" cloud --function "$FUNCTION_NAME" -e "$ROOT/events/seed-3tx.json" \
    --memory "$(IFS=,; echo "${sizes[*]}")" --cold 1 --warm 5 --quiet \
    --json "$WORK/sweep.json" --markdown "$WORK/sweep.md" --plot "$WORK/sweep.svg" || return
  local i got ok
  for i in "${!sizes[@]}"; do
    got=$(jq ".targets[$i].memory_size_mb" "$WORK/sweep.json") || return
    [ "$got" = "${sizes[$i]}" ] || { fail "size ${sizes[$i]} MB: REPORT Memory Size $got"; return 1; }
    ok=$(jq "[.targets[$i].samples[] | select(.status == \"ok\" and (.duration_ms | type == \"number\"))] | length" \
      "$WORK/sweep.json") || return
    [ "$ok" -eq 6 ] || { fail "size ${sizes[$i]} MB: $ok of 6 invocations ok with a REPORT Duration"; return 1; }
  done
  after=$(state_cmd) || return
  [ "$before" = "$after" ] || { fail "function not restored: before $before, after $after"; return 1; }
  CHECK_DETAIL="3 sizes x 6 invocations answered at the size set; memory, variables, aliases and versions as found ($WORK/sweep.svg)"
}

check_destroy() {
  cdk_app assembly destroy --force || return
  local status
  status=$(aws cloudformation describe-stacks --stack-name "$STACK" --query 'Stacks[0].StackStatus' \
    --output text 2>&1)
  echo "describe-stacks: $status"
  [[ "$status" == *"does not exist"* || "$status" == DELETE_COMPLETE ]] || { fail "stack still there: $status"; return 1; }
  if aws lambda get-function --function-name "$FUNCTION_NAME" >/dev/null 2>&1; then
    fail "function $FUNCTION_NAME still exists"; return 1
  fi
  if aws apigatewayv2 get-api --api-id "$API_ID" >/dev/null 2>&1; then
    fail "API $API_ID still exists"; return 1
  fi
  CHECK_DETAIL="stack, function and API gone"
}
