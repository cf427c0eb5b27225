from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "SECRET_KEY": "a-real-secret-key-that-is-long-and-random-0123456789abcdefghijklmnop",
    "ALLOWED_HOSTS": "transition.example.com",
    "DATABASE_URL": "sqlite:///:memory:",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    test_only = {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_DEBUG", "SECURE_SSL_REDIRECT", "SECURE_COOKIES"}
    clean = {k: v for k, v in os.environ.items() if k not in test_only and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean.update(env)
    return subprocess.run(  # noqa: S603 - runs this project's own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, check=False
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", ALLOWED_HOSTS="example.com")
    assert result.returncode != 0
    assert "Set SECRET_KEY and ALLOWED_HOSTS" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _manage("check", SECRET_KEY=PRODUCTION["SECRET_KEY"])
    assert result.returncode != 0
    assert "Set SECRET_KEY and ALLOWED_HOSTS" in result.stderr


def test_deploy_checks_pass_with_the_documented_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_starts_without_any_variable():
    result = _manage("check", DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_another_email_backend_can_be_chosen_in_production():
    result = _manage(
        "sendtestemail",
        "someone@example.com",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert "someone@example.com" in result.stdout


def test_production_email_gives_up_on_a_mail_server_that_does_not_answer():
    # A listening socket that never speaks SMTP: without a timeout the send would wait for ever.
    import socket
    import time

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        started = time.monotonic()
        result = _manage(
            "sendtestemail",
            "someone@example.com",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(silent.getsockname()[1]),
            EMAIL_TIMEOUT="1",
            **PRODUCTION,
        )
    assert result.returncode != 0
    assert "timed out" in result.stderr
    assert time.monotonic() - started < 30


def test_sessions_are_read_from_a_shared_redis_only_when_one_is_given():
    show = [
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.SESSION_ENGINE, sorted(s.CACHES))",
    ]
    without = _manage(*show, **PRODUCTION)
    assert without.stdout.split() == ["django.contrib.sessions.backends.db", "['default']"], without.stderr
    given = _manage(*show, REDIS_URL="redis://127.0.0.1:6379/0", **PRODUCTION)
    assert given.stdout.split() == ["django.contrib.sessions.backends.cached_db", "['default',", "'sessions']"]
