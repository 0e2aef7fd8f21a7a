"""scripts/check-vendor.sh can fail: on a vendored copy that is not crates.io's release plus PATCH.md's
diff, and on an advisory against the vendored crate's version.

Tampering happens on temporary copies of vendor/simd-json; advisories come from a fake advisory
database built here (a git repository in the RustSec layout), read offline by cargo-deny.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import textwrap
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "check-vendor.sh"
VENDOR = REPO / "vendor" / "simd-json"
FAKE_ID = "RUSTSEC-2099-0001"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "CARGO_TERM_COLOR": "never"},
        timeout=600,
    )


def advisory(package: str, patched: str) -> str:
    """One advisory file in the RustSec database format."""
    return textwrap.dedent(
        f"""\
        ```toml
        [advisory]
        id = "{FAKE_ID}"
        package = "{package}"
        date = "2026-01-01"
        url = "https://example.invalid/{FAKE_ID}"
        categories = ["memory-corruption"]

        [versions]
        patched = ["{patched}"]
        ```

        # Fake advisory for the vendor check's own test

        Not a real advisory.
        """
    )


class VendorCheck(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="check-vendor-test-"))
        self.addCleanup(shutil.rmtree, self.tmp)

    def copy_of_vendor(self) -> Path:
        copy = self.tmp / "simd-json"
        shutil.copytree(VENDOR, copy, symlinks=True)
        return copy

    def fake_db(self, package: str, patched: str) -> Path:
        db = self.tmp / "advisory-db"
        (db / "crates" / package).mkdir(parents=True)
        (db / "crates" / package / f"{FAKE_ID}.md").write_text(advisory(package, patched))
        git = ["git", "-C", str(db), "-c", "user.name=test", "-c", "user.email=test@example.invalid"]
        subprocess.run([*git, "init", "-q"], check=True)
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-q", "-m", "fake advisory"], check=True)
        return db

    def assertFails(self, res: subprocess.CompletedProcess[str], *needles: str) -> None:
        out = res.stdout + res.stderr
        self.assertEqual(res.returncode, 1, out)
        for needle in needles:
            self.assertIn(needle, out)

    # ---- source ------------------------------------------------------------------------------
    def test_the_vendored_copy_is_crates_io_plus_the_patch(self) -> None:
        res = run("source")
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        self.assertIn("byte for byte", res.stdout)

    def test_one_byte_changed_in_the_vendored_source_fails(self) -> None:
        copy = self.copy_of_vendor()
        target = copy / "src" / "numberparse.rs"
        data = bytearray(target.read_bytes())
        middle = len(data) // 2
        data[middle] = ord("~") if data[middle] != ord("~") else ord("!")
        target.write_bytes(bytes(data))
        self.assertFails(run("source", copy), "numberparse.rs", "is not simd-json 0.19.0")

    def test_a_file_left_out_or_added_fails(self) -> None:
        copy = self.copy_of_vendor()
        (copy / "src" / "tests.rs").unlink()
        (copy / "src" / "extra.rs").write_text("// not upstream\n")
        self.assertFails(run("source", copy), "tests.rs", "extra.rs")

    def test_the_patch_function_missing_from_the_copy_fails(self) -> None:
        copy = self.copy_of_vendor()
        lib = copy / "src" / "lib.rs"
        lib.write_text(lib.read_text().replace("pub fn find_structural_indexes(", "pub fn find_structural_index(", 1))
        self.assertFails(run("source", copy), "lib.rs")

    def test_a_diff_that_does_not_apply_fails(self) -> None:
        copy = self.copy_of_vendor()
        patch = copy / "PATCH.md"
        text = patch.read_text()
        context = "     Deserializer::fill_tape_padded(s, len, buffers, &mut tape.0)\n"
        self.assertIn(context, text)
        patch.write_text(text.replace(context, context.replace("buffers", "buffer"), 1))
        self.assertFails(run("source", copy), "does not apply")

    # ---- advisories --------------------------------------------------------------------------
    def test_an_advisory_against_the_vendored_version_fails(self) -> None:
        db = self.fake_db("simd-json", ">= 0.19.1")
        self.assertFails(run("advisories", db), FAKE_ID, "simd-json 0.19.0 registry+")

    def test_an_advisory_patched_in_the_vendored_version_passes(self) -> None:
        db = self.fake_db("simd-json", ">= 0.19.0")
        res = run("advisories", db)
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        self.assertIn("advisories ok", res.stdout + res.stderr)

    def test_the_workspace_check_alone_misses_it(self) -> None:
        """Why this check exists: cargo-deny on the workspace sees simd-json as a path crate."""
        db = self.fake_db("simd-json", ">= 0.19.1")
        res = run("advisories", db, REPO / "Cargo.toml")
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        self.assertIn("advisories ok", res.stdout + res.stderr)


if __name__ == "__main__":
    unittest.main()
