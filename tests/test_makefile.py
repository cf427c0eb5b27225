"""The Makefile finds a Python 3.12+ by itself, or says in one line what to install."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "find-python"


def _run(path: str, pyenv_root: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": path, "PYENV_ROOT": pyenv_root, "HOME": "/nonexistent"}
    return subprocess.run(["/bin/sh", str(SCRIPT)], env=env, capture_output=True, text=True, check=False)  # noqa: S603


def test_it_finds_a_python_on_the_path(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3.12").symlink_to(sys.executable)
    result = _run(f"{bin_dir}:/usr/bin:/bin", str(tmp_path / "no-pyenv"))
    assert result.returncode == 0
    assert result.stdout.strip() == str(bin_dir / "python3.12")


def test_it_finds_a_python_among_pyenv_versions(tmp_path):
    version = tmp_path / "pyenv" / "versions" / "3.12.9" / "bin"
    version.mkdir(parents=True)
    (version / "python3").symlink_to(sys.executable)
    result = _run("/nonexistent", str(tmp_path / "pyenv"))
    assert result.returncode == 0
    assert result.stdout.strip() == str(version / "python3")


def test_without_one_it_says_what_to_install_in_one_line(tmp_path):
    old = tmp_path / "bin"
    old.mkdir()
    fake = old / "python3"
    fake.write_text("#!/bin/sh\nexit 1\n")  # answers like a Python older than 3.12
    fake.chmod(0o755)
    result = _run(f"{old}:/nonexistent", str(tmp_path / "no-pyenv"))
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "Python 3.12 or newer" in lines[0]
    assert os.path.basename(str(SCRIPT)) == "find-python"
