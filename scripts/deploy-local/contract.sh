# shellcheck shell=bash
# shellcheck disable=SC2034  # CHECK_DETAIL is read by harness.sh
# The API's documented contract against the deployed stage, for scripts/deploy-local.sh:
# - check_api_schemathesis: property-based tests against api/openapi.yaml, every request
#   SigV4-signed as the allowed IAM caller (sigv4_hooks.py).
# - check_docs_call_lines: the README's copy-paste lines ("Calling a deployed stage"),
#   run as written apart from stack, region and the API's loopback address.
# - run_docs_deploy_lines: the README's "Deploying a stage" lines up to `npx cdk bootstrap`, run
#   as written; the deploy line must name a real stage (the rehearsal deploys `local` itself).
#
#   DEPLOY_LOCAL_SCHEMATHESIS_EXAMPLES  examples per phase (default 50)
#   DEPLOY_LOCAL_SCHEMATHESIS_SEED      hypothesis seed (default 1: a run is reproducible)
#   DEPLOY_LOCAL_SCHEMATHESIS_TIMEOUT   hard stop in seconds (default 300)

SCHEMATHESIS_VENV=$ROOT/.ministack/schemathesis-venv
# What is checked, and why not the rest:
# - positive_data_acceptance: JSON Schema cannot say "at most 18 decimal places" or "the total
#   stays below 10^15", so schema-valid batches such as an amount of 5e-324 are rightly answered
#   400 INVALID_AMOUNT / TOTAL_OUT_OF_RANGE.
# - missing_required_header: expects 401 for a missing Authorization; API Gateway's IAM auth
#   answers 403 (as AWS does). ignored_auth checks the same thing and accepts 401 or 403.
# - ignored_auth: its probe with `Authorization: SCHEMATHESIS-INVALID-VALUE` is answered 200 by
#   MiniStack 1.5.33, which treats an Authorization header that is not SigV4 at all as the root
#   caller; AWS refuses it (403, "Authorization header requires 'Credential' parameter"). An
#   emulator gap, not ours: the unsigned, wrong-signature and not-allowed checks of
#   deploy-local.sh cover what AWS enforces here.
# - unsupported_method and the stateful checks: the API has one route and no resources.
SCHEMATHESIS_CHECKS=not_a_server_error,status_code_conformance,content_type_conformance
SCHEMATHESIS_CHECKS+=,response_headers_conformance,response_schema_conformance,negative_data_rejection

# Its own virtualenv (scripts/schemathesis.requirements.txt): schemathesis would upgrade packages
# the tools in the main Python pin. Re-created only when the pins change.
schemathesis_venv() {
  local req=$ROOT/scripts/schemathesis.requirements.txt
  if cmp -s "$req" "$SCHEMATHESIS_VENV/requirements.txt"; then return 0; fi
  rm -rf "$SCHEMATHESIS_VENV"
  python3 -m venv "$SCHEMATHESIS_VENV" &&
    "$SCHEMATHESIS_VENV/bin/pip" install -q --disable-pip-version-check -r "$req" &&
    cp "$req" "$SCHEMATHESIS_VENV/requirements.txt"
}

