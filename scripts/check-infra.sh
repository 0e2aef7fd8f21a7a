#!/usr/bin/env bash
# Everything about the CDK app, in order of cost: install, lint + format check, typecheck, unit
# tests (bundling skipped, seconds), then the real synth of every stage with cdk-nag and
# cfn-lint (scripts/synth.sh, minutes on the first build).
#   scripts/check-infra.sh              all of it
#   CHECK_INFRA_SKIP_SYNTH=1 ...         stop after the unit tests
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\033[1;34m[check-infra]\033[0m %s\n' "$*"; }
timed() { local name=$1 start=$SECONDS; shift; step "$name"; "$@"; step "$name: $((SECONDS - start)) s"; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  timed "npm ci" npm ci --no-audit --no-fund --loglevel=error
fi
timed "lint (biome)" npm run --silent lint
timed "typecheck (tsc strict)" npm run --silent typecheck
timed "unit tests (jest, bundling skipped)" npm test --silent
if [ -z "${CHECK_INFRA_SKIP_SYNTH:-}" ]; then
  timed "real synth + cdk-nag + cfn-lint (scripts/synth.sh)" scripts/synth.sh
fi
