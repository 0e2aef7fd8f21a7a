#!/usr/bin/env python3
"""Where a bootstrap's arm64 instructions go, per symbol: the insn_count plugin's per-block
profile (`blocks=FILE`) of a `lambda-bench count` run, summed by the symbol qemu finds for each
block. Per event, like the count table: (run with 3 events - run with 1) / 2.

    scripts/profile-arm64.py [--top N] [--event FILE] LABEL=BOOTSTRAP [LABEL=BOOTSTRAP]

Build the bootstraps unstripped (qemu names only what the binary's symbol table holds; a shared
library's code shows as "?"), e.g. CARGO_PROFILE_RELEASE_STRIP=none scripts/build-arm64.sh.
Two bootstraps print side by side, sorted by their difference: how the static build's remaining
per-event cost over the glibc build was found to be zig's memcpy/memset (lambda/build.rs).
Needs target/tool/lambda-bench and the plugin (scripts/count-arm64.sh builds both).
"""
import argparse
import collections
import os
import re
import shlex
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Rust symbols differ between builds only by their hashes and LLVM's clone suffixes (.238):
# strip them so builds compare.
HASHES = [re.compile(r"17h[0-9a-f]{16}E"), re.compile(r"Cs[0-9A-Za-z]+_"), re.compile(r"\.[0-9]+$")]


def profile(path):
    by_symbol = collections.Counter()
    with open(path) as f:
        for line in f:
            _vaddr, insns, execs, symbol = line.rstrip("\n").split(" ", 3)
            for h in HASHES:
                symbol = h.sub("", symbol)
            by_symbol[symbol] += int(insns) * int(execs)
    return by_symbol


def per_event(label, binary, event, work):
    out = os.path.join(work, label)
    os.makedirs(out)
    # lambda-bench runs qemu under `env -i`: the wrapper carries the output folder itself.
    wrapper = os.path.join(work, f"qemu-{label}")
    with open(wrapper, "w") as f:
        f.write(
            "#!/bin/bash\nargs=(); next=0\n"
            'for a in "$@"; do\n'
            f'  [ $next = 1 ] && a="$a,blocks={shlex.quote(out)}/$(date +%s%N).txt" && next=0\n'
            '  [ "$a" = -plugin ] && next=1; args+=("$a")\ndone\n'
            'exec qemu-aarch64 "${args[@]}"\n'
        )
    os.chmod(wrapper, 0o755)
    bench = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "tool", "lambda-bench")
    subprocess.run(
        [bench, "count", f"{label}={binary}", "-e", event, "--invocations", "1,3",
         "--threaded-repeat", "1", "--qemu", wrapper],
        check=True, stdout=subprocess.DEVNULL,
    )
    runs = sorted(os.listdir(out))  # in run order: no event, 1 event, 3 events
    if len(runs) != 3:
        sys.exit(f"{label}: expected 3 profiled runs, found {len(runs)}")
    one, three = (profile(os.path.join(out, r)) for r in runs[1:])
    return {s: (three[s] - one[s]) / 2 for s in set(one) | set(three)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bootstraps", nargs="+", metavar="LABEL=BOOTSTRAP")
    ap.add_argument("--event", default=os.path.join(ROOT, "events/seed-3tx.json"))
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    if len(args.bootstraps) > 2:
        sys.exit("one or two bootstraps")
    with tempfile.TemporaryDirectory() as work:
        cols = [(b.split("=", 1)[0], per_event(*b.split("=", 1), args.event, work)) for b in args.bootstraps]
    labels = [label for label, _ in cols]
    print("per event, " + os.path.basename(args.event) + ": " + ", ".join(
        f"{label} {sum(p.values()):,.1f}" for label, p in cols))
    symbols = set().union(*(p for _, p in cols))
    if len(cols) == 2:
        key = lambda s: -abs(cols[0][1].get(s, 0) - cols[1][1].get(s, 0))
    else:
        key = lambda s: -cols[0][1].get(s, 0)
    print("".join(f"{label:>12}" for label in labels) + "  symbol")
    for s in sorted(symbols, key=key)[: args.top]:
        print("".join(f"{p.get(s, 0):12,.1f}" for _, p in cols) + "  " + s[:100])


if __name__ == "__main__":
    main()
