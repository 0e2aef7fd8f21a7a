"""The promotion graph and least-privilege rules, asserted on the real workflows, and proven able
to fail on broken copies.

`WORKFLOWS_DIR` (default: the repository's .github/workflows) selects what RepoWorkflowPolicy
reads; MutationsAreCaught runs RepoWorkflowPolicy itself on mutated copies in a temp dir.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from unittest import mock
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pipeline_policy as policy  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
REAL_DIR = REPO / ".github" / "workflows"
WORKFLOWS_DIR = Path(os.environ.get("WORKFLOWS_DIR", REAL_DIR))


class RepoWorkflowPolicy(unittest.TestCase):
    """Each rule holds for the workflows in WORKFLOWS_DIR."""

    @classmethod
    def setUpClass(cls):
        cls.flows = policy.load_workflows(WORKFLOWS_DIR)

    def assertHolds(self, check):
        problems = check(self.flows)
        self.assertEqual(problems, [], "\n" + "\n".join(problems))

    def test_there_are_workflows(self):
        self.assertGreaterEqual(len(self.flows), 2, f"workflows in {WORKFLOWS_DIR}")

    def test_top_level_permissions_empty_or_read_only(self):
        self.assertHolds(policy.check_top_level_permissions)

    def test_job_permissions_least_privilege(self):
        self.assertHolds(policy.check_job_permissions)

    def test_all_uses_pinned_to_commit_sha(self):
        self.assertHolds(policy.check_pinned_uses)

    def test_pins_carry_version_comment(self):
        self.assertHolds(policy.check_version_comments)

    def test_no_long_lived_aws_keys(self):
        self.assertHolds(policy.check_no_long_lived_keys)

    def test_triggers(self):
        self.assertHolds(policy.check_triggers)

    def test_promotion_graph(self):
        self.assertHolds(policy.check_promotion_graph)

    def test_pull_requests_run_every_check(self):
        self.assertHolds(policy.check_ci_runs_the_checks)

    def test_node_version_from_one_file(self):
        self.assertHolds(policy.check_node_version)

    def test_ci_and_test_sh_run_the_same_steps(self):
        self.assertHolds(policy.check_ci_runs_test_sh)


def _flows() -> dict[str, policy.Workflow]:
    return policy.load_workflows(REAL_DIR)


def _release(flows) -> policy.Workflow:
    (rel,) = policy.release_workflows(flows)
    return rel


def _job(flows, stage):
    rel = _release(flows)
    return rel.jobs[policy.deploy_jobs(rel)[stage]]


def _mutated(mutate) -> dict[str, policy.Workflow]:
    """Apply `mutate(flows)` to a deep copy of the real workflows' parsed documents."""
    flows = copy.deepcopy(_flows())
    mutate(flows)
    return flows


def _ci_step_replaced(step: str, by: str):
    """A mutation: every `scripts/test.sh ... STEP` in ci.yml runs `by` instead of STEP."""
    def mutate(flows):
        for job in flows["ci.yml"].jobs.values():
            for s in job["steps"]:
                s["run"] = re.sub(rf"(scripts/test\.sh[ \w]*) {step}\b", rf"\1{by}", s.get("run", ""))
    return mutate


