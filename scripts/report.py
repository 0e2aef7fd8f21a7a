#!/usr/bin/env python3
"""Writes the report's Markdown from the JSON documents scripts/report.sh measured: README.md
(method, machine, every table with the command that produced it), summary.md (the headline
table, Go against ours, between markers) and report.json (the figures the tables show, and where
they were measured). With --readme FILE, the headline block of FILE is replaced by the
summary's, so the two cannot drift (scripts/check-docs.py fails when they differ).

Run by scripts/report.sh; it reads DIR/x86-seed.json, x86-big.json, arm64-count.json,
exactness.json and cost-{seed,big}-{ours_static,go}.json, and DIR/commands.tsv (id, command).
"""

import argparse
import json
import platform
import re
import sys
from pathlib import Path

HEADLINE_BEGIN = "<!-- headline:begin -->"
HEADLINE_END = "<!-- headline:end -->"
LMI_BEGIN = "<!-- managed-instances:begin -->"
LMI_END = "<!-- managed-instances:end -->"
COST_BEGIN = "<!-- lmi-cost:begin -->"
COST_END = "<!-- lmi-cost:end -->"
OURS, GLIBC, FLOOR, GO = "ours_static", "ours_glibc", "floor", "go"
LABELS = {
    OURS: "ours, static (shipped)",
    GLIBC: "ours, glibc build",
    FLOOR: "empty `lambda_runtime` floor",
    GO: "Go contender",
}
PRICED_AT_MB = 256  # every stage's memory size (infra/config/stages.ts)


class ReportError(Exception):
    pass


def load(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{path}: missing (scripts/report.sh measures it)") from None
    except json.JSONDecodeError as e:
        raise ReportError(f"{path}: not JSON ({e})") from None


def target(doc, name, source):
    for t in doc.get("targets", []):
        if t.get("name") == name:
            return t
    raise ReportError(f"{source}: no target named {name}")


def summary_p(run, name, figure, source, stat="p50"):
    s = target(run, name, source).get("summaries", {}).get(figure)
    if not s:
        raise ReportError(f"{source}: {name} has no {figure} figures (did every run fail?)")
    return s[stat]


def event_counts(count, name, index, source):
    events = target(count, name, source).get("events", [])
    if len(events) <= index:
        raise ReportError(f"{source}: {name} has no counts for event {index + 1}")
    return events[index]


def cost_at(cost, mb, source):
    for size in cost.get("sizes", []):
        if size.get("memory_mb") == mb and size.get("cost_per_million") is not None:
            return size["cost_per_million"]
    raise ReportError(f"{source}: no cost per million at {mb} MB")


# ---- formatting --------------------------------------------------------------------------------
def ms(v):
    return f"{v:.3f} ms" if v < 10 else f"{v:.1f} ms" if v < 1000 else f"{v:,.0f} ms"


def insns(v):
    return f"{v / 1e6:.2f} M" if v >= 10e6 else f"{round(v):,}"


def mb(v):
    return f"{v:g} MB"


def usd(v):
    return f"${v:.4f}"


def month(v):
    return f"${v:,.0f}" if v >= 100 else f"${v:,.2f}"


def ratio(go, ours):
    if not ours:
        return "n/a"
    r = go / ours
    return f"**{r:.1f}x**" if r >= 10 else f"**{r:.2f}x**"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["--:"] * (len(header) - 1)) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def total_credit(answer_text):
    m = re.search(r'"totalCredit"\s*:\s*(-?[0-9][0-9.eE+-]*)', answer_text)
    if m:
        return f"`{m.group(1)}`"
    m = re.search(r'"errorType"\s*:\s*"([^"]+)"', answer_text) or re.match(r"([A-Za-z]+): ", answer_text)
    return f"error `{m.group(1)}`" if m else "no answer"


def answers_by_event(run, name, source):
    """Answer text per event, keyed by the event's file stem (`seed-3tx`)."""
    return {Path(a["event"]).name.removesuffix(".json"): a.get("text", "")
            for a in target(run, name, source).get("answers", [])}


