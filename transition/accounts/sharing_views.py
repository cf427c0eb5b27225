"""The engineer's sharing page, the actions on one share, and the invitation link."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from transition.accounts import services
from transition.accounts.models import Email, Share, User
from transition.lib.http import INVALID, HtmxHttpRequest, is_partial, site_url

LIST = "sharing/list.html"
ACCEPT = "sharing/accept.html"
OPEN = (Share.Status.PENDING, Share.Status.ACTIVE)


class InviteForm(forms.Form):
    # Only parses input; the rules (not yourself, not twice) are the service's.
    email = forms.EmailField(
        label="Their email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    relation = forms.ChoiceField(
        label="They are your",
        choices=Share.Relation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose manager or mentor.", "invalid_choice": "Choose manager or mentor."},
    )
    include_private = forms.BooleanField(
        label="Include my notes and evidence",
        required=False,
        help_text="Your notes and evidence links on roadmap items, and the examples you gave in assessments. "
        "Without them this person sees your levels and progress only.",
    )


def _get_share_for_engineer(request: HttpRequest, pk: int) -> Share:
    """A share the signed-in person gave, or 404: only the engineer may change it."""
    share = Share.objects.select_related("person").filter(pk=pk, engineer_id=request.user.pk).first()
    if share is None:
        raise Http404("No such share.")
    return share


def _get_share_for_person(request: HttpRequest, pk: int) -> Share:
    """A share given to the signed-in person, or 404."""
    share = Share.objects.select_related("engineer").filter(pk=pk, person_id=request.user.pk).first()
    if share is None:
        raise Http404("No such share.")
    return share


def _latest_email_status() -> Subquery:
    """Whether the invitation's email is queued, sent or failed, read in the list's own query."""
    return Subquery(Email.objects.filter(share=OuterRef("pk")).order_by("-pk").values("status")[:1])


def _who(share: Share) -> str:
    return share.person.name if share.person else share.email


@require_http_methods(["GET", "POST"])
def share_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = InviteForm(request.POST or None, label_suffix="")
    if request.method == "POST" and form.is_valid():
        try:
            share, token = services.share_invite(
                engineer=user,
                email=form.cleaned_data["email"],
                relation=form.cleaned_data["relation"],
                include_private=form.cleaned_data["include_private"],
                base_url=site_url(request),
            )
        except services.ShareError as exc:
            # Every rule the service can still break is about the address (yourself, already shared).
            form.add_error("email", str(exc))
        else:
            days = services.INVITATION_DAYS
            # The email is queued, not sent yet: say so, and give the link once, in case it never arrives.
            messages.success(
                request,
                f"Invitation to {share.email} saved; its email is on its way (the list below shows when it has "
                f"gone). The link works once and expires in {days} days. You can also send it yourself: "
                f"{services.invitation_link(token)}",
            )
            return redirect("sharing:list")
    context = {
        "form": form,
        "given": list(
            Share.objects.filter(engineer=user, status__in=OPEN)
            .select_related("person")
            .annotate(email_status=_latest_email_status())
        ),
        "received": list(
            Share.objects.filter(person=user, status=Share.Status.ACTIVE, engineer__is_active=True).select_related(
                "engineer"
            )
        ),
        "now": timezone.now(),
        "invitation_days": services.INVITATION_DAYS,
    }
    return render(request, LIST, context, status=INVALID if form.errors else 200)


def _row_response(request: HtmxHttpRequest, share: Share, part: str, message: str, error: bool = False) -> HttpResponse:
    """htmx gets the share's row drawn again and the message for screen readers; a plain form post, the page."""
    if not is_partial(request):
        (messages.error if error else messages.success)(request, message)
        return redirect("sharing:list")
    share.refresh_from_db()
    context = {"share": share, "now": timezone.now(), "status_message": message}
    return render(request, f"{LIST}#{part}", context, status=INVALID if error else 200)


@require_POST
def share_revoke(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    share = _get_share_for_engineer(request, pk)
    if share.status == Share.Status.PENDING:
        message = f"Invitation to {share.email} withdrawn: the link no longer works."
    else:
        message = f"{_who(share)} no longer sees your data."
    services.share_revoke(share=share)
    return _row_response(request, share, "row", message)


@require_POST
def share_private(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    share = _get_share_for_engineer(request, pk)
    value = request.POST.get("include_private")
    if share.status not in OPEN:
        return _row_response(request, share, "row", "This share has ended; invite them again instead.", error=True)
    if value not in ("0", "1"):
        return _row_response(request, share, "row", "Choose whether to include notes and evidence.", error=True)
    services.share_set_private(share=share, include_private=value == "1")
    if share.include_private:
        message = f"{_who(share)} now sees your notes and evidence."
    else:
        message = f"{_who(share)} no longer sees your notes and evidence."
    return _row_response(request, share, "row", message)


@require_POST
def share_leave(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    share = _get_share_for_person(request, pk)
    services.share_leave(share=share)
    return _row_response(request, share, "received_row", f"You no longer follow {share.engineer.name}.")


def _invalid(request: HttpRequest, error: str, share: Share | None) -> HttpResponse:
    context = {"state": "invalid", "error": error, "share": share, "invitation_days": services.INVITATION_DAYS}
    return render(request, ACCEPT, context, status=400)


@require_http_methods(["GET", "POST"])
@login_not_required
@never_cache  # The page's address is the invitation itself: no cache should keep it.
def share_accept(request: HttpRequest, token: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    share = services.share_for_token(token)
    problem = services.invitation_problem(share, user)
    if problem or share is None:
        return _invalid(request, problem, share)
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            share = services.share_accept(token=token, user=user)
        except services.ShareError as exc:
            return _invalid(request, str(exc), share)
        messages.success(
            request,
            f"You now follow {share.engineer.name} as their {share.get_relation_display().lower()}.",
        )
        return redirect("sharing:list")

    if not user.is_authenticated:
        state = "anonymous"
    elif share.status == Share.Status.ACTIVE:
        state = "accepted"
    elif share.engineer_id == user.pk:
        state = "own"
    elif share.email.lower() != user.email.lower():
        state = "wrong_user"
    else:
        state = "ready"
    query = urlencode({"next": request.get_full_path(), "email": share.email})
    context = {
        "state": state,
        "share": share,
        "login_url": f"{reverse('login')}?{query}",
        "signup_url": f"{reverse('signup')}?{query}",
    }
    return render(request, ACCEPT, context)
