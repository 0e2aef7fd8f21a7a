"""The rules the GitHub Actions workflows must keep, as functions that return violations.

Each `check_*` takes the loaded workflows ({file name: Workflow}) and returns a list of
human-readable violations (empty = rule holds). Keeping them pure lets the tests run them both on
the real `.github/workflows` and on deliberately broken copies, proving each rule can fail.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
TEST_SH = REPO / "scripts" / "test.sh"

STAGES = ("dev", "staging", "prod")
PROTECTED_STAGE = "prod"
SHA_PIN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@\s]+)?@[0-9a-f]{40}$")
DOCKER_PIN = re.compile(r"^docker://[^@\s]+@sha256:[0-9a-f]{64}$")
VERSION_COMMENT = re.compile(r"#\s*v?\d+(\.\d+)*\b")
OIDC_ACTION = "aws-actions/configure-aws-credentials"
LONG_LIVED_KEY_INPUTS = ("aws-access-key-id", "aws-secret-access-key", "aws-session-token")
LONG_LIVED_KEY_TEXT = re.compile(r"secrets\.AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)")


@dataclass
class Workflow:
    name: str
    text: str
    doc: dict
    # Jobs that call a one-job reusable workflow of this repository, replaced by that job as it
    # runs for this call (see expand_calls); None: the jobs are the document's.
    expanded: dict | None = field(default=None, repr=False)

    @property
    def triggers(self) -> dict:
        # PyYAML reads the bare key `on` as the boolean True (YAML 1.1).
        on = self.doc.get("on", self.doc.get(True, {}))
        if isinstance(on, str):
            return {on: None}
        if isinstance(on, list):
            return {t: None for t in on}
        return on or {}

    @property
    def jobs(self) -> dict:
        if self.expanded is not None:
            return self.expanded
        return self.doc.get("jobs") or {}


def load_workflows(directory: Path) -> dict[str, Workflow]:
    flows = {}
    for path in sorted(list(directory.glob("*.yml")) + list(directory.glob("*.yaml"))):
        text = path.read_text()
        flows[path.name] = Workflow(path.name, text, yaml.safe_load(text) or {})
    for f in flows.values():
        expand_calls(f, flows)
    return flows


LOCAL_CALL = re.compile(r"^\./\.github/workflows/([^/@]+\.ya?ml)$")
INPUT_REF = re.compile(r"\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}")
LEVELS = {"none": 0, "read": 1, "write": 2}


def _substitute(node, inputs: dict):
    """`${{ inputs.x }}` -> the caller's value, everywhere in a job (strings only)."""
    if isinstance(node, dict):
        return {k: _substitute(v, inputs) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, inputs) for v in node]
    if isinstance(node, str):
        return INPUT_REF.sub(lambda m: str(inputs.get(m.group(1), m.group(0))), node)
    return node


def _capped(callee, caller) -> dict:
    """A called job gets at most what the calling job grants (GitHub's rule)."""
    callee = callee if isinstance(callee, dict) else {}
    caller = caller if isinstance(caller, dict) else {}
    out = {}
    for scope, level in callee.items():
        lv = min(LEVELS.get(level, 0), LEVELS.get(caller.get(scope, "none"), 0))
        out[scope] = next(k for k, v in LEVELS.items() if v == lv)
    return out


def expand_calls(flow: Workflow, flows: dict[str, Workflow]) -> None:
    """Replace each job that calls a one-job workflow of this repository (`uses: ./.github/...`,
    e.g. deploy-stage.yml) by that job with the call's inputs substituted, the caller's `needs`
    and `if`, and permissions capped by the caller's: the job as it really runs. The rules then
    judge what runs, wherever it is written. Calls of multi-job workflows (ci.yml) stay calls."""
    jobs = flow.doc.get("jobs") or {}
    out = {}
    for job_id, job in jobs.items():
        m = LOCAL_CALL.match(str(job.get("uses", "")).split("#")[0].strip())
        callee = flows.get(m.group(1)) if m else None
        callee_jobs = (callee.doc.get("jobs") or {}) if callee else {}
        if len(callee_jobs) != 1:
            out[job_id] = job
            continue
        declared = (callee.triggers.get("workflow_call") or {}).get("inputs") or {}
        inputs = {k: (v or {}).get("default") for k, v in declared.items()}
        inputs.update(job.get("with") or {})
        (inner,) = callee_jobs.values()
        merged = _substitute(copy.deepcopy(inner), inputs)
        merged["env"] = {**(callee.doc.get("env") or {}), **(merged.get("env") or {})}
        merged["permissions"] = _capped(merged.get("permissions"), job.get("permissions"))
        for key in ("needs", "if"):
            if key in job:
                merged[key] = job[key]
            else:
                merged.pop(key, None)
        merged["called_from"] = job.get("uses")
        out[job_id] = merged
    if out != jobs:
        flow.expanded = out


