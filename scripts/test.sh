#!/usr/bin/env bash
# The project's one test command: set-up (idempotent), then every check, each timed.
#   scripts/test.sh              everything
#   scripts/test.sh rust infra   only the named steps (see STEPS below)
# Exits non-zero if any step fails; the last line is "steps: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
ARM64_BOOTSTRAP="$CARGO_TARGET_DIR/lambda-arm64/bootstrap/bootstrap"

step_setup()     { scripts/setup.sh; }
step_format()    { cargo fmt --all -- --check; }
step_clippy()    { cargo clippy --workspace --all-targets --locked -- -D warnings; }
# The shipped artifact: arm64 (Graviton), through cargo-lambda + zig, profile from Cargo.toml.
step_arm64()     {
  scripts/build-arm64.sh &&
  size=$(stat -c %s "$ARM64_BOOTSTRAP") && echo "arm64 bootstrap: $size bytes" &&
  [ "$size" -le 1572864 ] || { echo "arm64 bootstrap over 1.5 MB"; return 1; }
}
# Unit, contract, property and end-to-end tests; the arm64 build runs under qemu-user.
step_rust()      { TRANSACTIONS_BOOTSTRAP_ARM64="$ARM64_BOOTSTRAP" cargo test --workspace --locked; }
# The hostile corpus and Runtime API faults again, on the shipped arm64 build under qemu-user.
step_hostile_arm64() {
  TRANSACTIONS_BOOTSTRAP="$ARM64_BOOTSTRAP" cargo test --locked -p transactions-lambda --test hostile --test faults
}
# 100,000 invocations on one release process: every answer checked, RSS flat after warm-up.
step_soak()      { scripts/soak.sh; }
# Dependency policy (deny.toml): licenses, bans, sources. Fuzzing is separate: scripts/fuzz.sh.
step_deps()      { scripts/check-deps.sh; }
# api/openapi.yaml: OpenAPI 3.1 meta-schema, events/ against it, the release bootstrap's answers.
step_openapi()   { cargo build --release --locked -p transactions-lambda --bin bootstrap && scripts/check-openapi.py; }
step_infra()     { scripts/check-infra.sh; }
step_workflows() { scripts/check-workflows.sh; }
step_deploy_local() { scripts/deploy-local.sh; }

STEPS=(setup format clippy arm64 rust hostile_arm64 soak deps openapi infra workflows deploy_local)
[ "$#" -gt 0 ] && STEPS=("$@")

passed=0; failed=0; summary=()
for s in "${STEPS[@]}"; do
  printf '\n\033[1;36m==> %s\033[0m\n' "$s"
  start=$(date +%s)
  if "step_$s"; then status=PASS; passed=$((passed + 1)); else status=FAIL; failed=$((failed + 1)); fi
  summary+=("$(printf '%-14s %s %5ss' "$s" "$status" "$(( $(date +%s) - start ))")")
  # Without set-up nothing else can pass: stop early with a clear message.
  if [ "$s" = setup ] && [ "$status" = FAIL ]; then break; fi
done
printf '\n'; printf '%s\n' "${summary[@]}"
echo "steps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
