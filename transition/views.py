from __future__ import annotations

import sys

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from assessments.selectors import latest_assessments
from roadmaps.models import Roadmap
from roadmaps.selectors import roadmap_view
from transition.accounts.http import AuthenticatedHttpRequest
from transition.accounts.models import Share
from transition.identity.models import ShareSuggestion
from transition.lib.tasks import queue_backlog

# What a database or session store that is down or too slow raises: the service is unavailable, not broken.
OUTAGES = (DatabaseError, RedisConnectionError, RedisTimeoutError)


@require_GET
@login_not_required
def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "landing.html")


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    in_progress, finished = latest_assessments(request.user)
    roadmap = Roadmap.objects.filter(owner=request.user).select_related("role").first()
    context = {
        "in_progress": in_progress,
        "finished": finished,
        "roadmap": roadmap,
        "roadmap_view": roadmap_view(roadmap) if roadmap else None,
        "shared_with_me": Share.objects.filter(person=request.user, status=Share.Status.ACTIVE)
        .select_related("engineer")
        .order_by("engineer__name"),
        # The directory may suggest a share; only the engineer's yes makes one (transition.identity).
        "share_suggestions": ShareSuggestion.objects.filter(
            engineer=request.user, status=ShareSuggestion.Status.OPEN
        ).select_related("manager"),
    }
    return render(request, "home.html", context)


@require_GET
@login_not_required
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    # Deliberately touches nothing: it is the floor the benchmark measures against.
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def floor(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The lightest signed-in page: the base template and nothing else, behind the whole middleware stack
    (session, user, CSRF, CSP, private-page headers). The benchmark measures every page against it."""
    return render(request, "_base.html")


@require_GET
@login_not_required
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: can this server reach its database, and are the workers keeping up with the queue?

    Public like /healthz, so a load balancer can call it; it tells only counts, nothing about anyone.
    Only the database decides readiness: the backlog is shared by every server, so failing on it would
    take them all out at once; "queue": "behind" is for monitoring to alert on.
    """
    checks: dict[str, object] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        backlog = queue_backlog()
        checks["queue_backlog"] = backlog
        checks["queue"] = "behind" if backlog > settings.QUEUE_BACKLOG_ALERT else "ok"
        ready = True
    except DatabaseError:
        checks["database"] = "unreachable"
        ready = False
    if "sessions" in settings.CACHES:
        # With REDIS_URL every signed-in request reads its session there first: down, they all fail.
        try:
            caches["sessions"].get("readyz")
            checks["sessions"] = "ok"
        except OUTAGES:
            checks["sessions"] = "unreachable"
            ready = False
    return JsonResponse({"ready": ready, **checks}, status=200 if ready else 503)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler: a database (or the sessions' Redis) that is down or too slow answers 503 with its own
    page, and no traceback.

    Like Django's default it renders without a request context: the page must not need the database.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, OUTAGES):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)
