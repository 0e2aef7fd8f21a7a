"""scripts/side-by-side.py, run-local.sh's closing table: each figure from the JSON it is given,
each kind of timing labelled, the closing sentences' ratios computed from the counts, and a
missing target named."""

import json
import subprocess
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_doc(answers, init_p50, warm_p50):
    def target(name):
        return {
            "name": name,
            "answers": [{"event": f"events/{e}.json", "status": "ok", "text": t} for e, t in answers[name].items()],
            "summaries": {"init_ms": {"p50": init_p50[name]}, "warm_duration_ms": {"p50": warm_p50[name]},
                          "warm_memory_mb": {"p50": {"ours": 2, "floor": 3, "go": 11}[name]}},
        }
    return {"targets": [target(n) for n in ("ours", "floor", "go")]}


def count_doc():
    def target(name, init, seed, big):
        return {"name": name, "init": {"insns": init},
                "events": [{"bytes": 179, "per_event": {"insns": seed}},
                           {"bytes": 5_015_893, "per_event": {"insns": big}}]}
    return {"targets": [target("ours", 80_000, 62_000, 29_000_000), target("floor", 236_000, 75_600, 91_000_000),
                        target("go", 1_160_000, 190_000, 804_000_000)]}


ANSWERS = {
    "ours": {"seed-3tx": '{"status":"success","totalCredit":650.5,"signature":"15f6e99f77968b2e"}',
             "point-one-plus-point-two": '{"status":"success","totalCredit":0.3,"signature":"057a4edd00"}'},
    "floor": {"seed-3tx": '{"requestId":"r","transactions":[]}',
              "point-one-plus-point-two": '{"transactions":[]}'},
    "go": {"seed-3tx": '{"status":"success","totalCredit":650.5,"signature":"15f6e99f77968b2e"}',
           "point-one-plus-point-two": '{"status":"success","totalCredit":0.30000000000000004,"signature":"057a4edd00"}'},
}


class SideBySideTest(unittest.TestCase):
    def run_script(self, count, emulated, native):
        with tempfile.TemporaryDirectory() as d:
            paths = []
            for name, doc in (("count", count), ("emulated", emulated), ("native", native)):
                p = Path(d) / f"{name}.json"
                p.write_text(json.dumps(doc))
                paths += [f"--{name}", str(p)]
            return subprocess.run(["python3", str(ROOT / "scripts/side-by-side.py"), *paths],
                                  capture_output=True, text=True)

    def test_the_table_and_what_it_means(self):
        native = run_doc(ANSWERS, {"ours": 1.5, "floor": 2.0, "go": 4.0}, {"ours": 0.1, "floor": 0.1, "go": 0.25})
        emulated = run_doc(ANSWERS, {"ours": 90.0, "floor": 120.0, "go": 270.0}, {"ours": 0.3, "floor": 0.4, "go": 0.9})
        proc = self.run_script(count_doc(), emulated, native)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.splitlines()
        row = {line.split("  ")[0]: line.split() for line in lines if line and not line.startswith("-")}
        self.assertIn("650.5, signature 15f6e99f…", proc.stdout)
        self.assertEqual(row["answer, 0.1 + 0.2: totalCredit"][-1], "057a4edd…")
        self.assertIn("0.30000000000000004, signature 057a4edd…", proc.stdout)
        self.assertIn("(echoes the event)", proc.stdout)
        self.assertEqual(row["arm64 instructions, init (exact)"][-3:], ["80,000", "236,000", "1,160,000"])
        self.assertEqual(row["arm64 instructions per 5.0 MB event (exact)"][-6:],
                         ["29.00", "M", "91.00", "M", "804.00", "M"])
        self.assertEqual(row["arm64 under qemu, Init p50 (EMULATED)"][-6:], ["90.0", "ms", "120.0", "ms", "270.0", "ms"])
        self.assertEqual(row["x86_64 native, warm p50 (this machine)"][-6:], ["0.100", "ms", "0.100", "ms", "0.250", "ms"])
        self.assertIn("Go executes 14.5x ours to start and 27.7x ours per event of the largest batch", proc.stdout)
        self.assertIn("Go's warm p50 2.5x ours here", proc.stdout)
        self.assertTrue(lines[-1].endswith("need `lambda-bench cloud` on an AWS account."))

    def test_a_missing_target_is_named(self):
        native = run_doc(ANSWERS, {"ours": 1, "floor": 1, "go": 1}, {"ours": 1, "floor": 1, "go": 1})
        native["targets"] = native["targets"][:2]
        proc = self.run_script(count_doc(), native, native)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("no target named go", proc.stderr)


if __name__ == "__main__":
    unittest.main()
