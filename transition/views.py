from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from assessments.selectors import latest_assessments


@require_GET
@login_not_required
def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "landing.html")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    in_progress, finished = latest_assessments(request.user)
    return render(request, "home.html", {"in_progress": in_progress, "finished": finished})


@require_GET
@login_not_required
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    # Deliberately touches nothing: it is the floor the benchmark measures against.
    return HttpResponse("ok", content_type="text/plain")