# ---------------------------------------------------------------------------------------- helpers
LOCAL_ACTION = re.compile(r"^\./(\.github/actions/[^@\s]+)$")


@lru_cache(maxsize=None)
def local_action(path: str) -> tuple[str, dict]:
    """(text, document) of a composite action of this repository (`uses: ./.github/actions/x`)."""
    directory = REPO / path
    file = directory / "action.yml" if (directory / "action.yml").exists() else directory / "action.yaml"
    text = file.read_text()
    return text, yaml.safe_load(text) or {}


def local_actions() -> dict[str, str]:
    """Every composite action of this repository: path -> text."""
    found = sorted((REPO / ".github" / "actions").glob("*/action.y*ml"))
    return {str(p.relative_to(REPO)): p.read_text() for p in found}


def steps(job: dict) -> list[dict]:
    """A job's steps, with the steps of each composite action of this repository it uses
    following the step that uses it (so the rules see what the job really runs)."""
    out = []
    for s in job.get("steps") or []:
        out.append(s)
        m = LOCAL_ACTION.match(str(s.get("uses", "")).split("#")[0].strip())
        if m:
            out.extend(((local_action(m.group(1))[1].get("runs") or {}).get("steps")) or [])
    return out


def uses_of(job: dict) -> list[str]:
    found = [job["uses"]] if "uses" in job else []
    return found + [s["uses"] for s in steps(job) if "uses" in s]


def action_name(uses: str) -> str:
    return uses.split("@", 1)[0]


def run_text(job: dict) -> str:
    return "\n".join(s.get("run", "") for s in steps(job))


def env_name(job: dict) -> str | None:
    env = job.get("environment")
    if isinstance(env, dict):
        return env.get("name")
    return env


def needs_of(job: dict) -> list[str]:
    needs = job.get("needs") or []
    return [needs] if isinstance(needs, str) else list(needs)


def transitive_needs(jobs: dict, job_id: str) -> set[str]:
    seen: set[str] = set()
    todo = list(needs_of(jobs[job_id]))
    while todo:
        n = todo.pop()
        if n not in seen and n in jobs:
            seen.add(n)
            todo.extend(needs_of(jobs[n]))
    return seen


def expand_env(text: str, job: dict, flow: Workflow) -> str:
    """Substitute $VAR / ${VAR} from the job's and the workflow's literal `env:` maps."""
    env = {**(flow.doc.get("env") or {}), **(job.get("env") or {})}
    for key, val in env.items():
        text = re.sub(r"\$\{?" + re.escape(str(key)) + r"\}?(?![A-Za-z0-9_])", str(val), text)
    return text


def permissions_of(node: dict) -> dict | str | None:
    return node.get("permissions")


def writes(perms) -> set[str]:
    if perms in ("write-all",):
        return {"*"}
    if not isinstance(perms, dict):
        return set()
    return {scope for scope, level in perms.items() if level == "write"}


def is_oidc_deploy_job(job: dict) -> bool:
    return any(action_name(u) == OIDC_ACTION for u in uses_of(job))


def release_workflows(flows: dict[str, Workflow]) -> list[Workflow]:
    return [f for f in flows.values() if any(env_name(j) in STAGES for j in f.jobs.values())]


def deploy_jobs(flow: Workflow) -> dict[str, str]:
    """stage -> job id, for jobs that run in a stage's GitHub environment."""
    found: dict[str, str] = {}
    for job_id, job in flow.jobs.items():
        stage = env_name(job)
        if stage in STAGES:
            found.setdefault(stage, job_id)
    return found


