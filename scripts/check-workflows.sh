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
cd "$(dirname "$0")/.."

passed=0
failed=0
failures=()
ok() { passed=$((passed + 1)); printf '[workflows] ok   %s\n' "$1"; }
ko() { failed=$((failed + 1)); failures+=("$1"); printf '[workflows] FAIL %s\n' "$1"; }

for tool in check-jsonschema zizmor python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "check-workflows: '$tool' not found; run scripts/setup.sh (pins in scripts/requirements-tools.txt)" >&2
    exit 2
  fi
done
if ! python3 -c 'import yaml, botocore, boto3, moto.server' 2>/dev/null; then
  echo "check-workflows: python3 lacks PyYAML/botocore/boto3/moto; pip install -r tests/workflows/requirements.txt" >&2
  exit 2
fi

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [ "${#workflows[@]}" -eq 0 ]; then
  echo "check-workflows: no workflows under .github/workflows" >&2
  exit 2
fi

# 1. Schema: GitHub's workflow and dependabot formats, as vendored by check-jsonschema.
if check-jsonschema --builtin-schema vendor.github-workflows "${workflows[@]}"; then
  ok "schema: ${#workflows[@]} workflow(s) valid"
else
  ko "schema: workflows"
fi
if [ -f .github/dependabot.yml ]; then
  if check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml; then
    ok "schema: dependabot.yml valid"
  else
    ko "schema: dependabot.yml"
  fi
fi

# 2. zizmor: exits non-zero on any finding. Offline unless asked (and given a token) to go online.
zizmor_mode=(--offline)
if [ -n "${ZIZMOR_ONLINE:-}" ] && [ -n "${GH_TOKEN:-}" ]; then zizmor_mode=(); fi
if zizmor "${zizmor_mode[@]}" --no-progress .github/; then
  ok "zizmor ${zizmor_mode[*]:-(online)}: no findings"
else
  ko "zizmor ${zizmor_mode[*]:-(online)}"
fi

# 3. unittest suite; the Python snippet writes its counts to a file for the summary.
counts=$(mktemp)
trap 'rm -f "$counts"' EXIT
COUNTS_FILE="$counts" python3 - <<'PY'
import os, unittest
suite = unittest.TestLoader().discover("tests/workflows", pattern="test_*.py", top_level_dir="tests/workflows")
res = unittest.TextTestRunner(verbosity=1).run(suite)
bad = len(res.failures) + len(res.errors) + len(res.unexpectedSuccesses)
with open(os.environ["COUNTS_FILE"], "w") as fh:
    fh.write(f"UNITTEST {res.testsRun - bad - len(res.skipped)} {bad} {len(res.skipped)}\n")
PY
read -r tag u_pass u_fail u_skip < "$counts" || true
if [ "${tag:-}" != "UNITTEST" ]; then
  ko "unittest: suite did not run"
else
  passed=$((passed + u_pass))
  failed=$((failed + u_fail))
  [ "$u_fail" -eq 0 ] || failures+=("unittest: $u_fail failing test(s)")
  [ "$u_skip" -eq 0 ] || { ko "unittest: $u_skip skipped test(s) (nothing may be skipped)"; }
  echo "[workflows] unittest: $u_pass passed, $u_fail failed"
fi

if [ "$failed" -gt 0 ]; then
  printf '[workflows] failed: %s\n' "${failures[@]}" >&2
fi
echo "workflows: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
