"""The fault suite: what a real deployment meets (mail and database down or hanging, a worker killed,
concurrent clients). Each test counts lost and duplicated writes and 500s and asserts they are 0.

Run it on PostgreSQL (.ci/run does): the worker subprocesses and the races need a database other
processes and threads can reach; on SQLite those tests skip, saying why.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/faults/" in str(item.fspath):
            item.add_marker(pytest.mark.faults)


@pytest.fixture
def postgres(transactional_db) -> str:
    """The test database's URL, for subprocesses and threads; skips on SQLite."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: other processes must reach the test database (set DATABASE_URL)")
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def app_env(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "SECRET_KEY": "fault-suite-secret-key-not-for-production",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_DEBUG", None)
    env.update(extra)
    return env


class Worker:
    """``manage.py worker`` as its own process, as production runs it."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def kill(self) -> None:
        """kill -9: no chance to finish, roll back or tidy up."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def start_worker() -> Iterator:
    started: list[Worker] = []

    def start(env: dict[str, str]) -> Worker:
        worker = Worker(env)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s: {what}")


def report(name: str, **numbers: object) -> None:
    """The suite's measurements, printed (pytest -s, or the CI log with -rA) and kept for the summary."""
    line = f"[faults] {name}: " + ", ".join(f"{k}={v}" for k, v in numbers.items())
    print(line)
    with open(os.environ.get("FAULTS_REPORT", os.devnull), "a") as out:
        out.write(line + "\n")
