"""The database hanging or gone: the app answers with its own page within seconds, never a bare 500."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from tests.faults.conftest import ROOT, app_env, report, wait_until
from tests.faults.servers import Tarpit, closed_port

LIMIT_S = 5.0


def _get(url: str, cookie: str = "") -> tuple[int, str, float]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=40) as response:  # noqa: S310
            status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read().decode()
    return status, body, time.perf_counter() - started


@contextmanager
def _app(database_url: str) -> Iterator[str]:
    """gunicorn as `make serve` runs it, on a database that misbehaves."""
    port = closed_port()
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "transition.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=app_env(DATABASE_URL=database_url, DB_CONNECT_TIMEOUT="3", DB_CONN_MAX_AGE="0"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:

        def up() -> bool:
            try:
                return _get(base + "/healthz")[0] == 200
            except OSError:
                return False

        wait_until(up, 30, "gunicorn to start")
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def _signed_in_page(base: str) -> tuple[int, str, float]:
    # A session cookie makes the request read the session from the database.
    return _get(base + "/home/", cookie="sessionid=abcdefghijklmnopqrstuvwxyz012345")


@pytest.mark.parametrize("fault", ["hanging", "gone"])
def test_a_database_that_hangs_or_is_gone_gets_the_apps_page_within_5_seconds(fault):
    with Tarpit() as tarpit:
        port = tarpit.port if fault == "hanging" else closed_port()
        with _app(f"postgres://transition@127.0.0.1:{port}/transition") as base:
            page = _signed_in_page(base)
            ready = _get(base + "/readyz")
            health = _get(base + "/healthz")
    report(
        f"database {fault}",
        page_status=page[0],
        page_s=round(page[2], 2),
        readyz_status=ready[0],
        readyz_s=round(ready[2], 2),
        healthz_s=round(health[2], 3),
    )
    assert page[0] == 503
    assert "Transition is unavailable for a moment" in page[1]  # the app's page, not gunicorn's
    assert "Traceback" not in page[1]
    assert page[2] < LIMIT_S
    assert ready[0] == 503
    assert '"database": "unreachable"' in ready[1]
    assert ready[2] < LIMIT_S
    assert health[0] == 200  # liveness: the process is fine, it is the database that is not


def test_postgresql_statements_have_a_time_limit(db, settings):
    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        (value,) = cursor.fetchone()
    assert value == f"{settings.DB_STATEMENT_TIMEOUT_MS // 1000}s"
    assert connection.settings_dict["OPTIONS"]["connect_timeout"] == settings.DB_CONNECT_TIMEOUT