# ---- the report --------------------------------------------------------------------------------
class Report:
    def __init__(self, args):
        self.args = args
        d = args.dir
        self.seed = load(d / "x86-seed.json")
        self.big = load(d / "x86-big.json")
        self.count = load(d / "arm64-count.json")
        self.exact = load(d / "exactness.json")
        self.cost = {(ev, who): load(d / f"cost-{ev}-{who}.json") for ev in ("seed", "big") for who in (OURS, GO)}
        self.commands = {}
        for line in args.commands.read_text(encoding="utf-8").splitlines():
            ident, _, cmd = line.partition("\t")
            self.commands.setdefault(ident, []).append(cmd)
        self.big_label = f"{args.big_transactions:,} transactions"

    def command_block(self, *ids):
        cmds = [c for i in ids for c in self.commands.get(i, [])]
        if not cmds:
            raise ReportError(f"commands.tsv: no command recorded for {', '.join(ids)}")
        return "```sh\n" + "\n".join(cmds) + "\n```"

    def figures(self):
        """The headline's figures, one dict per row: label, per target value, formatter."""
        c, s, b = "arm64-count.json", "x86-seed.json", "x86-big.json"
        rows = [
            ("arm64 instructions, init (exec to the first `GET /next`)",
             {n: target(self.count, n, c)["init"]["insns"] for n in (OURS, FLOOR, GO)}, insns),
            ("arm64 instructions per event, seed (3 transactions)",
             {n: event_counts(self.count, n, 0, c)["per_event"]["insns"] for n in (OURS, FLOOR, GO)}, insns),
            (f"arm64 instructions per event, {self.big_label}",
             {n: event_counts(self.count, n, 1, c)["per_event"]["insns"] for n in (OURS, FLOOR, GO)}, insns),
            ("x86_64 Init Duration p50",
             {n: summary_p(self.seed, n, "init_ms", s) for n in (OURS, FLOOR, GO)}, ms),
            ("x86_64 warm Duration p50, seed",
             {n: summary_p(self.seed, n, "warm_duration_ms", s) for n in (OURS, FLOOR, GO)}, ms),
            (f"x86_64 warm Duration p50, {self.big_label}",
             {n: summary_p(self.big, n, "warm_duration_ms", b) for n in (OURS, FLOOR, GO)}, ms),
            ("x86_64 Max Memory Used (warm) p50, seed",
             {n: summary_p(self.seed, n, "warm_memory_mb", s) for n in (OURS, FLOOR, GO)}, mb),
            (f"x86_64 Max Memory Used (warm) p50, {self.big_label}",
             {n: summary_p(self.big, n, "warm_memory_mb", b) for n in (OURS, FLOOR, GO)}, mb),
        ]
        for ev, label in (("seed", "seed"), ("big", self.big_label)):
            rows.append((f"modelled $ per million requests at {PRICED_AT_MB} MB, {label}",
                         {n: cost_at(self.cost[(ev, n)], PRICED_AT_MB, f"cost-{ev}-{n}.json") for n in (OURS, GO)},
                         usd))
        return rows

    def provenance(self):
        a = self.args
        quick = " **Quick mode: few runs and a small event, not the standard comparison.**" if a.mode == "quick" else ""
        return (f"Commit {a.commit}{' with uncommitted changes' if a.dirty else ''}, {a.started}, "
                f"{a.machine}; load average {a.load_before.split()[0]} before, {a.load_after.split()[0]} after."
                f"{quick}")

    def headline(self):
        rows = []
        for label, values, fmt in self.figures():
            rows.append([label, fmt(values[OURS]), fmt(values[FLOOR]) if FLOOR in values else "(not priced)",
                         fmt(values[GO]), ratio(values[GO], values[OURS])])
        point = answers_by_event(self.exact, OURS, "exactness.json").get("point-one-plus-point-two", "")
        go_point = answers_by_event(self.exact, GO, "exactness.json").get("point-one-plus-point-two", "")
        rows.append(["`0.1 + 0.2`", total_credit(point), "(not summed)", total_credit(go_point), "exact vs `float64`"])
        header = ["ours (Rust, shipped static build) against the Go contender", "ours",
                  "empty `lambda_runtime` floor", "Go contender", "**Go / ours**"]
        note = ("arm64: exact counts, `lambda-bench count` under qemu `-cpu neoverse-n1` (Graviton2's core). "
                "x86_64: native timings on the machine named at the end, ours as the shipped static build's x86_64 twin; "
                "not Graviton's. Cost: modelled from the x86_64 run (`lambda-bench price`), arm64 prices. "
                "Not measured on AWS. " + self.provenance())
        return f"{HEADLINE_BEGIN}\n{table(header, rows)}\n\n{note}\n{HEADLINE_END}"

    def managed_instances(self):
        """The throughput block (README's Managed Instances section) from load.json, or None."""
        path = self.args.dir / "load.json"
        if not path.exists():
            return None
        rows_in = load(path).get("results", [])
        ns = sorted({r["max_concurrency"] for r in rows_in})
        events = list(dict.fromkeys(r["event"] for r in rows_in))
        labels = list(dict.fromkeys(r["label"] for r in rows_in))
        by = {(r["event"], r["label"], r["max_concurrency"]): r for r in rows_in}
        header = ["event", "bootstrap"] + [f"events/s, N = {n}" for n in ns] + [
            f"CPU-ms per event, N = {ns[-1]}", "vs ours", f"peak RSS, N = {ns[-1]}", "polls open at each N"]
        rows = []
        for ev in events:
            ours = by.get((ev, labels[0], ns[-1]))
            for label in labels:
                cells = [by.get((ev, label, n)) for n in ns]
                last = cells[-1]
                if last is None:
                    continue
                rel = (f"{last['cpu_ms_per_event'] / ours['cpu_ms_per_event']:.2f}x"
                       if ours and ours["cpu_ms_per_event"] else "")
                rows.append([f"`{ev}`", label]
                            + [f"{c['events_per_s']:,.0f}" if c else "" for c in cells]
                            + [f"{last['cpu_ms_per_event']:.3f}", rel, f"{last['peak_rss_mb']:.0f} MB",
                               "/".join(str(c["polls_open_max"]) if c else "-" for c in cells)])
        note = ("`lambda-bench load`: N events in flight per process (`AWS_LAMBDA_MAX_CONCURRENCY=N`), native "
                "x86_64 on the machine named below, every answer checked; CPU-ms is utime + stime per event, what "
                "Managed Instances bill through instance-hours. A 2-vCPU machine shows whether a runtime uses its "
                "vCPUs (N = 1 against 2) and what each event costs in CPU; it cannot show a 16-vCPU instance's "
                "throughput, only bound it: CPU-ms per event times events/s is the vCPUs needed. "
                + self.provenance())
        return f"{LMI_BEGIN}\n{table(header, rows)}\n\n{note}\n{LMI_END}"

    def lmi_cost(self):
        """Per-request Lambda or Managed Instances at 10, 100 and 1,000 requests/s, and the
        break-even rate, from lmi-cost-*.json, or None."""
        rows = []
        rates = (10.0, 100.0, 1000.0)
        for ev, label in (("seed", "seed"), ("big", self.big_label)):
            path = self.args.dir / f"lmi-cost-{ev}.json"
            if not path.exists():
                continue
            for c in load(path)["contenders"]:
                at = {r["rate"]: r for r in c["rates"]}
                if not all(rate in at for rate in rates):
                    raise ReportError(f"{path.name}: rates {rates} not all priced")
                be = c.get("break_even") or {}
                first = be.get("first")
                rows.append([label, c["contender"]["label"], f"{c['contender']['cpu_ms_per_event']:.3f}",
                             f"{first:,.0f}" if first else "never"]
                            + [f"{month(at[r]['lambda_per_month'])} / {month(at[r]['lmi']['total'])}" for r in rates])
        if not rows:
            return None
        header = ["event", "bootstrap", "CPU-ms per event", "break-even, requests/s",
                  "$/month at 10 req/s: per-request / LMI", "at 100 req/s", "at 1,000 req/s"]
        note = ("Modelled by `lambda-bench lmi-cost` from the run above (CPU-ms per event and peak RSS at the "
                "highest N; per-request Lambda at 256 MB from the `lambda-bench run` of the same report), "
                "us-east-1 on-demand prices, c7g.xlarge, 50 % target CPU, 3 instances minimum. "
                "Break-even: the sustained rate above which Managed Instances cost less. " + self.provenance())
        return f"{COST_BEGIN}\n{table(header, rows)}\n\n{note}\n{COST_END}"

    def timing_table(self, run, source):
        rows = []
        for n in (OURS, GLIBC, FLOOR, GO):
            t = target(run, n, source)
            s = t.get("summaries", {})

            def p(fig, stat="p50"):
                return s[fig][stat] if s.get(fig) else None

            size = t.get("size_bytes")
            rows.append([
                f"**{LABELS[n]}**" if n == OURS else LABELS[n],
                f"{ms(p('init_ms'))} ({ms(p('init_ms', 'min'))})" if p("init_ms") is not None else "n/a",
                ms(p("cold_start_ms")) if p("cold_start_ms") is not None else "n/a",
                f"{ms(p('warm_duration_ms'))} ({ms(p('warm_duration_ms', 'min'))})" if p("warm_duration_ms") is not None else "n/a",
                f"{mb(p('warm_memory_mb'))} ({mb(p('cold_memory_mb'))})" if p("warm_memory_mb") is not None and p("cold_memory_mb") is not None else "n/a",
                f"{size / 1048576:.2f} MiB" if size else "n/a",
            ])
        return table(["x86_64, native", "Init Duration p50 (min)", "cold Init + Duration p50",
                      "warm Duration p50 (min)", "Max Memory Used p50, warm (cold)", "binary"], rows)

    def count_table(self):
        src = "arm64-count.json"
        names = (OURS, GLIBC, FLOOR, GO)
        ts = {n: target(self.count, n, src) for n in names}

        def row(label, f):
            return [label] + [f(n) for n in names]

        def ev(n, i):
            return event_counts(self.count, n, i, src)

        rows = [
            row("run to exit, no event", lambda n: insns(ts[n]["start_exit"]["insns"])),
            row("init: exec to the first `GET /next`", lambda n: insns(ts[n]["init"]["insns"])),
            row("per event, seed (3 transactions)", lambda n: insns(ev(n, 0)["per_event"]["insns"])),
            row(f"per event, {self.big_label}",
                lambda n: f"{insns(ev(n, 1)['per_event']['insns'])} = {ev(n, 1)['insns_per_byte']:.2f} /byte"),
            row(f"`sha256h` per event, {self.big_label}", lambda n: insns(ev(n, 1)["per_event"]["sha256h"])),
            row(f"SIMD&FP (NEON) share, {self.big_label}", lambda n: f"{100 * ev(n, 1)['simd_share']:.1f} %"),
            row("threads; runs per figure; runs identical",
                lambda n: f"{ts[n]['threads']}; {ts[n]['runs_per_figure']}; {'yes' if ts[n]['identical_runs'] else 'no'}"),
            row("binary", lambda n: f"{ts[n]['size_bytes'] / 1048576:.2f} MiB"),
        ]
        return table(["instructions, `-cpu neoverse-n1`"] + [LABELS[n] for n in names], rows)

    def cost_table(self):
        sizes = sorted({s["memory_mb"] for c in self.cost.values() for s in c.get("sizes", [])})
        rows = []
        for size in sizes:
            row = [f"{size} MB"]
            for ev in ("seed", "big"):
                for who in (OURS, GO):
                    row.append(usd(cost_at(self.cost[(ev, who)], size, f"cost-{ev}-{who}.json")))
                row.append(ratio(cost_at(self.cost[(ev, GO)], size, ""), cost_at(self.cost[(ev, OURS)], size, "")))
            rows.append(row)
        return table(["memory", "seed: ours", "seed: Go", "seed: Go / ours",
                      f"{self.big_label}: ours", f"{self.big_label}: Go", f"{self.big_label}: Go / ours"], rows)

    def exactness_table(self):
        src = "exactness.json"
        ours, go = answers_by_event(self.exact, OURS, src), answers_by_event(self.exact, GO, src)
        big_ours = answers_by_event(self.big, OURS, "x86-big.json")
        big_go = answers_by_event(self.big, GO, "x86-big.json")
        rows = [[f"`{e}`", total_credit(ours[e]), total_credit(go.get(e, ""))] for e in sorted(ours)]
        rows += [[f"`{e}` ({self.big_label})", total_credit(big_ours[e]), total_credit(big_go.get(e, ""))]
                 for e in sorted(big_ours)]
        return table(["event", "ours: totalCredit", "Go contender: totalCredit"], rows)

    def readme(self):
        a = self.args
        warn = ""
        loads = [float(a.load_before.split()[0]), float(a.load_after.split()[0])]
        if max(loads) > 1:
            warn = (f"\n> **Warning: the machine was not quiet** (load average {a.load_before.split()[0]} before, "
                    f"{a.load_after.split()[0]} after; above 1). Timings are inflated; compare only within a "
                    "table, or re-run `scripts/report.sh` on a quiet machine. Instruction counts are unaffected.\n")
        return f"""# Results: ours, the empty floor and the Go contender

Generated by `scripts/report.sh` in {a.seconds} s; every file in this folder is its output,
nothing is typed by hand. Run it again to regenerate the folder from scratch.

| | |
|---|---|
| commit | {a.commit}{' (with uncommitted changes)' if a.dirty else ''} |
| date (UTC) | {a.started} |
| machine | {a.machine} |
| load average (1, 5, 15 min) | before: {a.load_before}; after: {a.load_after} |
| mode | {a.mode}{' (few runs, a small event: a check of the command, not a result)' if a.mode == 'quick' else ''} |
{warn}
The targets: **ours, static** is the shipped build (musl, `scripts/build-arm64.sh`; its x86_64
twin for timings); **ours, glibc** the same code built the way `cargo lambda build` builds any
function; the **floor** an empty handler behind the official `lambda_runtime`, built the same
way; the **Go contender** the published Go handler (`contenders/go`, `scripts/build-go.sh`).
The events: the seed (`events/seed-3tx.json`, 3 transactions) and {self.big_label} generated by
`gen_batch -n {a.big_transactions}` (fixed seed, so the same bytes on every machine).

## Summary

[summary.md](summary.md), the table README.md shows:

{self.headline()}

## arm64 instruction counts (Graviton2 model)

Exact, and independent of load: how many AArch64 instructions each binary executes under qemu
`-cpu neoverse-n1` (Graviton2's core), counted by the project's TCG plugin. Per event = (a run
given 3 events - a run given 1) / 2, so start and exit cancel. Not time: no caches, stalls or
frequency; a multi-threaded binary (Go) varies from run to run and is given as a median.
Full table: [arm64-count.md](arm64-count.md), data: [arm64-count.json](arm64-count.json).

{self.command_block('arm64-count')}

{self.count_table()}

## x86_64 timings, seed event

Native x86_64 on the machine above, behind lambda-bench's local Runtime API, the targets
interleaved; what Lambda's REPORT line would say (Init Duration, Duration, Max Memory Used).
Not Graviton's times. Plot: [x86-seed.svg](x86-seed.svg); lambda-bench's own tables:
[x86-seed.md](x86-seed.md); data: [x86-seed.json](x86-seed.json).

{self.command_block('x86-seed')}

{self.timing_table(self.seed, 'x86-seed.json')}

## x86_64 timings, {self.big_label}

The floor echoes the event back. Plot: [x86-big.svg](x86-big.svg); tables:
[x86-big.md](x86-big.md); data: [x86-big.json](x86-big.json).

{self.command_block('x86-big')}

{self.timing_table(self.big, 'x86-big.json')}

## Exactness: the same events through ours and Go

{self.command_block('exactness')}

{self.exactness_table()}

## Modelled cost per million requests

`lambda-bench price` prices the x86_64 runs above at Lambda memory sizes with arm64's prices
(us-east-1, first tier), stretching every duration by `max(1, 1769 / MB)`, the CPU share Lambda
gives below one vCPU, and billing `ceil(Init + Duration)`; 1 % cold starts. A model, not a
measurement: `lambda-bench cloud --memory ...` on an AWS account measures it
([bench.md](../bench.md)). Plots: [seed, ours](cost-seed-ours_static.svg),
[seed, Go](cost-seed-go.svg), [big, ours](cost-big-ours_static.svg), [big, Go](cost-big-go.svg).

{self.command_block('cost-seed-ours_static', 'cost-seed-go', 'cost-big-ours_static', 'cost-big-go')}

{self.cost_table()}

{self.lmi_sections()}"""

    def embedded(self, name):
        """A Markdown file lambda-bench wrote, its headings moved below this page's."""
        lines = (self.args.dir / name).read_text(encoding="utf-8").strip().splitlines()
        fenced, levels = False, []
        for line in lines:
            fenced ^= line.startswith("```")
            m = None if fenced else re.match(r"(#+) ", line)
            if m:
                levels.append(len(m.group(1)))
        shift = 3 - min(levels) if levels else 0  # its top headings become this page's ###
        out, fenced = [], False
        for line in lines:
            fenced ^= line.startswith("```")
            m = None if fenced else re.match(r"(#+) ", line)
            out.append("#" * min(6, len(m.group(1)) + shift) + line[len(m.group(1)):] if m else line)
        return "\n".join(out)

    def lmi_sections(self):
        d, why = self.args.dir, self.args.lmi_status or "the command is missing"
        out = ["## Lambda Managed Instances: throughput", ""]
        if (d / "load.md").exists():
            out += ["`lambda-bench load`: N events in flight per execution environment "
                    "(`AWS_LAMBDA_MAX_CONCURRENCY=N`), native x86_64: ours, the same processor behind `lambda_runtime::run_concurrent`, and Go, on the seed event, a 20,000-transaction and the big event. Plot: [load.svg](load.svg); "
                    "data: [load.json](load.json)." + (f" **Note: {self.args.lmi_status}.**" if self.args.lmi_status else ""),
                    "", self.command_block("load"), "", self.embedded("load.md")]
        else:
            out += [f"Not generated: {why}."]
        out += ["", "## Lambda Managed Instances: cost against per-request Lambda", ""]
        lmi = [ev for ev in ("seed", "big") if (d / f"lmi-cost-{ev}.md").exists()]
        if lmi:
            out += ["Modelled by `lambda-bench lmi-cost` from the runs above ([bench.md](../bench.md) gives "
                    "the model, its prices and their sources). Plots: "
                    + ", ".join(f"[{ev}](lmi-cost-{ev}.svg)" for ev in lmi) + ".", "",
                    self.command_block(*[f"lmi-cost-{ev}" for ev in lmi])]
            for ev in lmi:
                out += ["", self.embedded(f"lmi-cost-{ev}.md")]
            # One event refused (too little CPU time to measure in a quick run, say): say so.
            missing = [ev for ev in ("seed", "big") if ev not in lmi]
            if missing:
                out += ["", f"Not generated for the {' and '.join(missing)} event: {why}."]
        else:
            out += [f"Not generated: {why}."]
        return "\n".join(out) + "\n"

    def report_json(self):
        a = self.args
        return {
            "generated_by": "scripts/report.sh",
            "mode": a.mode,
            "commit": a.commit,
            "uncommitted_changes": bool(a.dirty),
            "started": a.started,
            "seconds": a.seconds,
            "machine": a.machine,
            "load_before": a.load_before,
            "load_after": a.load_after,
            "big_event_transactions": a.big_transactions,
            "headline": [{"figure": label, **values} for label, values, _ in self.figures()],
            "commands": self.commands,
            "managed_instances": a.lmi_status,
        }


