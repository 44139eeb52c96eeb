"""The shipped workflows, run the way GitHub runs them (tests/actions.py), on a repository
made by `vigil init` with the user's own monitors, with Vigil installed from the wheel: a
bare repository as origin, a clone per job, the matrix from the regions job, three regions
checking and publishing at once, then notify, build and compact."""

from __future__ import annotations

import json
import socket
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest

from configuration.git import run as git
from tests.actions import Actions, Job
from tests.installed import Installed
from tests.notify_receivers import Receiver, http_receiver
from tests.s3_server import s3_client

REGIONS = ("eu", "us", "ap")
TOKEN = "tok-s3cr3t-5521"  # a repository secret: in no file, log or page


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def user_config(web: str, hook: str) -> str:
    """A user's own config (not the demo): three regions, a page that is up, an API that
    needs a repository secret, one that is down, and a webhook for alerts."""
    regions = "\n".join(
        f"  - {{id: {r}, name: {r.upper()}, runs_on: [ubuntu-latest]}}" for r in REGIONS
    )
    return f"""\
# yaml-language-server: $schema=./config.schema.json
version: 1
site:
  title: Workflow Status
  url: https://status.workflow.test
  cname: status.workflow.test
regions:
{regions}
runner:
  canary: ["{web.removeprefix("http://")}"]
monitors:
  - id: shop
    name: Shop
    type: http
    url: {web}/shop
  - id: api
    name: API
    type: http
    url: {web}/api?token=${{API_TOKEN}}
  - id: legacy
    name: Legacy API
    type: http
    url: http://127.0.0.1:{closed_port()}/
    retries: 0
notifications:
  - id: ops
    type: webhook
    url: {hook}/alerts
"""


@pytest.fixture
def receivers() -> Iterator[tuple[Receiver, Receiver]]:
    with http_receiver(200) as web, http_receiver(200) as hook:
        yield web, hook


