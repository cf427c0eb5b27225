"""What wrk sends: one request per line, with a signed-in session and a CSRF token, for each endpoint.

Sessions are written straight into the session store (no login form, no password hasher),
so they must be made with the SECRET_KEY the server runs with. Each endpoint's requests
rotate over ``subjects`` engineers (and their managers and mentors), so the load touches
many rows rather than one.
"""

from __future__ import annotations

import datetime
import importlib
import json
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.crypto import get_random_string

from bench.endpoints import ENDPOINTS
from bench.queries import actors
from bench.seed import email
from roadmaps.models import Comment
from transition.accounts.models import Notification, Share, User

LOAD_COMMENT = "Load-test comment: how will you know this is done?"
FORM = "application/x-www-form-urlencoded"


def _session_cookie(user: User, cache: dict[int, str]) -> str:
    if user.pk not in cache:
        store = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = user._meta.pk.value_to_string(user)  # type: ignore[union-attr]
        store[BACKEND_SESSION_KEY] = "transition.accounts.backends.UserBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        cache[user.pk] = store.session_key  # type: ignore[assignment]
    return cache[user.pk]


def _line(method: str, path: str, body: str = "", headers: dict[str, str] | None = None) -> str:
    fields = [method, path, body]
    for name, value in (headers or {}).items():
        fields += [name, value]
    if any("\t" in f or "\n" in f for f in fields):
        raise ValueError("a request field holds a tab or a line break")
    return "\t".join(fields)


def write(prefix: str, directory: Path, subjects: int = 20, reports: int = 20) -> dict:
    """Write ``<endpoint>.tsv`` for wrk into ``directory``; return a summary (also written as targets.json)."""
    directory.mkdir(parents=True, exist_ok=True)
    csrf = get_random_string(32)
    sessions: dict[int, str] = {}

    def headers(user: User, *, post: bool = False, htmx: bool = False, **extra: str) -> dict[str, str]:
        session = _session_cookie(user, sessions)
        h = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"}
        if post:
            h |= {"Content-Type": FORM, "X-CSRFToken": csrf}
        if htmx:
            h["HX-Request"] = "true"
        return h | extra

    lines: dict[str, list[str]] = {name: [] for name in ENDPOINTS}
    lines["healthz"].append(_line("GET", "/healthz"))
    for subject in range(subjects):
        a = actors(prefix, subject)
        urls = a.urls
        lines["floor"].append(_line("GET", urls["floor"], headers=headers(a.engineer)))
        lines["questionnaire"].append(_line("GET", urls["questionnaire"], headers=headers(a.engineer)))
        field = f"item-{a.answer_item.slug}"
        current = a.in_progress.answers.get(item=a.answer_item).choice
        for choice in ((current + 1) % len(a.answer_item.options), current):
            h = headers(a.engineer, post=True, htmx=True, **{"HX-Trigger-Name": field})
            lines["autosave"].append(_line("POST", urls["autosave"], urlencode({field: choice}), h))
        lines["results"].append(_line("GET", urls["results"], headers=headers(a.engineer)))
        lines["roadmap"].append(_line("GET", urls["roadmap"], headers=headers(a.engineer)))
        for status in ("doing", "done", a.item.status):
            h = headers(a.engineer, post=True, htmx=True)
            lines["status"].append(_line("POST", urls["status"], urlencode({"status": status}), h))
        # Spread over the roadmap's items, so no one thread grows long during the run.
        for item in a.roadmap.items.all():
            body = urlencode({"body": LOAD_COMMENT, "item": item.pk})
            lines["comment"].append(_line("POST", urls["comment"], body, headers(a.mentor, post=True, htmx=True)))
    full = (
        User.objects.filter(email__startswith=f"{prefix}-manager-")
        .annotate(
            reports=Count(
                "shares_received",
                filter=Q(shares_received__relation=Share.Relation.MANAGER, shares_received__status=Share.Status.ACTIVE),
            )
        )
        .filter(reports=reports)
        .order_by("email")
    )
    for manager in full:
        lines["dashboard"].append(_line("GET", "/team/", headers=headers(manager)))
    if not lines["dashboard"]:
        raise ValueError(f"no manager of {prefix}-… has exactly {reports} reports")
    for name, found in lines.items():
        (directory / f"{name}.tsv").write_text("\n".join(found) + "\n", encoding="utf-8")
    summary = {
        "prefix": prefix,
        "subjects": subjects,
        "since": timezone.now().isoformat(),
        "requests": {name: len(found) for name, found in lines.items()},
        "first_subject": email(prefix, "engineer", 0),
    }
    (directory / "targets.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return summary


def cleanup(prefix: str, since: str) -> int:
    """Delete what the comment load posted (and the notifications it sent); return how many comments."""
    start = datetime.datetime.fromisoformat(since)
    comments = Comment.objects.filter(body=LOAD_COMMENT, created_at__gte=start)
    deleted, _ = comments.delete()
    Notification.objects.filter(
        recipient__email__startswith=f"{prefix}-engineer-",
        actor__email__startswith=f"{prefix}-mentor-",
        created_at__gte=start,
    ).delete()
    return deleted
