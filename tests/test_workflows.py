"""The workflows in .github/workflows/ are part of the product: actionlint (with shellcheck
on every `run:` script) passes on them, and their contract holds — the schedule, the
dispatch types, the matrix from config.yaml, least-privilege permissions, pinned actions,
one check at a time per region, and an incident form that maps onto the CLI."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from click.testing import CliRunner

from configuration.incidents import INCIDENT_STATUSES, Incident
from configuration.pages import PROTECTIONS
from generator import main

ROOT = Path(__file__).parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
NAMES = ("check", "build", "compact", "incident", "ci")  # what `vigil init` writes
TEMPLATE_ONLY = ("tests",)  # this repository's own test suite, not shipped
PINNED = re.compile(r"^\s*-?\s*uses:\s*([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+(\.\d+)*\s*$")
# Who may write what: every other job reads at most.
WRITES = {
    ("check", "check"): {"contents"},
    ("check", "heartbeat"): {"contents"},
    ("check", "notify"): {"contents"},
    ("build", "deploy"): {"pages", "id-token"},
    ("compact", "compact"): {"contents"},
    ("incident", "incident"): {"contents", "pull-requests"},
}

# `history.store: s3://…` (docs/scaling.md): what the jobs on the history map, and which.
OBJECT_STORE_ENV = {
    "AWS_ACCESS_KEY_ID": "${{ secrets.AWS_ACCESS_KEY_ID }}",
    "AWS_SECRET_ACCESS_KEY": "${{ secrets.AWS_SECRET_ACCESS_KEY }}",
    "AWS_ENDPOINT_URL": "${{ vars.AWS_ENDPOINT_URL }}",
    "AWS_DEFAULT_REGION": "${{ vars.AWS_DEFAULT_REGION || 'us-east-1' }}",
}
HISTORY_JOBS = {
    ("check", "check"),
    ("check", "notify"),
    ("check", "heartbeat"),
    ("build", "build"),
    ("build", "deploy-page"),
    ("compact", "compact"),
}


def workflow(name: str) -> dict[str, Any]:
    loaded: dict[Any, Any] = yaml.safe_load((WORKFLOWS / f"{name}.yml").read_text())
    loaded["on"] = loaded.pop(True, loaded.get("on"))  # YAML 1.1 reads `on` as true
    return loaded


def runs(job: dict[str, Any]) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def actionlint(*files: Path) -> list[dict[str, Any]]:
    binary = shutil.which("actionlint")
    assert binary, "actionlint is missing: pip install -e '.[test]'"
    completed = subprocess.run(
        [binary, "-format", "{{json .}}", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr
    errors: list[dict[str, Any]] = json.loads(completed.stdout or "[]")
    return errors


def test_the_five_workflows_exist() -> None:
    assert sorted(p.stem for p in WORKFLOWS.glob("*.y*ml")) == sorted(NAMES + TEMPLATE_ONLY)
    for name in NAMES + TEMPLATE_ONLY:
        assert workflow(name)["name"] == name


def test_actionlint_and_shellcheck_pass_on_every_workflow() -> None:
    assert shutil.which("shellcheck"), "shellcheck is missing: pip install -e '.[test]'"
    errors = actionlint(*sorted(WORKFLOWS.glob("*.yml")))
    assert errors == [], "\n".join(f"{e['filepath']}:{e['line']}: {e['message']}" for e in errors)


def test_actionlint_catches_injection_and_shellcheck_findings(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo $FOO ${{ github.event.head_commit.message }}\n"
    )
    kinds = {error["kind"] for error in actionlint(bad)}
    assert {"shellcheck", "expression"} <= kinds


def test_check_runs_every_five_minutes_and_on_dispatch() -> None:
    on = workflow("check")["on"]
    assert on["schedule"] == [{"cron": "*/5 * * * *"}]
    assert "workflow_dispatch" in on
    assert sorted(on["repository_dispatch"]["types"]) == ["check", "heartbeat"]


def test_check_matrix_is_built_from_config_by_the_regions_command() -> None:
    jobs = workflow("check")["jobs"]
    regions, check = jobs["regions"], jobs["check"]
    step = next(s for s in regions["steps"] if "vigil regions" in s.get("run", ""))
    assert step["run"] == "vigil regions --github-output matrix"
    assert regions["outputs"]["matrix"] == f"${{{{ steps.{step['id']}.outputs.matrix }}}}"
    assert check["needs"] == "regions"
    assert check["strategy"]["matrix"] == "${{ fromJSON(needs.regions.outputs.matrix) }}"
    assert check["strategy"]["fail-fast"] is False
    assert check["runs-on"] == "${{ matrix.runs-on }}"
    assert 'vigil check --region "$REGION" --shard "$SHARD" --no-notify' in runs(check)
    assert without_object_store(check["env"]) == {
        "REGION": "${{ matrix.region }}",
        "SHARD": "${{ matrix.shard }}",
    }
    result = CliRunner().invoke(main, ["regions", "--json", "--config", str(ROOT / "config.yaml")])
    include = json.loads(result.output)["include"]
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    assert [entry["region"] for entry in include] == [r["id"] for r in config["regions"]]
    assert all({"region", "shard", "runs-on"} == set(entry) for entry in include)


def test_one_check_at_a_time_per_region_and_shard() -> None:
    concurrency = workflow("check")["jobs"]["check"]["concurrency"]
    assert "${{ matrix.region }}" in concurrency["group"]
    assert "${{ matrix.shard }}" in concurrency["group"]
    assert concurrency["cancel-in-progress"] is False


def test_check_jobs_never_notify_one_serialised_job_does_after_them() -> None:
    """Region jobs run on separate machines, whose ledger locks cannot see each other: only
    the notify job sends, one at a time in the repository, after every check job."""
    jobs = workflow("check")["jobs"]
    for job_id in ("check", "heartbeat"):
        for script in runs(jobs[job_id]):
            assert "vigil notify" not in script
            assert not script.startswith("vigil check") or "--no-notify" in script.split()
    notify = jobs["notify"]
    assert notify["needs"] == ["check", "heartbeat"]
    assert notify["if"] == "${{ !cancelled() }}", "one failing region must not stop it"
    assert notify["concurrency"] == {"group": "vigil-notify", "cancel-in-progress": False}
    assert notify["permissions"] == {"contents": "write"}
    steps = notify["steps"]
    assert [step["uses"].split("@")[0] for step in steps[:2]] == [
        "actions/checkout",
        "actions/setup-python",
    ]
    assert runs(notify) == [
        "python -m pip install -r requirements.txt",
        "vigil publish --checkout",
        "vigil notify send",
        'vigil publish --message "notify"',
    ]
    assert steps[-1]["if"] == "${{ !cancelled() }}", "publish what was sent, even after a failure"


def test_only_the_check_and_notify_steps_are_given_the_secrets() -> None:
    """Users add repository secrets and never edit a managed workflow: the two steps that
    read `${NAME}` from config.yaml get them all as VIGIL_SECRETS, no other step any."""
    given = {
        (name, job_id, step.get("run", step.get("uses")))
        for name in NAMES
        for job_id, job in workflow(name)["jobs"].items()
        for step in job["steps"]
        if "secrets" in str(step.get("env", {}))
        or "secrets" in str(without_object_store(job.get("env", {})))
    }
    deploys = {
        step["run"]: step["env"]
        for step in workflow("build")["jobs"]["deploy-page"]["steps"]
        if "secrets" in str(step.get("env", {}))
    }
    assert given == {
        ("check", "check", 'vigil check --region "$REGION" --shard "$SHARD" --no-notify'),
        ("check", "notify", "vigil notify send"),
        *(("build", "deploy-page", run) for run in deploys),
    }
    for job_id in ("check", "notify"):
        step = next(s for s in workflow("check")["jobs"][job_id]["steps"] if "env" in s)
        assert step["env"] == {"VIGIL_SECRETS": "${{ toJSON(secrets) }}"}
    # A page's deploy step gets its host's secrets by name, from the page's environment.
    assert sorted(name for env in deploys.values() for name in env if "secrets" in env[name]) == [
        "CLOUDFLARE_ACCOUNT_ID",
        "CLOUDFLARE_API_TOKEN",
        "KNOWN_HOSTS",
        "NETLIFY_AUTH_TOKEN",
        "NETLIFY_SITE_ID",
        "SSH_KEY",
    ]


def without_object_store(env: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in env.items() if name not in OBJECT_STORE_ENV}


def test_the_jobs_that_read_or_write_the_history_get_the_object_store_variables() -> None:
    """`history.store: s3://…` needs the key (repository secrets) and the endpoint and
    region (repository variables) in every job that runs a `vigil` command on the history,
    and no other job: a variable never added is empty, so the region has a default."""
    given = {
        (name, job_id)
        for name in NAMES
        for job_id, job in workflow(name)["jobs"].items()
        if set(OBJECT_STORE_ENV) & set(job.get("env", {}))
    }
    assert given == HISTORY_JOBS
    for name, job_id in HISTORY_JOBS:
        env = workflow(name)["jobs"][job_id]["env"]
        assert {key: env[key] for key in OBJECT_STORE_ENV} == OBJECT_STORE_ENV, (name, job_id)
        for step in workflow(name)["jobs"][job_id]["steps"]:
            assert not set(OBJECT_STORE_ENV) & set(step.get("env", {}))


def test_jobs_that_write_results_check_out_and_publish_the_data_branch() -> None:
    for name, job_id, command in [
        ("check", "check", "vigil check"),
        ("check", "heartbeat", "vigil heartbeat"),
        ("check", "notify", "vigil notify send"),
        ("compact", "compact", "vigil compact"),
    ]:
        scripts = runs(workflow(name)["jobs"][job_id])
        at = next(i for i, s in enumerate(scripts) if command in s)
        assert any(s == "vigil publish --checkout" for s in scripts[:at]), (name, job_id)
        assert any(s.startswith("vigil publish --message") for s in scripts[at + 1 :])
    compact = runs(workflow("compact")["jobs"]["compact"])
    assert compact[-1].startswith("vigil publish --squash"), "squash last, after publishing"


@pytest.mark.parametrize("name", NAMES + TEMPLATE_ONLY)
def test_permissions_are_least_privilege_per_job(name: str) -> None:
    flow = workflow(name)
    assert flow["permissions"] == {}, "nothing by default; each job asks for what it needs"
    for job_id, job in flow["jobs"].items():
        permissions = job["permissions"]
        assert isinstance(permissions, dict), f"{name}.{job_id}: no read-all/write-all"
        assert set(permissions.values()) <= {"read", "write", "none"}
        writes = {scope for scope, level in permissions.items() if level == "write"}
        assert writes == WRITES.get((name, job_id), set()), f"{name}.{job_id}"


@pytest.mark.parametrize("name", NAMES + TEMPLATE_ONLY)
def test_every_action_is_pinned_to_a_full_commit_with_its_version(name: str) -> None:
    lines = [line for line in (WORKFLOWS / f"{name}.yml").read_text().splitlines()]
    uses = [line for line in lines if re.match(r"^\s*-?\s*uses:", line)]
    assert uses, "every workflow checks out the repository"
    for line in uses:
        assert PINNED.match(line), f"not pinned to a 40-hex SHA with a # vX comment: {line}"


@pytest.mark.parametrize("name", NAMES)
def test_no_expression_or_secret_reaches_a_shell_script(name: str) -> None:
    """Untrusted input and secrets go through `env:`; a script never expands `${{ }}`, and
    `secrets.` is read only in a step's `env:` (a page's deploy step, build.yml)."""
    flow = workflow(name)
    for job in flow["jobs"].values():
        for script in runs(job):
            assert "${{" not in script, script
        for step in job["steps"]:
            outside_env = {k: v for k, v in step.items() if k != "env"}
            assert "secrets." not in str(outside_env), step
        job_env = without_object_store(job.get("env", {}))  # a job's env, checked above
        rest = {k: v for k, v in job.items() if k not in ("steps", "env")}
        assert "secrets." not in str(rest) + str(job_env)
    assert "secrets." not in str({k: v for k, v in flow.items() if k != "jobs"})


def test_build_deploys_with_pages_after_checks_incidents_and_edits() -> None:
    flow = workflow("build")
    on = flow["on"]
    assert sorted(on["push"]["paths"]) == [
        "announcements/**",
        "config.yaml",
        "incidents/**",
        "requirements.txt",
        "templates/**",
    ]  # each once
    assert on["push"]["branches"] == ["main"]
    assert sorted(on["workflow_run"]["workflows"]) == sorted(
        [workflow("check")["name"], workflow("incident")["name"]]
    )
    assert on["schedule"] == [{"cron": "7 * * * *"}]
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    assert runs(build)[-2:] == ["vigil publish --checkout", "vigil build --out site"]
    upload = build["steps"][-1]
    assert upload["uses"].startswith("actions/upload-pages-artifact@")
    # The folder `vigil pages` plans for Pages: `site` without `pages:` (test_site_pages).
    assert upload["with"] == {"path": "${{ fromJSON(steps.plan.outputs.plan).main }}"}
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_compact_runs_daily() -> None:
    on = workflow("compact")["on"]
    minute, hour, *rest = on["schedule"][0]["cron"].split()
    assert minute.isdigit() and hour.isdigit() and rest == ["*", "*", "*"]


def incident_cli_options() -> dict[str, set[str]]:
    """The options of `vigil incident new|update|resolve`: read from the CLI when the
    command exists, else the names the incidents work agreed on."""
    agreed = {
        "new": {"--title", "--status", "--impact", "--monitor", "--message", "--commit"},
        "update": {"--status", "--message", "--commit"},
        "resolve": {"--message", "--commit"},
    }
    if "incident" not in main.commands:
        return agreed
    found = {}
    for action in agreed:
        result = CliRunner().invoke(main, ["incident", action, "--help"])
        assert result.exit_code == 0, result.output
        found[action] = set(re.findall(r"(--[a-z][a-z-]*)", result.output)) - {"--help"}
    return found


def test_incident_form_maps_onto_the_cli() -> None:
    flow = workflow("incident")
    inputs = flow["on"]["workflow_dispatch"]["inputs"]
    assert set(inputs) == {"action", "id", "title", "status", "impact", "monitors", "message"}
    assert inputs["action"]["options"] == ["new", "update", "resolve"]
    assert tuple(inputs["status"]["options"]) == INCIDENT_STATUSES
    impacts = get_args(Incident.model_fields["impact"].annotation)
    assert tuple(inputs["impact"]["options"]) == impacts
    step = next(
        s for s in flow["jobs"]["incident"]["steps"] if "vigil incident" in s.get("run", "")
    )
    assert step["env"] == {name.upper(): f"${{{{ inputs.{name} }}}}" for name in inputs}
    branches = dict(re.findall(r"^ *(new|update|resolve)\)\n(.*?);;", step["run"], re.S | re.M))
    options = incident_cli_options()
    for action in ("new", "update", "resolve"):
        assert f"vigil incident {action} " in branches[action]
        used = set(re.findall(r"(--[a-z][a-z-]*)", branches[action]))
        assert used <= options[action], (action, used - options[action])
        assert "--commit" in used
    assert {"--title", "--impact", "--monitor"} <= set(re.findall(r"--[a-z]+", branches["new"]))
    assert runs(flow["jobs"]["incident"])[-1].count("git push origin HEAD:main") == 1


def test_ci_validates_lints_and_checks_the_managed_files_never_vigils_tests() -> None:
    flow = workflow("ci")
    assert "pull_request" in flow["on"]
    assert list(flow["jobs"]) == ["validate"]
    scripts = runs(flow["jobs"]["validate"])
    assert scripts[:3] == [
        "python -m pip install -r requirements.txt",
        "vigil validate",
        "vigil upgrade --check",
    ]
    assert scripts[3].splitlines()[-1] == "actionlint"
    assert not any("pytest" in script for script in scripts)


def test_the_template_repository_runs_its_own_tests_in_a_workflow_init_does_not_ship() -> None:
    scripts = runs(workflow("tests")["jobs"]["test"])
    assert "python -m pip install -e '.[test]'" in scripts and "pytest" in scripts


def runs_a_day(cron: str) -> int:
    """How often a day a schedule of the forms the workflows use fires."""
    minute, hour, *rest = cron.split()
    assert rest == ["*", "*", "*"], cron
    if hour == "*":
        return 24 * 60 // int(minute[2:]) if minute.startswith("*/") else 24
    return 1


def billed(flow: dict[str, Any]) -> list[str]:
    """The jobs a config without `pages:` runs: a page's deploy job runs only with pages."""
    return [job_id for job_id, job in flow["jobs"].items() if ".extra > 0" not in job.get("if", "")]