@pytest.fixture
def actions(tmp_path: Path, installed: Installed, receivers: tuple[Receiver, Receiver]) -> Actions:
    """An origin holding what `vigil init` wrote, with the user's config committed."""
    web, hook = receivers
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(origin))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "--quiet", str(origin), str(seed))
    made = installed.run("vigil", "init", str(seed), "--title", "Workflow Status", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    (seed / "config.yaml").write_text(user_config(web.url, hook.url))
    commit_all(seed, "A status page")
    runs = tmp_path / "runs"
    return Actions(origin=origin, installed=installed, folder=runs, secrets={"API_TOKEN": TOKEN})


def commit_all(clone: Path, message: str) -> None:
    git(clone, "add", "--all")
    git(clone, "-c", "user.name=Ops", "-c", "user.email=ops@example.com", "commit", "-qm", message)
    git(clone, "push", "--quiet", "origin", "HEAD:main")


def regions_matrix(actions: Actions) -> list[dict[str, object]]:
    job = actions.run("check", "regions")
    assert job.ok, job.log
    include: list[dict[str, object]] = json.loads(job.outputs["matrix"])["include"]
    return include


def results_on_data_branch(origin: Path, folder: Path) -> list[tuple[str, str, str]]:
    """(region, monitor, status) of every result the data branch holds."""
    clone = folder / "data-branch"
    subprocess.run(["git", "clone", "-q", "-b", "status-data", str(origin), str(clone)], check=True)
    files = sorted(str(p) for p in clone.rglob("*.parquet"))
    if not files:
        return []
    rows = duckdb.sql(
        f"select region, monitor_id, status from read_parquet({files!r}, hive_partitioning=true)"
    ).fetchall()
    return sorted((str(r), str(m), str(s)) for r, m, s in rows)


def build_with_the_three_statuses(actions: Actions) -> Job:
    """Run the build job; the site's API says what the three monitors' checks found."""
    build = actions.run("build", "build")
    assert build.ok, build.log
    assert build.artifact is not None
    summary = json.loads((build.artifact / "api" / "v2" / "summary.json").read_text())
    statuses = {c["name"]: c["status"] for c in summary["components"]}
    assert statuses == {"Shop": "operational", "API": "operational", "Legacy API": "major_outage"}
    return build


def test_three_regions_check_at_once_then_notify_build_and_compact(
    actions: Actions, receivers: tuple[Receiver, Receiver], tmp_path: Path
) -> None:
    web, hook = receivers
    matrix = regions_matrix(actions)
    assert [entry["region"] for entry in matrix] == list(REGIONS)

    with ThreadPoolExecutor(len(matrix)) as pool:  # the three regions publish at once
        jobs = list(pool.map(lambda entry: actions.run("check", "check", matrix=entry), matrix))
    for entry, job in zip(matrix, jobs, strict=True):
        assert job.ok, (entry, job.log)

    results = results_on_data_branch(actions.origin, tmp_path / "after-checks")
    assert results == sorted(
        [(r, m, "up") for r in REGIONS for m in ("shop", "api")]
        + [(r, "legacy", "down") for r in REGIONS]
    )
    assert len([r for r in web.requests if r.path == "/shop"]) == 3
    assert [r.query["token"] for r in web.requests if r.path == "/api"] == [[TOKEN]] * 3

    notify = actions.run("check", "notify")
    assert notify.ok, notify.log
    alerts = [r.json() for r in hook.requests if r.path == "/alerts"]
    assert [alert["monitor"]["id"] for alert in alerts] == ["legacy"]

    build = build_with_the_three_statuses(actions)
    assert build.artifact is not None
    assert (build.artifact / "CNAME").read_text().strip() == "status.workflow.test"
    published = [p.read_bytes() for p in build.artifact.rglob("*") if p.is_file()]
    assert not any(TOKEN.encode() in data for data in published)
    logs = "\n".join(job.log for job in [*jobs, notify, build])
    assert TOKEN not in logs

    compact = actions.run("compact", "compact")
    assert compact.ok, compact.log
    assert results_on_data_branch(actions.origin, tmp_path / "after-compact") == results


def test_a_broken_config_fails_the_regions_step_with_its_annotation(
    actions: Actions, tmp_path: Path
) -> None:
    clone = tmp_path / "edit"
    git(tmp_path, "clone", "--quiet", str(actions.origin), str(clone))
    config = clone / "config.yaml"
    config.write_text(config.read_text().replace("    retries: 0\n", "    retries: many\n"))
    commit_all(clone, "A typo")
    job = actions.run("check", "regions")
    assert not job.ok
    failed = job.steps[-1]
    assert failed.name.endswith("vigil regions --github-output matrix")
    line = next(i for i, text in enumerate(config.read_text().splitlines(), 1) if "many" in text)
    assert f"::error file=config.yaml,line={line},col=14::monitors[2].retries: " in failed.output
    assert job.outputs.get("matrix", "") == ""
    validate = actions.run("ci", "validate")
    assert not validate.ok
    assert "::error file=config.yaml" in validate.log


PAGES = """\
pages:
  - {id: public, monitors: [shop], url: "https://status.workflow.test", cname: status.workflow.test}
  - {id: internal, title: Internal, monitors: [api, legacy], visibility: private, host: server,
     protection: basic-auth}
"""


def test_with_pages_github_pages_gets_only_the_main_page(actions: Actions, tmp_path: Path) -> None:
    clone = tmp_path / "edit"
    git(tmp_path, "clone", "--quiet", str(actions.origin), str(clone))
    (clone / "config.yaml").write_text((clone / "config.yaml").read_text() + PAGES)
    commit_all(clone, "Two pages")
    build = actions.run("build", "build")
    assert build.ok, build.log
    plan = json.loads(build.outputs["plan"])
    assert (plan["main"], plan["extra"]) == ("site/public", 1)
    assert [job["page"] for job in plan["deploy"]["include"]] == ["internal"]
    assert build.artifact is not None and build.artifact.parts[-2:] == ("site", "public")
    assert (build.artifact / "CNAME").read_text() == "status.workflow.test\n"
    texts = [p.read_text("utf-8") for p in build.artifact.rglob("*") if p.is_file()]
    assert len(texts) > 30
    assert not any("Legacy API" in text or "monitors/legacy" in text for text in texts)
    assert (build.artifact.parent / "internal" / "index.html").is_file()  # built, not uploaded


PROTECT_MAIN = """#!/bin/sh
# GitHub's answer to a push that branch protection refuses.
while read -r old new ref; do
  if [ "$ref" = refs/heads/main ]; then
    echo "error: GH006: Protected branch update failed for refs/heads/main." >&2
    exit 1
  fi
done
"""
FAKE_GH = """#!/bin/sh
# Stands in for the GitHub CLI, which needs GitHub itself: records what it was asked.
printf '%s\\n' "$@" > {calls}
"""
INCIDENT = {
    "action": "new",
    "id": "",
    "title": "Checkout errors",
    "status": "investigating",
    "impact": "major",
    "monitors": "shop, legacy",
    "message": "We are looking into it.",
}


def branch_files(origin: Path, branch: str) -> set[str]:
    listed = git(origin.parent, "--git-dir", str(origin), "ls-tree", "-r", "--name-only", branch)
    return set(listed.split())


def test_the_incident_form_pushes_to_main(actions: Actions) -> None:
    job = actions.run("incident", "incident", inputs=INCIDENT)
    assert job.ok, job.log
    written = {f for f in branch_files(actions.origin, "main") if f.startswith("incidents/")}
    assert len(written - {"incidents/.gitkeep"}) == 1


def test_where_main_is_protected_the_incident_form_opens_a_pull_request(
    actions: Actions, tmp_path: Path
) -> None:
    hook = actions.origin / "hooks" / "pre-receive"
    hook.write_text(PROTECT_MAIN)
    hook.chmod(0o755)
    tools = tmp_path / "tools"
    tools.mkdir()
    calls = tmp_path / "gh-calls"
    (tools / "gh").write_text(FAKE_GH.format(calls=calls))
    (tools / "gh").chmod(0o755)
    actions.extra_path.append(tools)
    main_before = branch_files(actions.origin, "main")

    job = actions.run("incident", "incident", inputs=INCIDENT)

    assert job.ok, job.log
    assert branch_files(actions.origin, "main") == main_before
    branches = git(tmp_path, "--git-dir", str(actions.origin), "branch", "--list", "incident/*")
    branch = branches.strip()
    assert branch.startswith("incident/")
    new = branch_files(actions.origin, branch) - main_before
    assert len(new) == 1 and new.pop().startswith("incidents/")
    arguments = calls.read_text().splitlines()
    assert arguments[:6] == ["pr", "create", "--base", "main", "--head", branch]
    assert "::notice::main is protected: opened a pull request" in job.log


def test_a_missing_secret_fails_only_its_monitor_the_region_still_publishes(
    actions: Actions, tmp_path: Path
) -> None:
    actions.secrets = {}  # API_TOKEN was never added as a repository secret
    job = actions.run("check", "check", matrix={"region": "eu", "shard": "1/1", "runs-on": "x"})
    assert not job.ok
    check = next(step for step in job.steps if step.name.endswith("Check"))
    assert check.returncode == 3
    url_line = next(
        i for i, text in enumerate(actions_config(actions).splitlines(), 1) if "API_TOKEN" in text
    )
    assert (
        f"::error file=config.yaml,line={url_line},col=10::monitors[1].url: secret API_TOKEN is "
        "not set; add it as a repository secret (Settings > Secrets and variables > Actions)"
    ) in check.output
    publish = job.steps[-1]
    assert publish.name.endswith("Publish results to the data branch") and publish.returncode == 0
    results = results_on_data_branch(actions.origin, tmp_path / "data")
    assert results == [("eu", "legacy", "down"), ("eu", "shop", "up")]


def actions_config(actions: Actions) -> str:
    return git(actions.folder.parent, "--git-dir", str(actions.origin), "show", "main:config.yaml")


def test_with_an_object_store_the_jobs_read_the_credentials_from_secrets_and_variables(
    actions: Actions, bucket_url: str, s3_env: dict[str, str], tmp_path: Path
) -> None:
    """`history.store: s3://…`: the key comes from repository secrets, the endpoint from a
    repository variable; AWS_DEFAULT_REGION, never set as a variable, falls back to
    us-east-1 (an empty region would stop botocore)."""
    clone = tmp_path / "edit"
    git(tmp_path, "clone", "--quiet", str(actions.origin), str(clone))
    config = clone / "config.yaml"
    config.write_text(config.read_text() + f"history:\n  store: {bucket_url}\n")
    commit_all(clone, "History in a bucket")
    actions.secrets |= {
        "AWS_ACCESS_KEY_ID": s3_env["AWS_ACCESS_KEY_ID"],
        "AWS_SECRET_ACCESS_KEY": s3_env["AWS_SECRET_ACCESS_KEY"],
    }
    actions.variables = {"AWS_ENDPOINT_URL": s3_env["AWS_ENDPOINT_URL"]}

    check = actions.run("check", "check", matrix={"region": "eu", "shard": "1/1", "runs-on": "x"})
    assert check.ok, check.log
    notify = actions.run("check", "notify")
    assert notify.ok, notify.log
    build = build_with_the_three_statuses(actions)
    assert build.artifact is not None

    bucket, prefix = bucket_url.removeprefix("s3://").split("/", 1)
    listed = s3_client(s3_env["AWS_ENDPOINT_URL"]).list_objects_v2(  # type: ignore[attr-defined]
        Bucket=bucket, Prefix=f"{prefix}/results/region=eu/"
    )
    assert len(listed.get("Contents", [])) == 1, "the check job's run file"
    assert "status-data" not in git(tmp_path, "--git-dir", str(actions.origin), "branch")
    logs = "\n".join(job.log for job in (check, notify, build))
    assert s3_env["AWS_SECRET_ACCESS_KEY"] not in logs