def machine_description():
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    mem = ""
    try:
        kib = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        mem = f", {kib / 1048576:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    osname = platform.system()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                osname = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return f"{platform.machine()}, {os.cpu_count()} vCPU{', ' + cpu if cpu else ''}{mem}, {osname}"


def replace_blocks(readme: Path, blocks):
    """Writes each (block, begin mark, end mark, required) over its marked block in `readme`, in
    one read and one write; an optional block whose begin mark the README lacks is left out."""
    text = readme.read_text(encoding="utf-8")
    for block, begin_mark, end_mark, required in blocks:
        begin, end = text.find(begin_mark), text.find(end_mark)
        if begin < 0 and not required:
            continue
        if begin < 0 or end < begin:
            raise ReportError(f"{readme}: no {begin_mark} ... {end_mark} block to replace")
        text = text[:begin] + block + text[end + len(end_mark):]
    readme.write_text(text, encoding="utf-8")


def main(argv=None):
    ap = argparse.ArgumentParser(description="Writes the report's Markdown from scripts/report.sh's measurements.")
    ap.add_argument("--dir", type=Path, required=True)
    ap.add_argument("--commands", type=Path, required=True)
    ap.add_argument("--mode", choices=("standard", "quick"), required=True)
    ap.add_argument("--big-transactions", type=int, required=True)
    ap.add_argument("--started", required=True)
    ap.add_argument("--seconds", type=int, required=True)
    ap.add_argument("--commit", required=True)
    ap.add_argument("--dirty", type=int, default=0)
    ap.add_argument("--machine", default=None)
    ap.add_argument("--load-before", required=True)
    ap.add_argument("--load-after", required=True)
    ap.add_argument("--lmi-status", default="")
    ap.add_argument("--readme", type=Path)
    args = ap.parse_args(argv)
    args.machine = args.machine or machine_description()
    try:
        report = Report(args)
        readme = report.readme()
        block = report.headline()
        summary = (f"# Go or Rust on Graviton, and by how much: the summary\n\n"
                   f"Generated by `scripts/report.sh` with the rest of this folder ([README.md](README.md): "
                   f"the method, every table and the command behind it). README.md at the top of the project "
                   f"shows this table; a check fails when the two differ.\n\n{block}\n")
        (args.dir / "README.md").write_text(readme, encoding="utf-8")
        (args.dir / "summary.md").write_text(summary, encoding="utf-8")
        (args.dir / "report.json").write_text(json.dumps(report.report_json(), indent=2) + "\n", encoding="utf-8")
        lmi_block = report.managed_instances()
        if lmi_block:
            (args.dir / "managed-instances.md").write_text(
                "# Lambda Managed Instances: throughput and CPU per event\n\n"
                "Generated by `scripts/report.sh`; README.md at the top of the project shows this table.\n\n"
                f"{lmi_block}\n", encoding="utf-8")
        cost_block = report.lmi_cost()
        if args.readme:
            replace_blocks(args.readme, [(block, HEADLINE_BEGIN, HEADLINE_END, True)]
                           + [(extra, begin_mark, end_mark, False)
                              for extra, begin_mark, end_mark in ((lmi_block, LMI_BEGIN, LMI_END),
                                                                  (cost_block, COST_BEGIN, COST_END))
                              if extra])
    except ReportError as e:
        print(f"report: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
