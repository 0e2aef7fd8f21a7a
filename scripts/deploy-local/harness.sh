# shellcheck shell=bash
# Check harness for scripts/deploy-local.sh: runs one named check, times it, prints PASS/FAIL and
# keeps the count. A check is a shell function that returns non-zero on failure and may set
# CHECK_DETAIL (one line shown next to the verdict); its stdout/stderr go to a per-check log that is
# printed (tail) only when it fails, so a green run stays readable.

PASSED=0
FAILED=0
CHECK_NO=0
declare -a FAILED_NAMES=()

now_ns() { date +%s%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fs", (b - a) / 1e9 }'; }
# To fd 9 (the caller's stderr, opened by deploy-local.sh), not to a check's log.
say() { printf '\033[1;34m[deploy-local]\033[0m %s\n' "$*" >&9; }

# check "<name>" <function> [args...]
check() {
  local name=$1; shift
  CHECK_NO=$((CHECK_NO + 1))
  local log; log=$(printf '%s/checks/%02d-%s.log' "$WORK" "$CHECK_NO" "$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '-' | cut -c1-60)")
  mkdir -p "$WORK/checks"
  CHECK_DETAIL=""
  local t0 t1 rc
  t0=$(now_ns)
  "$@" >"$log" 2>&1
  rc=$?
  t1=$(now_ns)
  if [ "$rc" -eq 0 ]; then
    PASSED=$((PASSED + 1))
    printf '\033[32mPASS\033[0m %7s  %s%s\n' "$(elapsed "$t0" "$t1")" "$name" "${CHECK_DETAIL:+ — $CHECK_DETAIL}"
  else
    FAILED=$((FAILED + 1))
    FAILED_NAMES+=("$name")
    printf '\033[31mFAIL\033[0m %7s  %s%s\n' "$(elapsed "$t0" "$t1")" "$name" "${CHECK_DETAIL:+ — $CHECK_DETAIL}"
    sed 's/^/       | /' "$log" | tail -n 25
  fi
  return "$rc"
}

# A check may call this to record a reason and fail: `fail "expected 200, got 403" || return`.
fail() { CHECK_DETAIL=$*; echo "FAILED: $*"; return 1; }

summary() {
  printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
}