def build_jobs(flow: Workflow) -> list[str]:
    return [
        job_id
        for job_id, job in flow.jobs.items()
        if any(
            action_name(s.get("uses", "")) == "actions/upload-artifact"
            and "cdk.out" in str((s.get("with") or {}).get("path", ""))
            for s in steps(job)
        )
    ]


def resolve(value: str, flow: Workflow, job: dict) -> str:
    """`${{ env.X }}` (the workflow's env) and `${{ needs.J.outputs.O }}` (J's declared output, if
    J is a direct need), resolved as far as the files say."""
    for _ in range(5):
        m = re.fullmatch(r"\$\{\{\s*env\.(\w+)\s*\}\}", value)
        if m:
            value = str((flow.doc.get("env") or {}).get(m.group(1), value))
            continue
        m = re.fullmatch(r"\$\{\{\s*needs\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}", value)
        if m and m.group(1) in needs_of(job) and m.group(1) in flow.jobs:
            value = str((flow.jobs[m.group(1)].get("outputs") or {}).get(m.group(2), value))
            continue
        break
    return value


def artifact_name(job: dict, flow: Workflow, action: str) -> str | None:
    for s in steps(job):
        if action_name(s.get("uses", "")) == action:
            return resolve(str((s.get("with") or {}).get("name", "")), flow, job)
    return None


def smoke_points(flow: Workflow, deploy_id: str) -> set[str]:
    """Jobs whose success means the stage's smoke test passed: the deploy job itself when a smoke
    step follows its `cdk deploy` step, and any job that needs it and runs the smoke script."""
    points = set()
    job = flow.jobs[deploy_id]
    runs = [s.get("run", "") for s in steps(job)]
    deploy_at = [i for i, r in enumerate(runs) if "cdk deploy" in r]
    smoke_at = [i for i, r in enumerate(runs) if "smoke-test" in r]
    if deploy_at and smoke_at and max(smoke_at) > min(deploy_at):
        points.add(deploy_id)
    for job_id, other in flow.jobs.items():
        later_stage = env_name(other) in STAGES and env_name(other) != env_name(job)
        if deploy_id in needs_of(other) and "smoke-test" in run_text(other) and not later_stage:
            points.add(job_id)
    return points


# ----------------------------------------------------------------------------------------- checks
def check_top_level_permissions(flows: dict[str, Workflow]) -> list[str]:
    bad = []
    for f in flows.values():
        perms = permissions_of(f.doc)
        if perms is None:
            bad.append(f"{f.name}: no top-level `permissions:` (the default token may be read-write)")
        elif perms == {} or perms == "read-all":
            continue
        elif not isinstance(perms, dict) or any(v not in ("read", "none") for v in perms.values()):
            bad.append(f"{f.name}: top-level permissions must be {{}} or read-only, got {perms!r}")
    return bad


def check_job_permissions(flows: dict[str, Workflow]) -> list[str]:
    """Every job states its permissions; the only write is id-token, only in OIDC deploy jobs."""
    bad = []
    for f in flows.values():
        for job_id, job in f.jobs.items():
            perms = permissions_of(job)
            if perms is None:
                bad.append(f"{f.name}:{job_id}: no job-level `permissions:`")
                continue
            w = writes(perms)
            if w - {"id-token"}:
                bad.append(f"{f.name}:{job_id}: write permission(s) {sorted(w - {'id-token'})}")
            if "id-token" in w and not is_oidc_deploy_job(job):
                bad.append(f"{f.name}:{job_id}: id-token: write without an OIDC AWS step")
            if is_oidc_deploy_job(job) and "id-token" not in w:
                bad.append(f"{f.name}:{job_id}: uses {OIDC_ACTION} but lacks id-token: write")
    return bad


def check_pinned_uses(flows: dict[str, Workflow]) -> list[str]:
    bad = []
    for f in flows.values():
        for job_id, job in f.jobs.items():
            for u in uses_of(job):
                if u.startswith("./"):
                    continue  # this repository, at this very commit
                if not (SHA_PIN.match(u) or DOCKER_PIN.match(u)):
                    bad.append(f"{f.name}:{job_id}: `{u}` is not pinned to a full commit SHA")
    return bad


