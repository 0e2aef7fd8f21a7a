#!/usr/bin/env bash
# Checks the GitHub Actions workflows without GitHub: schema validation (check-jsonschema's vendored
# GitHub schemas), zizmor's security audits (no findings allowed), and the unittest suite in
# tests/workflows (promotion graph + least privilege, each rule proven able to fail; the signed
# smoke-test script against a local SigV4-checking endpoint).
#
#   scripts/check-workflows.sh            offline (this machine, CI of this repo)
#   ZIZMOR_ONLINE=1 GH_TOKEN=... scripts/check-workflows.sh
#                                         + zizmor's online audits (pinned SHAs exist upstream and
#                                           match their version comments; known-vulnerable actions)
# Runs every check even after a failure, then prints `workflows: N passed, F failed`.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
LOG_TAG=workflows
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh

for tool in check-jsonschema zizmor python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "check-workflows: '$tool' not found; run scripts/setup.sh (pins in scripts/requirements-tools.txt)" >&2
    exit 2
  fi
done
if ! python3 -c 'import yaml, botocore, boto3, moto.server' 2>/dev/null; then
  echo "check-workflows: python3 lacks PyYAML/botocore/boto3/moto; run scripts/setup.sh (tests/workflows/requirements.txt)" >&2
  exit 2
fi

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [ "${#workflows[@]}" -eq 0 ]; then
  echo "check-workflows: no workflows under .github/workflows" >&2
  exit 2
fi

# 1. Schema: GitHub's workflow, action and dependabot formats, as vendored by check-jsonschema.
run_step "schema: ${#workflows[@]} workflow(s)" check-jsonschema --builtin-schema vendor.github-workflows "${workflows[@]}"
actions=(.github/actions/*/action.yml .github/actions/*/action.yaml)
if [ "${#actions[@]}" -gt 0 ]; then
  run_step "schema: ${#actions[@]} composite action(s)" check-jsonschema --builtin-schema vendor.github-actions "${actions[@]}"
fi
if [ -f .github/dependabot.yml ]; then
  run_step "schema: dependabot.yml" check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml
fi

# 2. zizmor: exits non-zero on any finding. Offline unless asked (and given a token) to go online.
zizmor_mode=(--offline)
if [ -n "${ZIZMOR_ONLINE:-}" ] && [ -n "${GH_TOKEN:-}" ]; then zizmor_mode=(); fi
run_step "zizmor ${zizmor_mode[*]:-(online)}: no findings" zizmor "${zizmor_mode[@]}" --no-progress .github/

# 3. unittest suite (promotion graph, one list of checks, smoke script); nothing may be skipped.
unittests() {
  python3 - <<'PY'
import sys, unittest
suite = unittest.TestLoader().discover("tests/workflows", pattern="test_*.py", top_level_dir="tests/workflows")
res = unittest.TextTestRunner(verbosity=1).run(suite)
bad = len(res.failures) + len(res.errors) + len(res.unexpectedSuccesses)
print(f"unittest: {res.testsRun - bad - len(res.skipped)} passed, {bad} failed, {len(res.skipped)} skipped")
sys.exit(1 if bad or res.skipped or not res.testsRun else 0)
PY
}
run_step "unittest: tests/workflows (nothing skipped)" unittests

step_summary workflows
