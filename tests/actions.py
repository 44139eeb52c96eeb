"""Runs the jobs of the shipped workflows the way GitHub Actions would, on this machine.

Each job gets a fresh clone of the origin (a bare repository) as its workspace, the
`GITHUB_*` variables, a `$GITHUB_OUTPUT` file and the job's and step's `env:` with their
`${{ }}` expressions evaluated. `run:` steps run under `bash -eo pipefail` as on GitHub;
`uses:` steps do what the action does for Vigil (checkout clones; setup-python is the
prepared environment; upload-pages-artifact keeps the folder). A step without `if:` is
skipped after a failure; `${{ !cancelled() }}` runs anyway, as on GitHub.

Only the expressions the workflows use are understood: `context.path`, `'literal'`,
`a || b` and `toJSON(context)`. Anything else fails the test, so a new expression in a
workflow cannot be silently mis-run here.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.installed import Installed

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
ALWAYS = {"${{ !cancelled() }}", "${{ always() }}"}


@dataclass
class Step:
    name: str
    returncode: int
    output: str


@dataclass
class Job:
    """What a job did: its steps, outputs and the artifact it uploaded."""

    steps: list[Step] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    artifact: Path | None = None

    @property
    def ok(self) -> bool:
        return all(step.returncode == 0 for step in self.steps)

    @property
    def log(self) -> str:
        return "\n".join(f"## {s.name} (exit {s.returncode})\n{s.output}" for s in self.steps)


@dataclass
class Actions:
    """The repository's workflows, run against `origin` with Vigil from `installed`."""

    origin: Path
    installed: Installed
    folder: Path
    secrets: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)  # the `vars` context
    extra_path: list[Path] = field(default_factory=list)  # e.g. a stand-in for `gh`
    numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def workflow(self, name: str) -> dict[str, Any]:
        """The workflow file as the origin's main branch holds it."""
        text = subprocess.run(
            ["git", "--git-dir", str(self.origin), "show", f"main:.github/workflows/{name}.yml"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        loaded: dict[Any, Any] = yaml.safe_load(text)
        loaded["on"] = loaded.pop(True, loaded.get("on"))
        return loaded

    def run(
        self,
        workflow: str,
        job_id: str,
        *,
        matrix: Mapping[str, Any] | None = None,
        inputs: Mapping[str, str] | None = None,
    ) -> Job:
        number = next(self.numbers)  # atomic: jobs may run in threads
        job = self.workflow(workflow)["jobs"][job_id]
        workspace = self.folder / f"run{number}-{workflow}-{job_id}"
        temp = self.folder / f"run{number}-temp"
        temp.mkdir(parents=True)
        contexts: dict[str, Any] = {
            "matrix": dict(matrix or {}),
            "inputs": dict(inputs or {}),
            "secrets": {"github_token": "ghs_test", **self.secrets},
            "vars": dict(self.variables),
            "github": {"token": "ghs_test", "run_id": str(1000 + number)},
            "steps": {},  # by step id: {"outputs": {...}}, as each step ends
        }
        done = Job()
        output_file = temp / "github_output"
        output_file.touch()
        base = self.installed.env(
            GITHUB_ACTIONS="true",
            CI="true",
            GITHUB_WORKSPACE=str(workspace),
            GITHUB_OUTPUT=str(output_file),
            GITHUB_RUN_ID=contexts["github"]["run_id"],
            RUNNER_TEMP=str(temp),
            HOME=str(temp),
            PIP_NO_INDEX="1",
            PIP_FIND_LINKS=str(self.installed.dist),
            PIP_DISABLE_PIP_VERSION_CHECK="1",
            **evaluate_all(job.get("env", {}), contexts),
        )
        base["PATH"] = os.pathsep.join([*map(str, self.extra_path), base["PATH"]])
        for index, step in enumerate(job["steps"]):
            if not done.ok and step.get("if") not in ALWAYS:
                continue
            name = step.get("name") or step.get("run") or step["uses"]
            env = {**base, **evaluate_all(step.get("env", {}), contexts)}
            if "uses" in step:
                result = self._uses(step, workspace, done, contexts)
            else:
                result = subprocess.run(
                    ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                    cwd=workspace,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=300,
                    check=False,
                )
            done.steps.append(
                Step(f"{index}: {name}", result.returncode, result.stdout + result.stderr)
            )
            if "id" in step:
                contexts["steps"][step["id"]] = {"outputs": read_outputs(output_file)}
        done.outputs = read_outputs(output_file)
        for key, value in job.get("outputs", {}).items():
            output = value.removesuffix(" }}").rsplit(".", 1)[-1]  # ${{ steps.X.outputs.Y }}
            done.outputs[key] = done.outputs.get(output, "")
        return done

    def _uses(
        self, step: dict[str, Any], workspace: Path, done: Job, contexts: Mapping[str, Any]
    ) -> subprocess.CompletedProcess[str]:
        action = step["uses"].split("@")[0]
        if action == "actions/checkout":
            return subprocess.run(
                ["git", "clone", "--quiet", str(self.origin), str(workspace)],
                capture_output=True,
                text=True,
                check=False,
            )
        if action == "actions/upload-pages-artifact":
            done.artifact = workspace / evaluate(step["with"]["path"], contexts)
        elif action not in {"actions/setup-python", "actions/deploy-pages"}:
            raise AssertionError(f"the emulator does not know {action}")
        return subprocess.CompletedProcess([action], 0, "", "")


def evaluate_all(env: Mapping[str, Any], contexts: Mapping[str, Any]) -> dict[str, str]:
    return {key: evaluate(str(value), contexts) for key, value in env.items()}


def evaluate(text: str, contexts: Mapping[str, Any]) -> str:
    """`text` with each `${{ expression }}` replaced by its value."""
    return EXPRESSION.sub(lambda match: _value(match.group(1), contexts), text)


def _value(expression: str, contexts: Mapping[str, Any]) -> str:
    for term in (part.strip() for part in expression.split("||")):
        value = _term(term, contexts)
        if value:
            return value
    return ""


def _term(term: str, contexts: Mapping[str, Any]) -> str:
    if term.startswith("'") and term.endswith("'"):
        return term[1:-1]
    call = re.fullmatch(r"toJSON\((\w+)\)", term)
    if call:
        return json.dumps(contexts[call.group(1)])
    field = re.fullmatch(r"fromJSON\(([\w.-]+)\)\.(\w+)", term)  # fromJSON(x).key
    if field:
        return str(json.loads(_term(field.group(1), contexts) or "{}").get(field.group(2), ""))
    if not re.fullmatch(r"[\w-]+(\.[\w-]+)+", term):
        raise AssertionError(f"the emulator does not understand ${{{{ {term} }}}}")
    value: Any = contexts
    for key in term.split("."):
        value = value.get(key, "") if isinstance(value, dict) else ""
    return str(value)


def read_outputs(path: Path) -> dict[str, str]:
    """`name=value` lines, as steps write them to $GITHUB_OUTPUT."""
    lines = path.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)
