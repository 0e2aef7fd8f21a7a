#!/usr/bin/env bash
# Everything about the CDK app, in order of cost: install, lint + format check, typecheck, unit
# tests (bundling skipped, seconds), then the real synth of every stage with cdk-nag and
# cfn-lint (scripts/synth.sh, minutes on the first build). Stops at the first failure.
#   scripts/check-infra.sh              all of it
#   CHECK_INFRA_SKIP_SYNTH=1 ...         stop after the unit tests
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
LOG_TAG=check-infra
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh

infra_steps() {
  run_step "npm ci if package-lock.json changed" npm_ci_if_stale &&
  run_step "lint (biome)" npm run --silent lint &&
  run_step "typecheck (tsc strict)" npm run --silent typecheck &&
  run_step "unit tests (jest, bundling skipped)" npm test --silent &&
  if [ -z "${CHECK_INFRA_SKIP_SYNTH:-}" ]; then
    run_step "real synth + cdk-nag + cfn-lint (scripts/synth.sh)" scripts/synth.sh
  fi
}
infra_steps
step_summary infra
