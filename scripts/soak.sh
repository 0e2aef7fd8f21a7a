#!/usr/bin/env bash
# Soak: 100,000 invocations of the release bootstrap on one process, valid and invalid events
# mixed, every answer checked, RSS sampled from /proc (VmRSS, VmHWM) and printed as a curve;
# then the same with AWS_LAMBDA_MAX_CONCURRENCY=8 and 8 invocations in flight at once (Lambda
# Managed Instances), unless SOAK_CONCURRENCY names one.
# Fails on a wrong answer, a crash, or memory growing after warm-up (lambda/tests/soak.rs).
#   scripts/soak.sh                      100,000 invocations, 20 samples
#   SOAK_INVOCATIONS=20000 scripts/soak.sh
# Bounded: SOAK_TIMEOUT seconds (default 1200) for the run itself, after the build.
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_TAG=soak
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh
target_dir=${CARGO_TARGET_DIR:-target}

log "cargo build --release -p transactions-lambda --bin bootstrap"
cargo build --release --locked -p transactions-lambda --bin bootstrap
log "building the soak test"
cargo test --locked -p transactions-lambda --test soak --no-run

export TRANSACTIONS_BOOTSTRAP="$PWD/$target_dir/release/bootstrap"
[ "${target_dir#/}" != "$target_dir" ] && TRANSACTIONS_BOOTSTRAP="$target_dir/release/bootstrap"
export SOAK_INVOCATIONS=${SOAK_INVOCATIONS:-100000}
export SOAK_SAMPLES=${SOAK_SAMPLES:-20}
log "$SOAK_INVOCATIONS invocations on $TRANSACTIONS_BOOTSTRAP"
for concurrency in ${SOAK_CONCURRENCY:-1 8}; do
  log "$SOAK_INVOCATIONS invocations, $concurrency at a time"
  start=$(date +%s)
  SOAK_CONCURRENCY=$concurrency timeout --signal=KILL "${SOAK_TIMEOUT:-1200}" \
    cargo test --locked -p transactions-lambda --test soak -- --nocapture --test-threads=1
  log "done in $(( $(date +%s) - start )) s"
done
