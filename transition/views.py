from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from assessments.selectors import latest_assessments
from roadmaps.models import Roadmap
from roadmaps.selectors import roadmap_view
from transition.accounts.http import AuthenticatedHttpRequest
from transition.accounts.models import Share
from transition.identity.models import ShareSuggestion


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
