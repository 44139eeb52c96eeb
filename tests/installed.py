"""Vigil as a user installs it: the sdist and wheel built from a copy of this repository,
the wheel installed into a fresh virtual environment in a temporary folder.

The tests reach no network: the wheel is installed with `--no-deps --no-index`, and the
environment sees the test environment's third-party packages through a `.pth` line (a
plain path, whose own `.pth` files, among them the editable install's, are not run), so
`import rendering` finds the installed wheel and never this source tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parent.parent


@dataclass(frozen=True)
class Installed:
    """A virtual environment holding the built wheel, and the folder of the built files."""

    bin: Path
    dist: Path

    @property
    def wheel(self) -> Path:
        return next(self.dist.glob("*.whl"))

    def env(self, **extra: str) -> dict[str, str]:
        """A clean environment where `vigil` is the installed one (no PYTHONPATH)."""
        keep = {"HOME", "LANG", "TMPDIR", "SYSTEMROOT"}
        env = {key: value for key, value in os.environ.items() if key in keep}
        env["PATH"] = f"{self.bin}{os.pathsep}/usr/local/bin:/usr/bin:/bin"
        return {**env, **extra}

    def run(self, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            cwd=cwd,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


def copy_source(target: Path) -> Path:
    """The files git would check out (tracked and new, not ignored), links kept as links."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source, copy = ROOT / name, target / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the work tree, not yet in the index
        copy.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            copy.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, copy)
    return target


def build_and_install(folder: Path) -> Installed:
    source = copy_source(folder / "source")
    dist = folder / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = Path(
        subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-c",
                "import sysconfig; print(sysconfig.get_path('purelib'))",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    (purelib / "test-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    installed = Installed(venv / "bin", dist)
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
         "--quiet", "--no-deps", "--no-index", str(installed.wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip
    return installed
