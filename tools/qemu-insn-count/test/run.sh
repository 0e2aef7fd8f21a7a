#!/usr/bin/env bash
# The plugin's test: counts on a guest whose counts are known (probe.c), under the same qemu
# command line lambda-bench uses. Fails unless every SHA-256 instruction is counted exactly N
# times, the difference of two runs is exactly the loop's instructions, the mnemonic match agrees
# with the encoding match, the snapshot lands at the probe's one socket write, two runs agree, and
# the per-block profile (blocks=FILE) adds up to the total and puts the loop in `main`.
#   tools/qemu-insn-count/test/run.sh PLUGIN.so
set -euo pipefail
plugin=${1:?usage: run.sh PLUGIN.so}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
aarch64-linux-gnu-gcc -O1 -march=armv8-a+crypto -static -o "$work/probe" "$here/probe.c"
count() { # N OUT [PLUGIN-ARGS]: run the probe with N iterations, report in OUT
  env -i qemu-aarch64 -cpu neoverse-n1 -0 probe \
    -plugin "$plugin,out=$2,mnemonic=sha256h,mnemonic=sha256su0${3:-}" "$work/probe" "$1"
}
field() { jq -r "$1" "$2"; }
count 1000 "$work/a.json"; count 3000 "$work/b.json"; count 1000 "$work/a2.json"
for f in sha256h sha256h2 sha256su0 sha256su1; do
  [ "$(field ".total.$f" "$work/a.json")" = 1000 ] || { echo "FAIL: $f counted $(field ".total.$f" "$work/a.json"), want 1000"; exit 1; }
done
[ "$(field '.total.mnemonics.sha256h' "$work/b.json")" = 3000 ] || { echo "FAIL: mnemonic=sha256h"; exit 1; }
[ "$(field '.total.mnemonics.sha256su0' "$work/b.json")" = 3000 ] || { echo "FAIL: mnemonic=sha256su0"; exit 1; }
# The loop body: 5 SIMD instructions + loop control; its SIMD&FP part is exactly 5 per pass.
simd=$(( $(field '.total.simd_fp' "$work/b.json") - $(field '.total.simd_fp' "$work/a.json") ))
[ "$simd" = 10000 ] || { echo "FAIL: SIMD&FP difference $simd, want 10000 (5 x 2000)"; exit 1; }
insns=$(( $(field '.total.insns' "$work/b.json") - $(field '.total.insns' "$work/a.json") ))
{ [ $((insns % 2000)) = 0 ] && [ "$insns" -ge 14000 ]; } || { echo "FAIL: instruction difference $insns is not a whole loop count"; exit 1; }
[ "$(field '.first_connected_write.syscall' "$work/a.json")" = 64 ] || { echo "FAIL: no snapshot at write(2)"; exit 1; }
snap=$(field '.first_connected_write.insns' "$work/a.json"); total=$(field '.total.insns' "$work/a.json")
{ [ "$snap" -gt 5000 ] && [ "$snap" -lt "$total" ]; } || { echo "FAIL: snapshot $snap not inside (5000, $total)"; exit 1; }
cmp -s "$work/a.json" "$work/a2.json" || { echo "FAIL: two identical runs differ"; diff "$work/a.json" "$work/a2.json"; exit 1; }
# The profile: its blocks sum to the run's total, and main's grow by exactly the loop's count.
count 1000 "$work/p1.json" ",blocks=$work/p1.txt"; count 3000 "$work/p3.json" ",blocks=$work/p3.txt"
sum() { awk -v s="${2:-}" '!s || $4 == s { t += $2 * $3 } END { print t + 0 }' "$1"; }
[ "$(sum "$work/p3.txt")" = "$(field '.total.insns' "$work/p3.json")" ] || { echo "FAIL: the profile's blocks do not add up to the total"; exit 1; }
in_main=$(( $(sum "$work/p3.txt" main) - $(sum "$work/p1.txt" main) ))
[ "$in_main" = "$insns" ] || { echo "FAIL: main's profile grew by $in_main, the loop by $insns"; exit 1; }
echo "plugin ok: $(( insns / 2000 )) instructions per loop pass, snapshot at $snap of $total, runs identical, profile adds up"
