#!/usr/bin/env bash
# Local rehearsal of the GitHub Actions pipeline. ci.yml's jobs each run `scripts/test.sh setup`
# (through .github/actions/setup) and then `scripts/test.sh STEP...`, together every step of
# `scripts/test.sh --list` (tests/workflows checks that), so the checks are rehearsed by running
# those same steps; then release.yml's build job (the zip, one synth per stage), a check that the
# artifact the deploy jobs receive is deployable as is (each `cdk.out/<stage>` is a self-contained
# cloud assembly that `cdk deploy --app` accepts), and the signed smoke test if you give it an
# endpoint.
#
#   scripts/rehearse-pipeline.sh                     everything
#   REHEARSE_SKIP_SETUP=1 scripts/rehearse-pipeline.sh    skip the `setup` step
#   REHEARSE_KEEP_GOING=1 scripts/rehearse-pipeline.sh    run every step, report all failures
#   SMOKE_API_URL=http://127.0.0.1:PORT/... AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
#     AWS_REGION=us-east-1 scripts/rehearse-pipeline.sh   + smoke test against that endpoint
#
# What it cannot rehearse: the OIDC role assumption and `cdk deploy` itself (they need AWS),
# actionlint (not installable here; it runs in ci.yml on GitHub's runners) and the `msrv` job
# (`scripts/test.sh msrv` runs it where rustup can fetch that toolchain).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
LOG_TAG=rehearse
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh
ROOT=$(pwd)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
STAGES=(dev staging prod)

# step NAME CMD...: the first failure stops the rehearsal, as a failing job stops the pipeline.
step() {
  run_step "$@" && return 0
  [ -n "${REHEARSE_KEEP_GOING:-}" ] && return 0
  step_summary rehearse
  die "step failed: $1"
}

# --- ci.yml: the steps of scripts/test.sh, in its order ------------------------------------------
mapfile -t checks < <(scripts/test.sh --list)
for s in "${checks[@]}"; do
  [ "$s" = setup ] && [ -n "${REHEARSE_SKIP_SETUP:-}" ] && continue
  step "ci: scripts/test.sh $s" scripts/test.sh "$s"
done

# --- release.yml / build: the zip, one assembly directory per stage, then the artifact --------
step "release build: bootstrap.zip (scripts/build-arm64.sh --output-format zip)" \
  scripts/build-arm64.sh --output-format zip
step "synth dev, staging, prod to cdk.out/<stage> (+ cdk-nag, cfn-lint)" scripts/synth.sh "${STAGES[@]}"

ARTIFACT_DIR=$(mktemp -d)
trap 'rm -rf "$ARTIFACT_DIR"' EXIT
# Same paths as the upload-artifact step; unpacked elsewhere, as a deploy job's download is.
pack_artifact() {
  local zip="$TARGET_DIR/lambda-arm64/bootstrap/bootstrap.zip"
  [ -f "$zip" ] || { echo "$zip is missing"; return 1; }
  mkdir -p "$ARTIFACT_DIR/job/cdk.out" "$ARTIFACT_DIR/job/target/lambda-arm64/bootstrap" &&
    cp -R cdk.out/dev cdk.out/staging cdk.out/prod "$ARTIFACT_DIR/job/cdk.out/" &&
    cp "$zip" "$ARTIFACT_DIR/job/target/lambda-arm64/bootstrap/" &&
    tar -C "$ARTIFACT_DIR/job" -czf "$ARTIFACT_DIR/cloud-assembly.tgz" . &&
    echo "artifact (gzip, as uploaded): $(du -h "$ARTIFACT_DIR/cloud-assembly.tgz" | cut -f1)"
}
step "artifact: pack and unpack cdk.out/{dev,staging,prod} + bootstrap.zip" pack_artifact

# The deploy jobs run `cdk deploy --app cdk.out/<stage> TransactionsApi-<stage>`. Without AWS the
# closest check is that the CLI loads the downloaded assembly (no synth: --app is a directory)
# and finds exactly that stack in it, and that the function asset is an arm64 ELF `bootstrap`.
check_assemblies() {
  local stage listed asset
  for stage in "${STAGES[@]}"; do
    listed=$(cd "$ARTIFACT_DIR/job" && "$ROOT/node_modules/.bin/cdk" ls --app "cdk.out/$stage" 2>/dev/null) || return 1
    echo "cdk.out/$stage -> $listed"
    grep -qx "TransactionsApi-$stage" <<<"$listed" || { echo "TransactionsApi-$stage not in cdk.out/$stage"; return 1; }
    asset=$(find "$ARTIFACT_DIR/job/cdk.out/$stage" -path '*asset.*' -name bootstrap -type f | head -n 1)
    [ -n "$asset" ] || { echo "no bootstrap asset in cdk.out/$stage"; return 1; }
    file "$asset" | grep -q 'ELF 64-bit.*ARM aarch64' || { file "$asset"; return 1; }
  done
}
step "artifact: each cdk.out/<stage> loads with cdk --app and holds an arm64 bootstrap" check_assemblies

# --- deploy-stage.yml: the smoke step, against an endpoint you provide ----------------------------
if [ -n "${SMOKE_API_URL:-}" ]; then
  step "smoke test against $SMOKE_API_URL" python3 scripts/smoke-test.py --api-url "$SMOKE_API_URL"
else
  log "smoke test not run (set SMOKE_API_URL to run it against a local endpoint)"
fi

step_summary rehearse || exit 1
echo "rehearse: all pipeline steps that need no AWS account passed"
