#!/usr/bin/env bash
# Local rehearsal of the GitHub Actions pipeline: every step of .github/workflows/ci.yml and of
# release.yml's build job that needs no AWS account, in the same order with the same commands,
# then a check that the artifact the deploy jobs receive is deployable as is (each
# `cdk.out/<stage>` is a self-contained cloud assembly that `cdk deploy --app` accepts), and the
# signed smoke test if you give it an endpoint.
#
#   scripts/rehearse-pipeline.sh                     everything
#   REHEARSE_SKIP_SETUP=1 scripts/rehearse-pipeline.sh    skip scripts/setup.sh
#   REHEARSE_KEEP_GOING=1 scripts/rehearse-pipeline.sh    run every step, report all failures
#   SMOKE_API_URL=http://127.0.0.1:PORT/... AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
#     AWS_REGION=us-east-1 scripts/rehearse-pipeline.sh   + smoke test against that endpoint
#
# What it cannot rehearse: the OIDC role assumption and `cdk deploy` itself (they need AWS), and
# actionlint (not installable here; it runs in ci.yml on GitHub's runners).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
STAGES=(dev staging prod)
declare -a SUMMARY=()

log() { printf '\n\033[1;34m[rehearse]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[rehearse] %s\033[0m\n' "$*" >&2; exit 1; }
need() { [ -x "$1" ] || die "$1 is missing or not executable (another part of the project may not be merged yet)"; }

# step NAME CMD...: run, time, remember the outcome (the first failure stops the rehearsal, as a
# failing job stops the pipeline).
step() {
  local name=$1; shift
  log "$name: $*"
  local t0=$SECONDS
  if "$@"; then
    SUMMARY+=("ok    $(printf '%4ss' $((SECONDS - t0)))  $name")
  else
    SUMMARY+=("FAIL  $(printf '%4ss' $((SECONDS - t0)))  $name")
    FAILED=$((FAILED + 1))
    [ -n "${REHEARSE_KEEP_GOING:-}" ] && return 0
    print_summary
    die "step failed: $name"
  fi
}
FAILED=0
print_summary() {
  printf '\n[rehearse] summary\n'
  printf '  %s\n' "${SUMMARY[@]}"
}

need scripts/setup.sh
need scripts/test.sh
need scripts/build-arm64.sh
need scripts/check-infra.sh
need scripts/synth.sh
need scripts/check-deps.sh
need scripts/check-workflows.sh
[ -f package.json ] && [ -f cdk.json ] || die "no CDK app (package.json/cdk.json) at the repository root"

LOCKED=()
[ -f Cargo.lock ] && LOCKED=(--locked)

# --- ci.yml / setup ------------------------------------------------------------------------
if [ -z "${REHEARSE_SKIP_SETUP:-}" ]; then
  step "setup (toolchain, pinned tools, npm ci)" scripts/setup.sh
fi

# --- ci.yml / rust ---------------------------------------------------------------------------
step "rustfmt" cargo fmt --all -- --check
step "clippy -D warnings" cargo clippy --workspace --all-targets "${LOCKED[@]}" -- -D warnings
step "rust tests" cargo test --workspace "${LOCKED[@]}"

# --- ci.yml / infra (also release.yml build's first step) ------------------------------------
step "arm64 build through cargo-lambda + size budget (scripts/test.sh arm64)" scripts/test.sh arm64
arm64_e2e() {
  TRANSACTIONS_BOOTSTRAP_ARM64="$TARGET_DIR/lambda-arm64/bootstrap/bootstrap" \
    cargo test "${LOCKED[@]}" --package transactions-lambda --test bootstrap_e2e -- arm64 --nocapture
}
step "arm64 bootstrap end to end under qemu-user" arm64_e2e
step "infra: lint, typecheck, tests, synth + cdk-nag, cfn-lint" scripts/check-infra.sh

# --- ci.yml / deps (advisories need the RustSec database: GitHub only) -----------------------
step "deps: cargo-deny licenses, bans, sources" scripts/check-deps.sh

# --- ci.yml / workflows ----------------------------------------------------------------------
step "workflows: schema, zizmor, graph + smoke-script tests" scripts/check-workflows.sh

# --- release.yml / build: the zip, one assembly directory per stage, then the artifact --------
step "release build: bootstrap.zip (scripts/build-arm64.sh --output-format zip)" \
  scripts/build-arm64.sh --output-format zip
step "synth dev, staging, prod to cdk.out/<stage> (+ cdk-nag, cfn-lint)" scripts/synth.sh dev staging prod

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

# --- release.yml / deploy-<stage>: the smoke step, against an endpoint you provide ------------
if [ -n "${SMOKE_API_URL:-}" ]; then
  step "smoke test against $SMOKE_API_URL" python3 scripts/smoke-test.py --api-url "$SMOKE_API_URL"
else
  SUMMARY+=("--       -  smoke test (set SMOKE_API_URL to run it against a local endpoint)")
fi

print_summary
[ "$FAILED" -eq 0 ] || die "$FAILED step(s) failed"
echo "rehearse: all pipeline steps that need no AWS account passed"