def test_the_cost_table_follows_the_workflows() -> None:
    """docs/schedule.md's job-minutes, recomputed from the workflow files: every job is billed
    one minute, a round is the scheduled jobs of check.yml plus the build it triggers."""
    check, build, compact = workflow("check"), workflow("build"), workflow("compact")
    assert build["on"]["workflow_run"]["workflows"][0] == "check"
    fixed_jobs = [
        job_id
        for job_id, job in check["jobs"].items()
        if job_id != "check" and "== 'repository_dispatch'" not in job.get("if", "")
    ]
    assert fixed_jobs == ["regions", "notify"]
    daily_extra = sum(
        runs_a_day(entry["cron"]) * len(billed(flow))
        for flow in (build, compact)
        for entry in flow["on"]["schedule"]
    )
    text = (ROOT / "docs" / "schedule.md").read_text()
    table = text.split("<!-- cost-table:start")[1].split("<!-- cost-table:end")[0]
    rows = re.findall(
        r"^\| `([^`]+)`[^|]*\| (\d+) \| (\d+) \| ([\d,]+) \| ([\d,]+) \|$", table, re.M
    )
    assert len(rows) == 6
    assert rows[0][0] == check["on"]["schedule"][0]["cron"], "the first row is as shipped"
    for cron, regions, per_round, per_day, per_month in rows:
        jobs = int(regions) + len(fixed_jobs) + len(billed(build))
        day = runs_a_day(cron) * jobs + daily_extra
        assert (int(per_round), per_day, per_month) == (jobs, f"{day:,}", f"{30 * day:,}")


def test_every_other_page_is_deployed_by_its_own_job_from_the_pages_plan() -> None:
    build, job = workflow("build")["jobs"]["build"], workflow("build")["jobs"]["deploy-page"]
    plan = next(step for step in build["steps"] if step.get("id") == "plan")
    assert plan["run"] == "vigil pages --github-output plan"
    assert build["outputs"] == {"plan": "${{ steps.plan.outputs.plan }}"}
    assert job["strategy"]["matrix"] == "${{ fromJSON(needs.build.outputs.plan).deploy }}"
    assert job["environment"]["name"] == "${{ matrix.environment }}"
    assert job["if"] == "fromJSON(needs.build.outputs.plan).extra > 0"
    assert (
        workflow("build")["jobs"]["deploy"]["if"] == "fromJSON(needs.build.outputs.plan).main != ''"
    )
    scripts = runs(job)
    assert scripts[-4] == 'vigil build --out site --page "$PAGE"'
    hosts = {
        step["if"].split("'")[1] for step in job["steps"] if "matrix.host" in step.get("if", "")
    }
    assert hosts == set(PROTECTIONS) - {"github-pages"}, "a step for every host but Pages"
