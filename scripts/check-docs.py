#!/usr/bin/env python3
"""Checks the project's own Markdown (every *.md outside vendor/, node_modules/, target/ and the
tool folders): the `docs` step of scripts/test.sh.

1. Words: no page describes how the work was organised (numbered work items, rounds, sittings,
   who else was building). A commit hash and a date say when. The list is WORK_WORDS below;
   each entry is a phrase, so technical words (an AWS session token, a tokio task, a round
   trip) stay allowed.
2. Links: every relative link or image points to an existing file, and an `#anchor` to a
   heading of the linked Markdown page (GitHub's slugs).
3. The headline: README.md's table between `<!-- headline:begin -->` and `<!-- headline:end -->`
   equals docs/results/summary.md's, which scripts/report.sh writes; so they cannot drift.

    scripts/check-docs.py [--root DIR]   exit 0 when all pass, 1 with one line per finding
"""

import argparse
import os
import re
import sys
from pathlib import Path

# Phrases that describe how the work was organised rather than the project. Each is a regex
# (case-insensitive, matched within a line) with why it is refused.
WORK_WORDS = [
    (r"\bissues? #?\d+", "a numbered work item no reader can look up"),
    (r"\b(this|that|last|previous|next|earlier|later) (round|sitting|session)\b", "a round of work"),
    (r"\bround's tests\b", "a round of work"),
    (r"\bsittings?\b", "a sitting of work"),
    (r"\bhelpers'", "who else was building"),
    (r"\bhelpers? (were |was )?(building|running|compil)", "who else was building"),
    (r"\b(other|parallel|five|six|several) (agents|engineers|helpers|sessions)\b", "who else was building"),
    (r"\bagents'", "who else was building"),
    (r"\bsprints?\b", "a unit of planning"),
    (r"\bwork items?\b", "a unit of planning"),
    (r"\b(the|project) brief\b", "the planning text, not the project"),
    (r"\bdesign card\b", "the planning text, not the project"),
    (r"\bthe issue's\b", "the planning text, not the project"),
    (r"\bthis issue\b", "the planning text, not the project"),
    (r"\bfiled by\b", "the planning text, not the project"),
    (r"\bthat (morning|afternoon|evening)\b", "a time only the author knows: give a date"),
]
WORK_RE = [(re.compile(p, re.IGNORECASE), why) for p, why in WORK_WORDS]

# Folders whose Markdown the project did not write, or which are build output.
SKIP_DIRS = {"vendor", "node_modules", "target", "cdk.out", "out", ".tools", ".git", ".ministack"}

HEADLINE_BEGIN = "<!-- headline:begin -->"
HEADLINE_END = "<!-- headline:end -->"

LINK_RE = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE_RE = re.compile(r"^\s*(```|~~~)")
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
CODE_SPAN_RE = re.compile(r"`+[^`]*`+")


def project_markdown(root: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            if name.endswith(".md"):
                found.append(Path(dirpath) / name)
    return found


def prose_lines(text: str):
    """(line number, line, inside a fenced code block) for every line."""
    fenced = False
    for no, line in enumerate(text.splitlines(), 1):
        if FENCE_RE.match(line):
            fenced = not fenced
            yield no, line, True
            continue
        yield no, line, fenced


def check_words(path: Path, text: str, root: Path) -> list[str]:
    findings = []
    for no, line, _ in prose_lines(text):
        for pattern, why in WORK_RE:
            m = pattern.search(line)
            if m:
                findings.append(f"{path.relative_to(root)}:{no}: '{m.group(0)}' ({why})")
    return findings


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: markup dropped, lower case, punctuation removed,
    spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links keep their text
    text = text.replace("`", "").replace("*", "")
    text = re.sub(r"<[^>]+>", "", text)
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text, flags=re.UNICODE)
    return text.replace(" ", "-")


def anchors_of(text: str) -> set[str]:
    anchors, seen = set(), {}
    for _, line, fenced in prose_lines(text):
        if fenced:
            continue
        m = HEADING_RE.match(line)
        if not m:
            continue
        slug = github_slug(m.group(2))
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        anchors.add(slug if n == 0 else f"{slug}-{n}")
    anchors.update(re.findall(r'<a\s+(?:name|id)="([^"]+)"', text))
    return anchors


def check_links(path: Path, text: str, root: Path, anchor_cache: dict) -> list[str]:
    findings = []

    def anchors(p: Path) -> set[str]:
        if p not in anchor_cache:
            anchor_cache[p] = anchors_of(p.read_text(encoding="utf-8"))
        return anchor_cache[p]

    for no, line, fenced in prose_lines(text):
        if fenced:
            continue
        for m in LINK_RE.finditer(CODE_SPAN_RE.sub("", line)):
            target = m.group(1)
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
                continue  # http:, https:, mailto:
            file_part, _, anchor = target.partition("#")
            where = f"{path.relative_to(root)}:{no}"
            dest = path if not file_part else (path.parent / file_part).resolve()
            if file_part and not dest.exists():
                findings.append(f"{where}: link to a missing file: {target}")
                continue
            if file_part and root.resolve() not in dest.parents and dest != root.resolve():
                findings.append(f"{where}: link leaves the project: {target}")
                continue
            if anchor and dest.suffix == ".md" and anchor not in anchors(dest):
                findings.append(f"{where}: no heading for the anchor #{anchor} in {dest.name}")
    return findings


def headline(text: str, name: str) -> tuple[str | None, str | None]:
    """The text between the headline markers, or an error."""
    begin, end = text.find(HEADLINE_BEGIN), text.find(HEADLINE_END)
    if begin < 0 or end < 0 or end < begin:
        return None, f"{name}: no {HEADLINE_BEGIN} ... {HEADLINE_END} block"
    return text[begin + len(HEADLINE_BEGIN) : end].strip(), None


def check_headline(root: Path) -> list[str]:
    readme, summary = root / "README.md", root / "docs/results/summary.md"
    if not summary.exists():
        return ["docs/results/summary.md: missing (scripts/report.sh writes it)"]
    ours, err = headline(readme.read_text(encoding="utf-8"), "README.md")
    if err:
        return [err]
    theirs, err = headline(summary.read_text(encoding="utf-8"), "docs/results/summary.md")
    if err:
        return [err]
    if ours != theirs:
        return ["README.md: the headline table differs from docs/results/summary.md's "
                "(scripts/report.sh copies it; do not edit it by hand)"]
    return []


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = ap.parse_args(argv)
    root = args.root.resolve()
    pages = project_markdown(root)
    findings, cache = [], {}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        findings += check_words(page, text, root)
        findings += check_links(page, text, root, cache)
    findings += check_headline(root)
    for f in findings:
        print(f)
    print(f"docs: {len(pages)} pages, {len(findings)} finding(s)")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
