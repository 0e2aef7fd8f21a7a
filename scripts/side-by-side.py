#!/usr/bin/env python3
"""The closing table of scripts/run-local.sh: ours, the empty floor and the Go contender side by
side, from the JSON documents lambda-bench wrote in that run: their answers, the exact arm64
instruction counts (`count`), the arm64 timings under qemu (emulated) and the native x86_64
timings, each labelled; then two sentences on what the figures mean.

    scripts/side-by-side.py --count out/count.json --emulated out/run-local-arm64.json \
        --native out/run-local-x86.json
"""

import argparse
import json
import re
import sys
from pathlib import Path

NAMES = ("ours", "floor", "go")
HEADER = ("ours (Rust)", "empty floor", "Go contender")


class Missing(Exception):
    pass


def load(path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise Missing(f"{path}: {e}") from None


def target(doc, name, source):
    for t in doc.get("targets", []):
        if t.get("name") == name:
            return t
    raise Missing(f"{source}: no target named {name}")


def answer(doc, name, event, source):
    for a in target(doc, name, source).get("answers", []):
        if Path(a["event"]).name.removesuffix(".json") == event:
            text = a.get("text", "")
            total = re.search(r'"totalCredit"\s*:\s*(-?[0-9][0-9.eE+-]*)', text)
            sig = re.search(r'"signature"\s*:\s*"([0-9a-f]{8})', text)
            if total:
                return total.group(1) + (f", signature {sig.group(1)}…" if sig else "")
            if '"transactions"' in text:
                return "(echoes the event)"
            err = re.search(r'"errorType"\s*:\s*"([^"]+)"', text) or re.match(r"([A-Za-z]+): ", text)
            return f"error {err.group(1)}" if err else text[:40]
    raise Missing(f"{source}: {name} has no answer to {event}")


def p50(doc, name, figure, source):
    s = target(doc, name, source).get("summaries", {}).get(figure)
    if not s:
        raise Missing(f"{source}: {name} has no {figure}")
    return s["p50"]


def insns(v):
    return f"{v / 1e6:.2f} M" if v >= 10e6 else f"{round(v):,}"


def ms(v):
    return f"{v:.3f} ms" if v < 10 else f"{v:.1f} ms"


def render(count, emulated, native, paths):
    c, e, n = paths
    per_event = {name: [ev["per_event"]["insns"] for ev in target(count, name, c)["events"]] for name in NAMES}
    init = {name: target(count, name, c)["init"]["insns"] for name in NAMES}
    big = next((ev for ev in target(count, "ours", c)["events"] if ev["bytes"] > 1_000_000), None)
    rows = [
        ("answer, seed event: totalCredit", lambda x: answer(native, x, "seed-3tx", n)),
        ("answer, 0.1 + 0.2: totalCredit", lambda x: answer(native, x, "point-one-plus-point-two", n)),
        ("arm64 instructions, init (exact)", lambda x: insns(init[x])),
        ("arm64 instructions per seed event (exact)", lambda x: insns(per_event[x][0])),
    ]
    if big:
        rows.append((f"arm64 instructions per {big['bytes'] / 1e6:.1f} MB event (exact)", lambda x: insns(per_event[x][1])))
    rows += [
        ("arm64 under qemu, Init p50 (EMULATED)", lambda x: ms(p50(emulated, x, "init_ms", e))),
        ("arm64 under qemu, warm p50 (EMULATED)", lambda x: ms(p50(emulated, x, "warm_duration_ms", e))),
        ("x86_64 native, Init p50 (this machine)", lambda x: ms(p50(native, x, "init_ms", n))),
        ("x86_64 native, warm p50 (this machine)", lambda x: ms(p50(native, x, "warm_duration_ms", n))),
        ("x86_64 native, Max Memory Used (warm)", lambda x: f"{p50(native, x, 'warm_memory_mb', n):g} MB"),
    ]
    table = [("",) + HEADER] + [(label,) + tuple(f(x) for x in NAMES) for label, f in rows]
    widths = [max(len(r[i]) for r in table) for i in range(4)]
    lines = ["  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(r)).rstrip()
             for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    start = init["go"] / init["ours"]
    work = per_event["go"][-1] / per_event["ours"][-1]
    native_warm = p50(native, "go", "warm_duration_ms", n) / p50(native, "ours", "warm_duration_ms", n)
    lines += [
        "",
        f"The instruction counts are exact and load-independent: on a model of Graviton2's core, Go "
        f"executes {start:.1f}x ours to start and {work:.1f}x ours per event of the largest batch, "
        f"and only ours sums 0.1 + 0.2 to exactly 0.3.",
        f"The x86_64 timings are native on this machine (Go's warm p50 {native_warm:.1f}x ours here) "
        f"and the arm64 ones measure qemu, not Graviton: real Graviton times need "
        f"`lambda-bench cloud` on an AWS account.",
    ]
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", required=True)
    ap.add_argument("--emulated", required=True)
    ap.add_argument("--native", required=True)
    a = ap.parse_args(argv)
    try:
        print(render(load(a.count), load(a.emulated), load(a.native), (a.count, a.emulated, a.native)))
    except Missing as e:
        print(f"side-by-side: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