check_api_schemathesis() {
  schemathesis_venv || { fail "could not install scripts/schemathesis.requirements.txt"; return 1; }
  # python-requests resolves names with getaddrinfo, which does not map *.execute-api.localhost to
  # loopback: MiniStack also serves every API path-style under /_aws/execute-api/<id>.
  local base=${TX_URL%/transactions}
  [ -z "$EMULATOR_PID" ] || base="http://127.0.0.1:$EMULATOR_PORT/_aws/execute-api/$API_ID"
  local checks=$SCHEMATHESIS_CHECKS out=$WORK/schemathesis rc
  mkdir -p "$out"
  (
    cd "$out" || exit 1 # hypothesis keeps nothing in the tree
    AWS_ACCESS_KEY_ID=${CALLER_KEY%%:*} AWS_SECRET_ACCESS_KEY=${CALLER_KEY#*:} \
      PYTHONPATH="$ROOT/scripts/deploy-local" PYTHONDONTWRITEBYTECODE=1 SCHEMATHESIS_HOOKS=sigv4_hooks \
      timeout "${DEPLOY_LOCAL_SCHEMATHESIS_TIMEOUT:-300}" "$SCHEMATHESIS_VENV/bin/st" run \
      "$ROOT/api/openapi.yaml" --url "$base" --checks "$checks" \
      --max-examples "${DEPLOY_LOCAL_SCHEMATHESIS_EXAMPLES:-50}" --seed "${DEPLOY_LOCAL_SCHEMATHESIS_SEED:-1}" \
      --workers 1 --request-timeout 30 --generation-database none --no-color \
      --report junit --report-dir "$out"
  ) >"$out/st.log" 2>&1
  rc=$?
  cat "$out/st.log"
  local cases; cases=$(grep -Eo '[0-9]+ generated[^.]*' "$out/st.log" | tail -n 1)
  [ "$rc" -eq 0 ] || { fail "schemathesis exited $rc (${cases:-no summary}), see $out/st.log"; return 1; }
  CHECK_DETAIL="${cases:-?}; checks: ${checks//,/ }"
}

check_docs_call_lines() {
  local block dir user=deploy-local-caller
  block=$(readme_block '### Calling a deployed stage')
  [ -n "$block" ] || { fail "no sh block under '### Calling a deployed stage' in README.md"; return 1; }
  # Ours: the stack and region, and the API where the emulator serves it (ApiUrl names AWS's host).
  block=$(sed -e "s#^STACK=.* REGION=.*#STACK=$STACK REGION=$REGION#" \
    -e "s#^FUNCTION=.*API_URL=.*#&; API_URL=${TX_URL%/transactions}#" <<<"$block")
  echo "$block"
  # The lines read the stack outputs and invoke the alias as well: the caller needs that too.
  aws iam put-user-policy --user-name "$user" --policy-name docs-call-lines --policy-document "$(jq -nc \
    '{Version: "2012-10-17", Statement: [{Effect: "Allow", Resource: "*",
      Action: ["cloudformation:DescribeStacks", "lambda:InvokeFunction"]}]}')" || return
  dir=$WORK/docs-call-lines
  mkdir -p "$dir" && ln -sfn "$ROOT/events" "$dir/events"
  (cd "$dir" && unset AWS_SESSION_TOKEN && AWS_ACCESS_KEY_ID=${CALLER_KEY%%:*} \
    AWS_SECRET_ACCESS_KEY=${CALLER_KEY#*:} bash -euo pipefail -c "$block") >"$dir/stdout" || return
  cat "$dir/stdout"; echo
  assert_seed_answer "$dir/out.json" || { fail "aws lambda invoke line: wrong answer"; return 1; }
  # (MiniStack re-serializes an invoke's payload with spaces; curl's answer is the function's bytes.)
  local n; n=$(grep -Eo "\"signature\": ?\"$(seed_expected signature)\"" "$dir/stdout" | wc -l)
  [ "$n" -eq 2 ] || { fail "want the seed answer from the invoke and the curl line, got $n"; return 1; }
  CHECK_DETAIL="aws lambda invoke <FunctionName>:live and curl --aws-sigv4 as $user: the seed answer"
}

# The sh block under a README heading (the first one after it), e.g. readme_block '## Deploying a stage'.
readme_block() {
  awk -v h="$1" '$0 == h {f = 1; next} f && /^```sh/ {g = 1; next} g && /^```/ {exit} g' "$ROOT/README.md"
}

run_docs_deploy_lines() {
  local block run deploy
  block=$(readme_block '## Deploying a stage')
  [ -n "$block" ] || { fail "no sh block under '## Deploying a stage' in README.md"; return 1; }
  grep -Eq '^npx cdk bootstrap( |$)' <<<"$block" || { fail "README's deploy block has no 'npx cdk bootstrap' line"; return 1; }
  deploy=$(grep -E '^npx cdk deploy' <<<"$block")
  grep -Eq '^npx cdk deploy -c stage=(dev|staging|prod)( |$)' <<<"$deploy" ||
    { fail "README's deploy line does not name a real stage: ${deploy:-none}"; return 1; }
  run=$(grep -vE '^npx cdk deploy' <<<"$block")
  echo "$run"
  (cd "$ROOT" && bash -euo pipefail -c "$run") || { fail "a README deploy line failed"; return 1; }
}
