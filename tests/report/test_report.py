"""scripts/report.sh --quick, end to end into a temporary folder: every file it promises, the
headline copied into a README, and the headline's figures and ratios taken from the measured JSON
(recomputed here independently). Then scripts/report.py's refusal of an incomplete folder.

REPORT_DIR=<folder of an earlier quick run> checks that folder instead of running again."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BEGIN, END = "<!-- headline:begin -->", "<!-- headline:end -->"


def block(text):
    return text[text.index(BEGIN): text.index(END) + len(END)]


def row(summary, label_start):
    for line in summary.splitlines():
        if line.startswith(f"| {label_start}"):
            return [c.strip() for c in line.strip("|").split("|")]
    raise AssertionError(f"no row starting {label_start!r} in:\n{summary}")


def expected_ratio(go, ours):
    r = go / ours
    return f"**{r:.1f}x**" if r >= 10 else f"**{r:.2f}x**"


class QuickReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        tmp = Path(cls.tmp.name)
        cls.readme = tmp / "README.md"
        shutil.copy(ROOT / "README.md", cls.readme)
        if os.environ.get("REPORT_DIR"):
            cls.out = Path(os.environ["REPORT_DIR"])
            cls.readme_copied = False
            return
        cls.out = tmp / "results"
        env = {**os.environ, "REPORT_SKIP_SETUP": os.environ.get("REPORT_SKIP_SETUP", "1")}
        proc = subprocess.run(
            [str(ROOT / "scripts/report.sh"), "--quick", "--out", str(cls.out), "--readme", str(cls.readme)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
        cls.log = proc.stdout + proc.stderr
        if proc.returncode != 0:
            raise AssertionError(f"scripts/report.sh --quick failed ({proc.returncode}):\n{cls.log[-6000:]}")
        cls.readme_copied = True

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def read(self, name):
        return (self.out / name).read_text(encoding="utf-8")

    def test_every_promised_file_is_written(self):
        for name in ["README.md", "summary.md", "report.json", "arm64-count.json", "arm64-count.md",
                     "x86-seed.json", "x86-seed.md", "x86-seed.svg", "x86-big.json", "x86-big.svg",
                     "exactness.json", "cost-seed-ours_static.json", "cost-big-go.svg"]:
            with self.subTest(name=name):
                self.assertGreater((self.out / name).stat().st_size, 0)
        self.assertIn("<svg", self.read("x86-seed.svg"))

    def test_the_readme_names_commit_machine_load_and_each_command(self):
        text = self.read("README.md")
        meta = json.loads(self.read("report.json"))
        self.assertEqual(meta["mode"], "quick")
        self.assertRegex(meta["commit"], r"^[0-9a-f]{12}$")
        self.assertIn(meta["commit"], text)
        self.assertRegex(meta["load_before"], r"^\d+\.\d+ \d+\.\d+ \d+\.\d+$")
        self.assertIn(f"before: {meta['load_before']}; after: {meta['load_after']}", text)
        if max(float(meta["load_before"].split()[0]), float(meta["load_after"].split()[0])) > 1:
            self.assertIn("Warning: the machine was not quiet", text)
        for ident in ("x86-seed", "x86-big", "arm64-count", "exactness", "cost-seed-go"):
            with self.subTest(command=ident):
                self.assertTrue(meta["commands"][ident][0].startswith("target/tool/lambda-bench ")
                                or "lambda-bench " in meta["commands"][ident][0])
                self.assertIn(meta["commands"][ident][0], text)
        # The Managed Instances sections: each result generated (with its command) or the section
        # saying why not (lmi-cost refuses a load window too short to measure CPU time in).
        for heading, ident in (("## Lambda Managed Instances: throughput", "load"),
                               ("## Lambda Managed Instances: cost against per-request Lambda", "lmi-cost-seed"),
                               ("## Lambda Managed Instances: cost against per-request Lambda", "lmi-cost-big")):
            with self.subTest(section=heading, result=ident):
                section = text.split(heading, 1)[1].split("\n## ", 1)[0]
                made = ident in meta["commands"] and (
                    ident == "load" or (self.out / f"{ident}.md").exists())
                if made:
                    self.assertIn(meta["commands"][ident][0], section)
                else:
                    self.assertIn("Not generated", section)

    def test_the_headline_comes_from_the_measurements(self):
        summary = self.read("summary.md")
        count = json.loads(self.read("arm64-count.json"))
        init = {t["name"]: t["init"]["insns"] for t in count["targets"]}
        cells = row(summary, "arm64 instructions, init")
        self.assertEqual(cells[1], f"{init['ours_static']:,}")
        self.assertEqual(cells[3], f"{init['go']:,}")
        self.assertEqual(cells[4], expected_ratio(init["go"], init["ours_static"]))
        seed = json.loads(self.read("x86-seed.json"))
        warm = {t["name"]: t["summaries"]["warm_duration_ms"]["p50"] for t in seed["targets"]}
        cells = row(summary, "x86_64 warm Duration p50, seed")
        self.assertEqual(cells[4], expected_ratio(warm["go"], warm["ours_static"]))
        cells = row(summary, "`0.1 + 0.2`")
        self.assertEqual(cells[1], "`0.3`")
        self.assertEqual(cells[3], "`0.30000000000000004`")

    def test_the_headline_is_copied_into_the_readme(self):
        if not self.readme_copied:
            self.skipTest("REPORT_DIR given: no README was written")
        self.assertEqual(block(self.readme.read_text(encoding="utf-8")), block(self.read("summary.md")))
        self.assertIn("Quick mode", block(self.read("summary.md")))


class IncompleteFolderTest(unittest.TestCase):
    def test_a_missing_measurement_is_named(self):
        with tempfile.TemporaryDirectory() as d:
            (Path(d) / "commands.tsv").write_text("x86-seed\tlambda-bench run\n")
            proc = subprocess.run(
                ["python3", str(ROOT / "scripts/report.py"), "--dir", d, "--commands", f"{d}/commands.tsv",
                 "--mode", "quick", "--big-transactions", "2000", "--started", "2026-01-01T00:00:00Z",
                 "--seconds", "1", "--commit", "0" * 12, "--load-before", "0.1 0.1 0.1",
                 "--load-after", "0.1 0.1 0.1", "--lmi-status", "none"],
                capture_output=True, text=True)
            self.assertEqual(proc.returncode, 1)
            self.assertRegex(proc.stderr, re.escape(f"{d}/x86-seed.json: missing"))
            self.assertFalse((Path(d) / "summary.md").exists())


if __name__ == "__main__":
    unittest.main()