class MutationsAreCaught(unittest.TestCase):
    """Each rule reports a violation when the workflows are broken the way it guards against."""

    def assertCaught(self, check, mutate, needle: str):
        problems = check(_mutated(mutate))
        self.assertTrue(
            any(needle in p for p in problems),
            f"{check.__name__} missed the mutation (wanted {needle!r}); got {problems}",
        )

    def test_real_workflows_are_clean_to_start_with(self):
        flows = _flows()
        for check in policy.ALL_CHECKS:
            self.assertEqual(check(flows), [], check.__name__)

    def test_write_all_top_level(self):
        def m(flows):
            _release(flows).doc["permissions"] = {"contents": "write"}
        self.assertCaught(policy.check_top_level_permissions, m, "read-only")

    def test_missing_top_level_permissions(self):
        self.assertCaught(
            policy.check_top_level_permissions,
            lambda flows: flows["ci.yml"].doc.pop("permissions"),
            "no top-level",
        )

    def test_id_token_on_build_job(self):
        def m(flows):
            rel = _release(flows)
            (build,) = policy.build_jobs(rel)
            rel.jobs[build]["permissions"]["id-token"] = "write"
        self.assertCaught(policy.check_job_permissions, m, "id-token: write without")

    def test_deploy_job_without_id_token(self):
        def m(flows):
            _job(flows, "dev")["permissions"].pop("id-token")
        self.assertCaught(policy.check_job_permissions, m, "lacks id-token")

    def test_contents_write_on_a_job(self):
        def m(flows):
            _job(flows, "staging")["permissions"]["contents"] = "write"
        self.assertCaught(policy.check_job_permissions, m, "write permission")

    def test_tag_instead_of_sha(self):
        def m(flows):
            steps = _job(flows, "prod")["steps"]
            steps[0]["uses"] = "actions/checkout@v4"
        self.assertCaught(policy.check_pinned_uses, m, "actions/checkout@v4")

    def test_short_sha(self):
        def m(flows):
            flows["ci.yml"].jobs["rust"]["steps"][0]["uses"] = "actions/checkout@11bd719"
        self.assertCaught(policy.check_pinned_uses, m, "not pinned")

    def test_missing_version_comment(self):
        def m(flows):
            f = flows["ci.yml"]
            f.text = re.sub(r"(uses: actions/checkout@[0-9a-f]{40}) # v[\d.]+", r"\1", f.text, 1)
        self.assertCaught(policy.check_version_comments, m, "no `# vX.Y.Z` comment")

    # The shared set-up action (.github/actions/setup) is read from disk: these mutate what the
    # rules are given for it instead.
    def _setup_action_mutated(self, mutate):
        text, doc = policy.local_action(".github/actions/setup")
        doc = copy.deepcopy(doc)
        text = mutate(text, doc) or text
        return (mock.patch.object(policy, "local_action", lambda path: (text, doc)),
                mock.patch.object(policy, "local_actions",
                                  lambda: {".github/actions/setup/action.yml": text}))

    def assertCaughtInSetupAction(self, check, mutate, needle: str):
        first, second = self._setup_action_mutated(mutate)
        with first, second:
            problems = check(_flows())
        self.assertTrue(any(needle in p for p in problems),
                        f"{check.__name__} missed the mutation (wanted {needle!r}); got {problems}")

    def test_tag_inside_the_setup_action(self):
        def m(text, doc):
            doc["runs"]["steps"][0]["uses"] = "actions/setup-python@v5"
        self.assertCaughtInSetupAction(policy.check_pinned_uses, m, "actions/setup-python@v5")

    def test_missing_version_comment_inside_the_setup_action(self):
        def m(text, doc):
            return re.sub(r"(uses: actions/setup-python@[0-9a-f]{40}) # v[\d.]+", r"\1", text, 1)
        self.assertCaughtInSetupAction(policy.check_version_comments, m, "no `# vX.Y.Z` comment")

    def test_setup_step_dropped_from_the_setup_action(self):
        def m(text, doc):
            doc["runs"]["steps"] = [s for s in doc["runs"]["steps"] if "run" not in s]
        self.assertCaughtInSetupAction(policy.check_ci_runs_test_sh, m, "`setup` is not run")

    def test_node_version_pinned_in_a_workflow(self):
        def m(flows):
            for s in _job(flows, "dev")["steps"]:
                if policy.action_name(s.get("uses", "")) == policy.SETUP_NODE:
                    s["with"] = {"node-version": "20"}
        self.assertCaught(policy.check_node_version, m, "does not read node-version-file")
        self.assertCaught(policy.check_node_version, m, "pins node-version: 20")

    def test_node_version_pinned_inside_the_setup_action(self):
        def m(text, doc):
            for s in doc["runs"]["steps"]:
                if policy.action_name(s.get("uses", "")) == policy.SETUP_NODE:
                    s["with"]["node-version"] = "24"
        self.assertCaughtInSetupAction(policy.check_node_version, m, "pins node-version: 24")

    def test_package_json_behind_the_node_version(self):
        package = json.loads((REPO / "package.json").read_text())
        old = {**package, "engines": {"node": ">=20"},
               "devDependencies": {**package["devDependencies"], "@types/node": "20.19.43"}}
        problems = policy.check_node_version(_flows(), package=old)
        self.assertTrue(any("engines.node is '>=20', want '>=24'" in p for p in problems), problems)
        self.assertTrue(any("@types/node is '20.19.43', want 24.x" in p for p in problems), problems)
        problems = policy.check_node_version(_flows(), version="24")
        self.assertTrue(any("not an exact version" in p for p in problems), problems)

    def test_static_aws_keys(self):
        def m(flows):
            for s in _job(flows, "dev")["steps"]:
                if policy.action_name(s.get("uses", "")) == policy.OIDC_ACTION:
                    s["with"]["aws-access-key-id"] = "${{ secrets.AWS_ACCESS_KEY_ID }}"
        self.assertCaught(policy.check_no_long_lived_keys, m, "aws-access-key-id")

    def test_deploy_on_pull_request(self):
        def m(flows):
            _release(flows).doc[True]["pull_request"] = None
        self.assertCaught(policy.check_triggers, m, "must not run on pull_request")

    def test_deploy_from_any_branch(self):
        def m(flows):
            _release(flows).doc[True]["push"] = {"branches": ["**"]}
        self.assertCaught(policy.check_triggers, m, "push to main only")

    def test_dispatch_from_any_branch(self):
        def m(flows):
            rel = _release(flows)
            (build,) = policy.build_jobs(rel)
            rel.jobs[build].pop("if")
        self.assertCaught(policy.check_triggers, m, "not limited to main")

    def test_staging_skips_dev(self):
        def m(flows):
            rel = _release(flows)
            (build,) = policy.build_jobs(rel)
            _job(flows, "staging")["needs"] = [build]
        self.assertCaught(policy.check_promotion_graph, m, "previous stage's smoke test")

    def test_prod_skips_staging(self):
        def m(flows):
            rel = _release(flows)
            (build,) = policy.build_jobs(rel)
            _job(flows, "prod")["needs"] = [build, policy.deploy_jobs(rel)["dev"]]
        self.assertCaught(policy.check_promotion_graph, m, "prod must come after staging")

    def test_deploy_without_build(self):
        def m(flows):
            _job(flows, "dev").pop("needs")
        self.assertCaught(policy.check_promotion_graph, m, "does not depend on the build job")

    def test_build_without_checks(self):
        def m(flows):
            rel = _release(flows)
            (build,) = policy.build_jobs(rel)
            rel.jobs[build].pop("needs")
        self.assertCaught(policy.check_promotion_graph, m, "does not wait for the checks")

    def test_dev_smoke_removed(self):
        def m(flows):
            job = _job(flows, "dev")
            job["steps"] = [s for s in job["steps"] if "smoke-test.py" not in s.get("run", "")]
        self.assertCaught(policy.check_promotion_graph, m, "no smoke test follows the dev deploy")

    def test_prod_environment_renamed(self):
        def m(flows):
            _job(flows, "prod")["environment"]["name"] = "production"
        self.assertCaught(policy.check_promotion_graph, m, "environment `prod`")

    def test_deploy_resynthesizes(self):
        def m(flows):
            for s in _job(flows, "staging")["steps"]:
                if "cdk deploy" in s.get("run", ""):
                    s["run"] = 'npx cdk deploy -c stage="$STAGE" "TransactionsApi-$STAGE"'
        self.assertCaught(policy.check_promotion_graph, m, "cdk deploy --app cdk.out/staging")

    def test_deploy_rebuilds(self):
        def m(flows):
            _job(flows, "dev")["steps"].insert(0, {"run": "cargo lambda build --release --arm64"})
        self.assertCaught(policy.check_promotion_graph, m, "rebuilds instead")

    def test_wrong_artifact(self):
        def m(flows):
            for s in _job(flows, "prod")["steps"]:
                if policy.action_name(s.get("uses", "")) == "actions/download-artifact":
                    s["with"]["name"] = "something-else"
        self.assertCaught(policy.check_promotion_graph, m, "does not download the build's artifact")

    def test_cancel_in_progress(self):
        def m(flows):
            _job(flows, "staging")["concurrency"]["cancel-in-progress"] = True
        self.assertCaught(policy.check_promotion_graph, m, "cancel-in-progress: false")

    def test_no_concurrency(self):
        self.assertCaught(
            policy.check_promotion_graph, lambda flows: _job(flows, "prod").pop("concurrency"),
            "concurrency group naming the stage",
        )

    def test_hardcoded_role(self):
        def m(flows):
            for s in _job(flows, "dev")["steps"]:
                if policy.action_name(s.get("uses", "")) == policy.OIDC_ACTION:
                    s["with"]["role-to-assume"] = "arn:aws:iam::123456789012:role/admin"
        self.assertCaught(policy.check_promotion_graph, m, "vars.AWS_DEPLOY_ROLE_ARN")

    def test_clippy_warnings_allowed(self):
        # in test.sh's clippy step, which ci.yml runs
        bodies = {**policy.test_sh_bodies(), "clippy": "cargo clippy --workspace --all-targets"}
        problems = policy.check_ci_runs_the_checks(_flows(), bodies=bodies)
        self.assertTrue(any("clippy -D warnings" in p for p in problems), problems)

        # or ci.yml no longer runs that step
        self.assertCaught(policy.check_ci_runs_the_checks, _ci_step_replaced("clippy", ""), "clippy -D warnings")

    def test_ci_skips_a_test_sh_step(self):
        # the soak job runs another step instead (a bare `scripts/test.sh` would run all)
        self.assertCaught(policy.check_ci_runs_test_sh, _ci_step_replaced("soak", " format"), "step `soak` is not run")

    def test_test_sh_gains_a_step_ci_does_not_run(self):
        steps, extra = policy.test_sh_steps()
        problems = policy.check_ci_runs_test_sh(_flows(), listed=(steps + ("newcheck",), extra))
        self.assertTrue(any("step `newcheck` is not run" in p for p in problems), problems)

    def test_ci_runs_a_step_test_sh_lacks(self):
        def m(flows):
            flows["ci.yml"].jobs["lint"]["steps"].append({"run": "scripts/test.sh format lintall"})
        self.assertCaught(policy.check_ci_runs_test_sh, m, "`scripts/test.sh lintall`, which test.sh does not define")

    def _recalled(self, edit) -> dict[str, policy.Workflow]:
        """Edit release.yml's calling jobs as written, then expand the calls again."""
        flows = copy.deepcopy(_flows())
        rel = _release(flows)
        edit(rel.doc["jobs"])
        rel.expanded = None
        policy.expand_calls(rel, flows)
        return flows

    def test_caller_does_not_grant_id_token(self):
        def edit(jobs):
            jobs["deploy-staging"]["permissions"] = {"contents": "read"}
        problems = policy.check_job_permissions(self._recalled(edit))
        self.assertTrue(any("deploy-staging: uses" in p and "lacks id-token" in p for p in problems), problems)

    def test_stage_input_misnamed(self):
        def edit(jobs):
            jobs["deploy-dev"]["with"]["stage"] = "development"
        problems = policy.check_promotion_graph(self._recalled(edit))
        self.assertTrue(any("no job deploys to environment `dev`" in p for p in problems), problems)

    def test_deploy_gets_another_artifact(self):
        def edit(jobs):
            jobs["deploy-prod"]["with"]["artifact"] = "rebuilt-assembly"
        problems = policy.check_promotion_graph(self._recalled(edit))
        self.assertTrue(any("deploy-prod: does not download the build's artifact" in p for p in problems), problems)

    def test_whole_suite_fails_on_a_broken_copy(self):
        """End to end: RepoWorkflowPolicy, run on a mutated copy on disk, exits non-zero."""
        with tempfile.TemporaryDirectory() as tmp:
            broken = Path(tmp) / "workflows"
            shutil.copytree(REAL_DIR, broken)
            real = _release(_flows())
            rel = broken / real.name
            doc = yaml.safe_load(rel.read_text())
            prod = policy.deploy_jobs(real)["prod"]  # the calling job's id, as written
            doc["jobs"][prod]["needs"] = ["build"]  # prod straight after build: skips staging
            rel.write_text(yaml.safe_dump(doc, sort_keys=False))
            res = subprocess.run(
                [sys.executable, "-m", "unittest", "test_pipeline_graph.RepoWorkflowPolicy"],
                cwd=HERE, env={**os.environ, "WORKFLOWS_DIR": str(broken)},
                capture_output=True, text=True, timeout=120,
            )
            self.assertNotEqual(res.returncode, 0, res.stderr)
            self.assertIn("test_promotion_graph", res.stderr)
            self.assertIn("prod must come after staging", res.stderr)


if __name__ == "__main__":
    unittest.main()