def check_version_comments(flows: dict[str, Workflow]) -> list[str]:
    """Each SHA pin says which release it is (what dependabot updates and reviewers read)."""
    bad = []
    texts = {f.name: f.text for f in flows.values()} | local_actions()
    for name, text in texts.items():
        for n, line in enumerate(text.splitlines(), 1):
            m = re.match(r"\s*(-\s*)?uses:\s*(\S+)(.*)$", line)
            if m and "@" in m.group(2) and not m.group(2).startswith("./"):
                if not VERSION_COMMENT.search(m.group(3)):
                    bad.append(f"{name}:{n}: `{m.group(2)}` has no `# vX.Y.Z` comment")
    return bad


def check_no_long_lived_keys(flows: dict[str, Workflow]) -> list[str]:
    bad = []
    for f in flows.values():
        if LONG_LIVED_KEY_TEXT.search(f.text):
            bad.append(f"{f.name}: references a stored AWS access key secret")
        for job_id, job in f.jobs.items():
            for s in steps(job):
                keys = set((s.get("with") or {}).keys()) & set(LONG_LIVED_KEY_INPUTS)
                if keys:
                    bad.append(f"{f.name}:{job_id}: passes {sorted(keys)} (use OIDC role-to-assume)")
    return bad


def check_triggers(flows: dict[str, Workflow]) -> list[str]:
    bad = []
    rel = release_workflows(flows)
    if not any("pull_request" in f.triggers for f in flows.values()):
        bad.append("no workflow runs the checks on pull_request")
    for f in rel:
        t = f.triggers
        for risky in ("pull_request", "pull_request_target", "workflow_run", "issue_comment"):
            if risky in t:
                bad.append(f"{f.name}: a deploying workflow must not run on {risky}")
        push = t.get("push") or {}
        if push.get("branches") != ["main"] or push.get("tags"):
            bad.append(f"{f.name}: deploys must run on push to main only, got push={push!r}")
        if "workflow_dispatch" in t:
            guarded = [j for j in build_jobs(f) if "refs/heads/main" in str(f.jobs[j].get("if", ""))]
            if not guarded:
                bad.append(f"{f.name}: manual dispatch allowed, but the build is not limited to main")
    return bad


