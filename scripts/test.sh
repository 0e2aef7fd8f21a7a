#!/usr/bin/env bash
# The project's one test command and its one list of checks (STEPS below): set-up (idempotent),
# then every check, each timed. GitHub CI (.github/workflows/ci.yml) runs these same steps, one job
# per group, each job as `scripts/test.sh setup STEP...`; tests/workflows checks that the two agree.
#   scripts/test.sh              every step in STEPS
#   scripts/test.sh rust infra   only the named steps (from STEPS or EXTRA_STEPS)
#   scripts/test.sh --list       the names in STEPS, one a line (--list-extra: EXTRA_STEPS)
#   scripts/test.sh --show STEP  what a step runs (its shell function)
# Exits non-zero if any step fails; the last line is "steps: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
LOG_TAG="test"
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh
export CARGO_TERM_COLOR=never
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
ARM64_BOOTSTRAP="$CARGO_TARGET_DIR/lambda-arm64/bootstrap/bootstrap"

step_setup()     { scripts/setup.sh; }
step_format()    { cargo fmt --all -- --check; }
step_clippy()    { cargo clippy --workspace --all-targets --locked -- -D warnings; }
# Every shell script the test command runs, and the libraries they source.
step_shellcheck() {
  shellcheck -x -P SCRIPTDIR scripts/*.sh scripts/deploy-local/*.sh .ci/run tools/qemu-insn-count/test/*.sh
}
# The shipped artifact: arm64 (Graviton), through cargo-lambda + zig, profile from Cargo.toml.
step_arm64()     {
  scripts/build-arm64.sh || return
  local size; size=$(stat -c %s "$ARM64_BOOTSTRAP") || return
  echo "arm64 bootstrap: $size bytes"
  [ "$size" -le 1572864 ] || { echo "arm64 bootstrap over 1.5 MB"; return 1; }
}
# Unit, contract, property, differential and end-to-end tests on the host build.
step_rust()      { cargo test --workspace --locked; }
# The Go contender (contenders/go: the published Go handler, reproduced) built for amd64 and arm64;
# both answer the seed event with the seed signature, and 0.1 + 0.2 with float64's total; then
# `lambda-bench load`'s test of it: N polls open at AWS_LAMBDA_MAX_CONCURRENCY=N, every answer right
# (the `rust` step runs first and skips that test when the Go build is not there yet).
step_go()        {
  scripts/build-go.sh && scripts/check-go.sh &&
    LAMBDA_BENCH_GO_BOOTSTRAP="$CARGO_TARGET_DIR/go/amd64/bootstrap" \
      cargo test --workspace --locked --test load -- go_contender
}
# Mutation testing of the lines of lambda/src changed since the merge base with main: a mutant the
# tests miss fails unless .cargo/mutants-survivors.txt lists it. On main itself nothing changed,
# which it says. The whole crate: scripts/mutants.sh (docs/hardening.md, "Mutation testing").
step_mutants_diff() { scripts/mutants.sh --in-diff; }
# The shipped arm64 build under qemu-user: the end-to-end scenario (an ignored test elsewhere, as
# it needs this build), then the hostile corpus, Runtime API faults and N workers again.
step_hostile_arm64() {
  TRANSACTIONS_BOOTSTRAP_ARM64="$ARM64_BOOTSTRAP" cargo test --locked -p transactions-lambda \
    --test bootstrap_e2e -- --ignored arm64_bootstrap_serves_under_qemu &&
  TRANSACTIONS_BOOTSTRAP="$ARM64_BOOTSTRAP" cargo test --locked -p transactions-lambda --test hostile --test faults --test concurrency
}
# The bootstrap against AWS's Runtime Interface Emulator (scripts/build-rie.sh), the official local
# peer (lambda/tests/rie/): classic mode (seed, invalid events), and Managed Instances mode
# (AWS_LAMBDA_MAX_CONCURRENCY=4 and 8: distinct 20,000-transaction events released at once, a
# hostile and an oversized one beside good ones) for the release build, the Go contender and the
# shipped arm64 build under qemu-user. RIE runs in private PID and mount namespaces made as root
# (unshare, through `sudo -n` for another user): its Managed Instances mode runs the bootstrap as
# uid 993, which a user namespace mapping only the caller cannot do.
step_rie() {
  scripts/build-rie.sh || return
  # The Go contender (amd64 and arm64) when it is missing or older than its source.
  local go_bin="$CARGO_TARGET_DIR/go/amd64/bootstrap"
  if [ ! -x "$go_bin" ] || [ ! -x "$CARGO_TARGET_DIR/go/arm64/bootstrap" ] ||
    [ -n "$(find contenders/go -newer "$go_bin" -type f | head -1)" ]; then
    scripts/build-go.sh || return
  fi
  scripts/build-arm64.sh || return
  cargo build --release --locked -p transactions-lambda --bin bootstrap || return
  if [ "$(id -u)" -ne 0 ] && ! sudo -n true 2>/dev/null; then
    fail "RIE's namespaces are made as root: run as root or with passwordless sudo"
    return 1
  fi
  TRANSACTIONS_RIE="$CARGO_TARGET_DIR/rie/aws-lambda-rie" \
    TRANSACTIONS_BOOTSTRAP="$CARGO_TARGET_DIR/release/bootstrap" \
    TRANSACTIONS_GO_BOOTSTRAP="$go_bin" \
    TRANSACTIONS_GO_BOOTSTRAP_ARM64="$CARGO_TARGET_DIR/go/arm64/bootstrap" \
    TRANSACTIONS_BOOTSTRAP_ARM64="$ARM64_BOOTSTRAP" \
    cargo test --locked -p transactions-lambda --test rie -- --include-ignored
}
# Exact arm64 instruction counts (qemu -cpu neoverse-n1 + the insn_count TCG plugin, its own test
# first) gated against bench/count-baseline.json; then proof that a baseline 10 % lower fails.
step_count()     { scripts/count-arm64.sh --gate; }
# The report command in quick mode into a temporary folder (tests/report): every file it promises,
# the headline's figures and ratios against the measured JSON, the headline copied into a README;
# and run-local.sh's side-by-side table (scripts/side-by-side.py) on made-up documents.
step_report()    { REPORT_SKIP_SETUP=1 python3 -m unittest discover -v -s tests/report -t tests/report; }
# The developer's inner loop (docs/develop.md): `cargo lambda watch` answers `cargo lambda invoke`.
step_watch()     { scripts/watch-check.sh; }
# 100,000 invocations on one release process: every answer checked, RSS flat after warm-up.
step_soak()      { scripts/soak.sh; }
# Dependency policy (deny.toml): licenses, bans, sources. Fuzzing is separate: scripts/fuzz.sh.
step_deps()      { scripts/check-deps.sh; }
# api/openapi.yaml: OpenAPI 3.1 meta-schema, events/ against it, the release bootstrap's answers.
step_openapi()   { cargo build --release --locked -p transactions-lambda --bin bootstrap && scripts/check-openapi.py; }
step_infra()     { scripts/check-infra.sh; }
step_workflows() { scripts/check-workflows.sh; }
# The project's own *.md: no words about how the work was organised, every relative link and
# anchor resolves, README's headline table equals docs/results/summary.md's; then the check's tests.
step_docs()      { scripts/check-docs.py && python3 -m unittest discover -s tests/docs -t tests/docs; }
step_deploy_local() { scripts/deploy-local.sh; }
# lambda-bench's cloud mode against MiniStack: forced cold starts, REPORT lines from CloudWatch Logs.
step_bench_cloud() { scripts/cloud-emulator-check.sh; }
# The declared minimum Rust (Cargo.toml `rust-version`) still builds the workspace. Not in STEPS:
# it installs another toolchain; CI runs it on GitHub (job `msrv`).
step_msrv() {
  local msrv
  msrv=$(sed -nE 's/^rust-version *= *"([^"]+)"/\1/p' Cargo.toml)
  [ -n "$msrv" ] || { echo "no rust-version in Cargo.toml"; return 1; }
  rustup toolchain install "$msrv" --profile minimal --no-self-update &&
    cargo "+$msrv" check --workspace --locked --target-dir "$CARGO_TARGET_DIR/msrv"
}

STEPS=(setup format clippy shellcheck docs arm64 rust go mutants_diff hostile_arm64 rie count report soak deps openapi infra workflows deploy_local bench_cloud watch)
EXTRA_STEPS=(msrv)

case "${1:-}" in
  --list) printf '%s\n' "${STEPS[@]}"; exit 0 ;;
  --list-extra) printf '%s\n' "${EXTRA_STEPS[@]}"; exit 0 ;;
  --show) shift; for s in "$@"; do declare -f "step_$s" || exit 2; done; exit 0 ;;
esac
[ "$#" -gt 0 ] && STEPS=("$@")
for s in "${STEPS[@]}"; do
  declare -F "step_$s" >/dev/null || die "unknown step '$s' (scripts/test.sh --list)"
done

for s in "${STEPS[@]}"; do
  # Without set-up nothing else can pass: stop early with a clear message.
  run_step "$s" "step_$s" || { [ "$s" != setup ] || { log "set-up failed: stopping"; break; }; }
done
step_summary steps
