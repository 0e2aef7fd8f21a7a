"""scripts/check-docs.py: each check passes a clean tree and fails on what it is there to catch."""

import importlib.util
import io
import tempfile
import unittest
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("check_docs", ROOT / "scripts/check-docs.py")
check_docs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_docs)

HEADLINE = """<!-- headline:begin -->
| | ours | Go | Go / ours |
|---|--:|--:|--:|
| init | 1 | 2 | 2x |
<!-- headline:end -->"""


class CheckDocsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name)
        self.write("README.md", f"# Project\n\n{HEADLINE}\n\nSee [design](docs/design.md#exact-money).\n")
        self.write("docs/results/summary.md", f"# Summary\n\n{HEADLINE}\n")
        self.write("docs/design.md", "# Design\n\n## Exact money\n\nBack to the [README](../README.md).\n")

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, rel, text):
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def run_check(self):
        out = io.StringIO()
        with redirect_stdout(out):
            rc = check_docs.main(["--root", str(self.root)])
        return rc, out.getvalue()

    def assert_passes(self):
        rc, out = self.run_check()
        self.assertEqual(rc, 0, out)
        self.assertIn("0 finding(s)", out)

    def assert_fails_with(self, *fragments):
        rc, out = self.run_check()
        self.assertEqual(rc, 1, out)
        for fragment in fragments:
            self.assertIn(fragment, out)

    def test_a_clean_tree_passes(self):
        self.assert_passes()

    def test_each_planted_phrase_fails_where_it_stands(self):
        planted = {
            "fixed in issue 17": "'issue 17'",
            "before this round's tests": "'this round'",
            "measured in the previous session": "'previous session'",
            "which sitting it belonged to": "'sitting'",
            "with five helpers' builds running": "'helpers''",
            "while other agents compiled": "'other agents'",
            "the project brief had quoted": "'project brief'",
            "the design card names it": "'design card'",
            "the output of that afternoon": "'that afternoon'",
        }
        for phrase, shown in planted.items():
            with self.subTest(phrase=phrase):
                self.write("docs/hardening.md", f"# Hardening\n\nFine line.\nA line {phrase}.\n")
                self.assert_fails_with(f"docs/hardening.md:4: {shown}")

    def test_technical_words_are_not_flagged(self):
        self.write(
            "docs/infra.md",
            "# Infra\n\nThe role session's `AWS_SESSION_TOKEN`; a tokio task; the artifact round "
            "trip; each cold round visits every bootstrap; amounts are never rounded; a test "
            "helper function; one keep-alive connection for its whole session.\n",
        )
        self.assert_passes()

    def test_vendored_and_built_markdown_is_not_checked(self):
        for folder in ("vendor/simd-json", "node_modules/x", "target/doc"):
            self.write(f"{folder}/README.md", "Fixed in issue 3 [broken](nowhere.md).\n")
        self.assert_passes()

    def test_a_link_to_a_missing_file_fails(self):
        self.write("docs/bench.md", "# Bench\n\nSee [the plan](plan.md).\n")
        self.assert_fails_with("docs/bench.md:3: link to a missing file: plan.md")

    def test_a_link_to_a_missing_anchor_fails(self):
        self.write("docs/bench.md", "# Bench\n\nSee [money](design.md#exact-monies).\n")
        self.assert_fails_with("docs/bench.md:3: no heading for the anchor #exact-monies in design.md")

    def test_anchors_follow_github_slugs(self):
        self.write(
            "docs/hardening.md",
            "# Hardening\n\n## Dependencies (`deny.toml`, `scripts/check-deps.sh`)\n\n## Scores\n\n## Scores\n\n"
            "[a](#dependencies-denytoml-scriptscheck-depssh) [b](#scores-1) [c](../README.md)\n",
        )
        self.assert_passes()

    def test_links_in_code_are_ignored(self):
        self.write("docs/bench.md", "# Bench\n\n```md\n[x](missing.md)\n```\n\n`[y](missing.md)`\n")
        self.assert_passes()

    def test_a_headline_that_differs_from_the_summary_fails(self):
        self.write("README.md", "# Project\n\n" + HEADLINE.replace("2x", "3x") + "\n")
        self.assert_fails_with("README.md: the headline table differs from docs/results/summary.md's")

    def test_a_readme_without_the_headline_markers_fails(self):
        self.write("README.md", "# Project\n\nNo table.\n")
        self.assert_fails_with("README.md: no <!-- headline:begin -->")

    def test_a_missing_summary_fails(self):
        (self.root / "docs/results/summary.md").unlink()
        self.assert_fails_with("docs/results/summary.md: missing")


if __name__ == "__main__":
    unittest.main()