def check_promotion_graph(flows: dict[str, Workflow]) -> list[str]:
    bad = []
    rel = release_workflows(flows)
    if len(rel) != 1:
        return [f"expected exactly one deploying workflow, found {[f.name for f in rel]}"]
    f = rel[0]
    jobs = f.jobs
    stages = deploy_jobs(f)
    for stage in STAGES:
        if stage not in stages:
            bad.append(f"{f.name}: no job deploys to environment `{stage}`")
    builds = build_jobs(f)
    if len(builds) != 1:
        return bad + [f"{f.name}: expected one build job uploading cdk.out, found {builds}"]
    build = builds[0]
    build_job = jobs[build]
    # The build runs only after the checks (a call of the CI workflow, or jobs doing them).
    checks = [n for n in needs_of(build_job) if n in jobs]
    if not checks:
        bad.append(f"{f.name}:{build}: the build does not wait for the checks")
    if env_name(build_job) or "id-token" in writes(permissions_of(build_job)):
        bad.append(f"{f.name}:{build}: the build job must not hold deploy credentials")
    uploaded = artifact_name(build_job, f, "actions/upload-artifact")
    prev_stage_points: set[str] | None = None
    for stage in STAGES:
        job_id = stages.get(stage)
        if job_id is None:
            continue
        job = jobs[job_id]
        upstream = transitive_needs(jobs, job_id)
        if build not in upstream:
            bad.append(f"{f.name}:{job_id}: does not depend on the build job `{build}`")
        if prev_stage_points is not None and not (prev_stage_points & upstream):
            bad.append(
                f"{f.name}:{job_id}: does not wait for the previous stage's smoke test "
                f"(one of {sorted(prev_stage_points)})"
            )
        points = smoke_points(f, job_id)
        if not points:
            bad.append(f"{f.name}:{job_id}: no smoke test follows the {stage} deploy")
        prev_stage_points = points
        # Promote the artifact; never rebuild or re-synthesize in a deploy job.
        if artifact_name(job, f, "actions/download-artifact") != uploaded:
            bad.append(f"{f.name}:{job_id}: does not download the build's artifact `{uploaded}`")
        runs = expand_env(run_text(job), job, f)
        if not re.search(rf"cdk deploy\s+--app\s+\"?cdk\.out/{stage}\"?(\s|$)", runs):
            bad.append(f"{f.name}:{job_id}: must run `cdk deploy --app cdk.out/{stage}`")
        if re.search(r"\bcdk synth\b|\bcargo (lambda )?build\b|build-arm64\.sh|synth\.sh", runs):
            bad.append(f"{f.name}:{job_id}: rebuilds instead of deploying the artifact")
        # Credentials: this stage's role, through OIDC.
        oidc = [s for s in steps(job) if action_name(s.get("uses", "")) == OIDC_ACTION]
        if not oidc:
            bad.append(f"{f.name}:{job_id}: no {OIDC_ACTION} step")
        for s in oidc:
            w = s.get("with") or {}
            if "vars.AWS_DEPLOY_ROLE_ARN" not in str(w.get("role-to-assume", "")):
                bad.append(f"{f.name}:{job_id}: role-to-assume must come from vars.AWS_DEPLOY_ROLE_ARN")
            if "vars.AWS_REGION" not in str(w.get("aws-region", "")):
                bad.append(f"{f.name}:{job_id}: aws-region must come from vars.AWS_REGION")
        # Two deploys of one stage never overlap, and a running one is never cancelled.
        conc = job.get("concurrency")
        if not isinstance(conc, dict) or stage not in str(conc.get("group", "")):
            bad.append(f"{f.name}:{job_id}: needs a concurrency group naming the stage `{stage}`")
        elif conc.get("cancel-in-progress") is not False:
            bad.append(f"{f.name}:{job_id}: concurrency must set cancel-in-progress: false")
    groups = [str((jobs[j].get("concurrency") or {}).get("group")) for j in stages.values()]
    if len(set(groups)) != len(groups):
        bad.append(f"{f.name}: stages share a concurrency group: {groups}")
    prod = stages.get(PROTECTED_STAGE)
    if prod is not None:
        if env_name(jobs[prod]) != PROTECTED_STAGE:
            bad.append(f"{f.name}:{prod}: prod must deploy through the `prod` environment")
        if stages.get("staging") not in transitive_needs(jobs, prod):
            bad.append(f"{f.name}:{prod}: prod must come after staging")
    return bad


