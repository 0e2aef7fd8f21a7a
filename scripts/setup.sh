#!/usr/bin/env bash
# Idempotent set-up of everything this project needs on a fresh Debian 12 machine (run as root,
# or with sudo available). Safe to run again: each step checks before it installs.
#   scripts/setup.sh            everything
#   SETUP_SKIP_NPM=1 ...        skip `npm ci` (Rust-only work)
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

# --- Debian packages: qemu-user to run the arm64 bootstrap on x86_64, the arm64 C toolchain and
#     libc (for qemu's -L sysroot), hyperfine for whole-command timing.
apt_pkgs=(qemu-user-static gcc-aarch64-linux-gnu libc6-dev-arm64-cross jq curl)
missing=()
for p in "${apt_pkgs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- Rust: the arm64 target for Graviton, plus rustfmt/clippy. Falls back to Debian's rustc with an
#     arm64 std when rustup cannot download the target (see README, "Toolchain").
if command -v rustup >/dev/null 2>&1; then
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
  if ! rustup target list --installed | grep -q '^aarch64-unknown-linux-gnu$'; then
    log "rustup target add aarch64-unknown-linux-gnu"
    if ! rustup target add aarch64-unknown-linux-gnu; then
      log "rustup could not fetch the arm64 std: installing Debian's rustc with libstd-rust-web-dev:arm64"
      $SUDO dpkg --add-architecture arm64
      $SUDO apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq rustc-web cargo-web libstd-rust-web-dev:arm64 >/dev/null
      rustup toolchain list | grep -q '^debian' || rustup toolchain link debian /usr
      log "export RUSTUP_TOOLCHAIN=debian before building for arm64"
    fi
  fi
fi

# --- Python-distributed tools (cargo-lambda + zig, cfn-lint, zizmor, check-jsonschema, ministack).
need_pip=0
while read -r req; do
  case "$req" in ''|\#*) continue ;; esac
  name=${req%%==*}; want=${req##*==}
  have=$(python3 -m pip show "$name" 2>/dev/null | awk '/^Version:/{print $2}' || true)
  [ "$have" = "$want" ] || need_pip=1
done < scripts/requirements-tools.txt
if [ "$need_pip" -eq 1 ]; then
  log "pip install -r scripts/requirements-tools.txt"
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore -r scripts/requirements-tools.txt
fi
# pyenv installs console scripts behind shims: refresh them so `cargo lambda` and friends resolve.
command -v pyenv >/dev/null 2>&1 && pyenv rehash || true

# --- Node packages for the CDK app (package-lock.json pins them).
if [ -z "${SETUP_SKIP_NPM:-}" ] && [ -f package-lock.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi

log "ready: $(cargo --version), $(cargo lambda --version 2>/dev/null | head -1), node $(node --version)"
