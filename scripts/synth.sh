#!/usr/bin/env bash
# Real synth of every stage WITH bundling: cargo-lambda builds the `bootstrap` (arm64 for dev,
# staging, prod, lmi; the host architecture for local), cdk-nag checks each app (a finding fails the
# synth), then cfn-lint checks every template (warnings and errors both fail; the few ignored
# rules are in .cfnlintrc.yaml with their reasons).
#
#   scripts/synth.sh                 dev staging prod lmi local -> cdk.out/<stage>
#   scripts/synth.sh dev prod        only those stages
#   SYNTH_GITHUB_REPO=owner/name     also synthesizes the pipeline-access stack (cdk.out/pipeline)
#
# The first stage per architecture compiles the crate (minutes); the others reuse the cargo
# target dir and take seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_TAG=synth
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh

stages=("$@")
[ "${#stages[@]}" -gt 0 ] || stages=(dev staging prod lmi local)

command -v cargo-lambda >/dev/null 2>&1 || cargo lambda --version >/dev/null 2>&1 || {
  echo "cargo-lambda is missing: run scripts/setup.sh" >&2; exit 1; }
command -v cfn-lint >/dev/null 2>&1 || { echo "cfn-lint is missing: run scripts/setup.sh" >&2; exit 1; }
npm_ci_if_stale

templates=()
synth() { # <stage> [extra cdk args...]
  local stage=$1; shift
  local out="cdk.out/$stage" start=$SECONDS
  rm -rf "$out"
  log "cdk synth -c stage=$stage -> $out"
  npx cdk synth --quiet -c stage="$stage" "$@" --output "$out"
  log "$stage synthesized in $((SECONDS - start)) s"
  templates+=("$out"/*.template.json)
}

for stage in "${stages[@]}"; do
  synth "$stage"
  # The shipped binary must match the stage's architecture (a wrong one fails at cold start).
  # ELF e_machine (2 bytes at offset 18): 183 = aarch64, 62 = x86-64.
  want=183; [ "$stage" = local ] && [ "$(uname -m)" = x86_64 ] && want=62
  bin=$(ls cdk.out/"$stage"/asset.*/bootstrap)
  got=$(python3 -c 'import sys; d=open(sys.argv[1],"rb").read(20); print(int.from_bytes(d[18:20],"little") if d[:4]==b"\x7fELF" else 0)' "$bin")
  [ "$got" = "$want" ] || { echo "$bin: ELF machine $got, want $want" >&2; exit 1; }
done
if [ -n "${SYNTH_GITHUB_REPO:-}" ]; then
  synth pipeline -c githubRepo="$SYNTH_GITHUB_REPO"
fi

log "cfn-lint ${templates[*]}"
cfn-lint "${templates[@]}"
log "ok: ${#templates[@]} template(s) synthesized, nag-clean and cfn-lint-clean"