@lru_cache(maxsize=None)
def test_sh_steps() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(STEPS, EXTRA_STEPS) of scripts/test.sh, as `scripts/test.sh --list[-extra]` prints them."""
    def ask(flag):
        out = subprocess.run(["bash", str(TEST_SH), flag], capture_output=True, text=True,
                             timeout=60, check=True).stdout
        return tuple(out.split())
    return ask("--list"), ask("--list-extra")


@lru_cache(maxsize=None)
def test_sh_bodies() -> dict[str, str]:
    """step name -> the shell function test.sh runs for it (`scripts/test.sh --show STEP`)."""
    steps_, extra = test_sh_steps()
    bodies = {}
    for name in steps_ + extra:
        bodies[name] = subprocess.run(["bash", str(TEST_SH), "--show", name], capture_output=True,
                                      text=True, timeout=60, check=True).stdout
    return bodies


TEST_SH_CALL = re.compile(r"(?:^|[;&|]\s*|\s)(?:\./)?scripts/test\.sh((?:[ \t]+[A-Za-z0-9_]+)*)")


def test_sh_calls(text: str) -> list[list[str]]:
    """The argument lists of every `scripts/test.sh STEP...` in some shell text."""
    return [m.group(1).split() for m in TEST_SH_CALL.finditer(text)]


def pr_run_text(flows: dict[str, Workflow]) -> str:
    pr = [f for f in flows.values() if "pull_request" in f.triggers]
    return "\n".join(run_text(j) for f in pr for j in f.jobs.values())


def check_ci_runs_test_sh(flows: dict[str, Workflow], listed=None) -> list[str]:
    """One list of checks: the pull-request workflow runs every step of scripts/test.sh's STEPS
    through `scripts/test.sh STEP...`, and names no step test.sh does not have. A bare
    `scripts/test.sh` (all steps) counts as all of them."""
    steps_, extra = listed or test_sh_steps()
    calls = test_sh_calls(pr_run_text(flows))
    run = {s for args in calls for s in (args or steps_)}
    bad = [f"test.sh step `{s}` is not run by any pull_request workflow job" for s in steps_ if s not in run]
    bad += [f"a pull_request workflow runs `scripts/test.sh {s}`, which test.sh does not define"
            for s in sorted(run - set(steps_) - set(extra))]
    return bad


def check_ci_runs_the_checks(flows: dict[str, Workflow], bodies=None) -> list[str]:
    """The PR workflow runs every check the issue lists (by the commands it runs, directly or
    through the scripts/test.sh steps it calls)."""
    bodies = test_sh_bodies() if bodies is None else bodies
    required = {
        "rustfmt": r"cargo fmt\b.*--check",
        "clippy -D warnings": r"cargo clippy\b.*-D warnings",
        "rust tests": r"cargo test\b",
        "cargo-deny incl. advisories": r"scripts/check-deps\.sh",
        "arm64 cargo-lambda build": r"cargo lambda build\b.*--arm64|build-arm64\.sh|test\.sh arm64",
        "infra lint/tests/synth/cdk-nag/cfn-lint": r"scripts/check-infra\.sh",
        "actionlint": r"\bactionlint\b",
        "schema + zizmor + graph test": r"scripts/check-workflows\.sh",
    }
    text = pr_run_text(flows)
    called = {s for args in test_sh_calls(text) for s in args}
    text += "\n" + "\n".join(bodies.get(s, "") for s in sorted(called))
    return [f"no pull_request workflow runs {what}" for what, rx in required.items()
            if not re.search(rx, text)]


NODE_VERSION_FILE = ".node-version"
SETUP_NODE = "actions/setup-node"


def check_node_version(flows: dict[str, Workflow], version: str | None = None,
                       package: dict | None = None) -> list[str]:
    """One Node version, in .node-version (scripts/setup.sh installs it too): every setup-node step,
    in the workflows and their local composite actions, reads it (`node-version-file`) and pins no
    version of its own, and package.json's `engines` and `@types/node` follow its major."""
    bad = []
    seen = 0
    for f in flows.values():
        for job_id, job in f.jobs.items():
            for s in steps(job):
                if action_name(str(s.get("uses", ""))) != SETUP_NODE:
                    continue
                seen += 1
                w = s.get("with") or {}
                if w.get("node-version-file") != NODE_VERSION_FILE:
                    bad.append(f"{f.name}:{job_id}: setup-node does not read node-version-file: {NODE_VERSION_FILE}")
                if "node-version" in w:
                    bad.append(f"{f.name}:{job_id}: setup-node pins node-version: {w['node-version']}")
    if seen == 0:
        bad.append("no workflow sets up Node with actions/setup-node")
    version = (REPO / NODE_VERSION_FILE).read_text().strip() if version is None else version
    m = re.fullmatch(r"(\d+)\.\d+\.\d+", version)
    if not m:
        return bad + [f"{NODE_VERSION_FILE} is not an exact version X.Y.Z: {version!r}"]
    major = m.group(1)
    package = json.loads((REPO / "package.json").read_text()) if package is None else package
    engines = (package.get("engines") or {}).get("node")
    if engines != f">={major}":
        bad.append(f"package.json engines.node is {engines!r}, want '>={major}' ({NODE_VERSION_FILE}: {version})")
    types = str((package.get("devDependencies") or {}).get("@types/node", ""))
    if types.split(".")[0] != major:
        bad.append(f"package.json @types/node is {types!r}, want {major}.x ({NODE_VERSION_FILE}: {version})")
    return bad


ALL_CHECKS = (
    check_top_level_permissions,
    check_job_permissions,
    check_pinned_uses,
    check_version_comments,
    check_no_long_lived_keys,
    check_triggers,
    check_promotion_graph,
    check_ci_runs_the_checks,
    check_ci_runs_test_sh,
    check_node_version,
)
