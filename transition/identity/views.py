"""Sign-in with single sign-on and a second factor, share suggestions, and the organisation admin page."""

from __future__ import annotations

import base64
import hashlib
import time

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.forms import ActivateTOTPForm
from allauth.mfa.totp.internal.auth import TOTP, clear_totp_secret
from allauth.mfa.webauthn.forms import AddWebAuthnForm, AuthenticateWebAuthnForm
from allauth.mfa.webauthn.internal import auth as webauthn_auth
from allauth.mfa.webauthn.internal.auth import WebAuthn
from allauth.socialaccount.providers.saml import views as saml_views
from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from transition.accounts import views as accounts_views
from transition.accounts.http import AuthenticatedHttpRequest
from transition.accounts.models import User
from transition.accounts.services import ShareError
from transition.accounts.throttling import remember_device
from transition.identity import services
from transition.identity.adapters import PASSWORD_BACKEND, refusal
from transition.identity.models import DirectoryEntry, Organisation, ProvisioningEvent, ScimToken, ShareSuggestion
from transition.identity.providers import sso_buttons, sso_only_refusal
from transition.lib.http import INVALID

PENDING_USER = "identity.2fa.user"
PENDING_NEXT = "identity.2fa.next"
PENDING_AT = "identity.2fa.at"
MUST_ENROL = "identity.2fa.must_enrol"
PENDING_SECONDS = 300


@login_not_required
def saml_finish_acs(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """allauth's last step of a SAML sign-in, with the refusal it has no page for made clear.

    A signed Response is taken only in answer to an AuthnRequest this browser's session started, and that
    request is forgotten once answered (allauth keeps it as the sign-in's state, InResponseTo its key). So a
    Response posted a second time, stolen into another browser or sent unasked finds no request, and
    allauth refuses it with PermissionDenied: shown here as what it is, not as a bare "Not allowed".
    """
    try:
        return saml_views.finish_acs(request, organization_slug=organization_slug)
    except PermissionDenied:
        return refusal(
            request,
            "Single sign-on did not complete",
            "This answer from your identity provider was already used, has expired, or belongs to a sign-in "
            "started in another browser. Nothing was signed in. Start again from the sign-in page.",
            status=400,
        )


def _has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def _has_second_factor(user: User) -> bool:
    """An authenticator app or a security key / passkey: either makes a password sign-in take two steps."""
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


def _passkeys(user: User):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).order_by("created_at")


# What a browser sends back from a security key is untrusted JSON; fido2 answers a malformed one with any of these.
MALFORMED = (ValueError, TypeError, KeyError, AttributeError, IndexError)
PASSKEY_REFUSED = "Your security key's answer could not be checked. Try again, or use another way below."


@method_decorator(login_not_required, name="dispatch")
class SignInView(accounts_views.SignInView):
    """The accounts app's password sign-in (django-axes, the throttled form, the owner's known browser),
    plus SSO-only domains and a second factor (authenticator app or security key)."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso_buttons": sso_buttons(self.request)}

    def post(self, request, *args, **kwargs):
        email = request.POST.get("username", "").strip()
        refusal = sso_only_refusal(request, email, where="below")
        if refusal is not None:
            # Refused before any password is checked, so the attempt neither counts nor tells anything.
            form = self.get_form_class()(request, initial={"username": email})
            context = self.get_context_data(form=form, refusal=refusal.message)
            return self.render_to_response(context, status=403)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        if _has_second_factor(user):
            self.request.session[PENDING_USER] = user.pk
            self.request.session[PENDING_NEXT] = self.get_success_url()
            self.request.session[PENDING_AT] = int(time.time())
            return HttpResponseRedirect(reverse("identity:two_factor"))
        response = super().form_valid(form)
        organisation = services.organisation_for_email(user.email)
        if organisation is not None and organisation.require_2fa:
            self.request.session[MUST_ENROL] = True
            return HttpResponseRedirect(reverse("identity:totp_setup"))
        return response


sign_in = SignInView.as_view()


def _pending_user(request: HttpRequest) -> User | None:
    pk, at = request.session.get(PENDING_USER), request.session.get(PENDING_AT, 0)
    if pk is None or time.time() - at > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


class CodeForm(AuthenticateForm):
    pass


def _credential_field(message: str) -> forms.JSONField:
    return forms.JSONField(widget=forms.HiddenInput, error_messages={"required": message, "invalid": message})


class PasskeyForm(AuthenticateWebAuthnForm):
    """The second step answered by a security key or passkey instead of a code."""

    credential = _credential_field(PASSKEY_REFUSED)

    def clean_credential(self) -> Authenticator:
        try:
            return super().clean_credential()
        except (forms.ValidationError, *MALFORMED) as error:
            raise forms.ValidationError(PASSKEY_REFUSED) from error


def _finish_sign_in(request: HttpRequest, user: User, authenticator: Authenticator) -> HttpResponse:
    next_url = request.session.pop(PENDING_NEXT, "") or reverse("home")
    for key in (PENDING_USER, PENDING_AT):
        request.session.pop(key, None)
    login(request, user, backend=PASSWORD_BACKEND)
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        left = len(RecoveryCodes(authenticator).get_unused_codes())
        messages.warning(
            request,
            f"You signed in with a recovery code; {left} left. If your phone is lost, set up the "
            "authenticator app again on the two-factor page.",
        )
    response = HttpResponseRedirect(next_url)
    # The second factor completes the sign-in: from now on this browser is one the owner uses.
    remember_device(request, response, user)
    return response


@require_http_methods(["GET", "POST"])
@login_not_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """The second step of a password sign-in: a security key, a code from the authenticator app, or a
    recovery code."""
    user = _pending_user(request)
    if user is None:
        messages.info(request, "Sign in again: the sign-in had expired.")
        return HttpResponseRedirect(reverse("login"))
    status = 200
    passkey_form = PasskeyForm(user=user)
    form = CodeForm(user=user)
    if request.method == "POST" and "credential" in request.POST:
        passkey_form = PasskeyForm(request.POST, user=user)
        if passkey_form.is_valid():
            passkey_form.save()
            return _finish_sign_in(request, user, passkey_form.cleaned_data["credential"])
        status = 422
    elif request.method == "POST":
        form = CodeForm(request.POST, user=user)
        if form.is_valid():
            form.save()
            return _finish_sign_in(request, user, form.authenticator)
    context = {"form": form, "passkey_form": passkey_form, "has_totp": _has_totp(user)}
    if _passkeys(user).exists():
        # A fresh challenge for every page shown; the answer to an older one is refused.
        context["request_options"] = webauthn_auth.begin_authentication(user)
    return render(request, "identity/two_factor.html", context, status=status)


class EnrolForm(ActivateTOTPForm):
    password = forms.CharField(
        label="Your password", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


@require_http_methods(["GET", "POST"])
def totp_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up an authenticator app; the recovery codes are shown once, right after."""
    user = request.user
    if not user.has_usable_password():
        raise Http404("Accounts that sign in with single sign-on use their organisation's second factor.")
    if _has_totp(user):
        context = {"codes_left": _codes_left(user), "passkey_count": _passkeys(user).count()}
        return render(request, "identity/totp_active.html", context)
    form = EnrolForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            TOTP.activate(user, form.secret)
            codes = RecoveryCodes.activate(user).generate_codes()
        clear_totp_secret(request)
        request.session.pop(MUST_ENROL, None)
        return render(request, "identity/recovery_codes.html", {"codes": codes})
    adapter = get_mfa_adapter()
    url = adapter.build_totp_url(user, form.secret)
    svg = base64.b64encode(adapter.build_totp_svg(url).encode()).decode()
    context = {
        "form": form,
        "secret": form.secret,
        "qr": f"data:image/svg+xml;base64,{svg}",
        "required": MUST_ENROL in request.session,
    }
    return render(request, "identity/totp_setup.html", context)


def _codes_left(user: User) -> int:
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
    return len(RecoveryCodes(authenticator).get_unused_codes()) if authenticator else 0


@require_POST
def recovery_codes_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """New recovery codes replace the old ones (all of them), shown once."""
    user = request.user
    if not _has_second_factor(user):
        messages.info(request, "Set up two-factor sign-in first; recovery codes come with it.")
        return HttpResponseRedirect(reverse("identity:totp_setup"))
    with transaction.atomic():
        Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).delete()
        codes = RecoveryCodes.activate(user).generate_codes()
    return render(request, "identity/recovery_codes.html", {"codes": codes})


PASSKEY_NOT_ADDED = "Your security key's answer could not be checked. Nothing was added: try again."


class AddPasskeyForm(AddWebAuthnForm):
    credential = _credential_field(PASSKEY_NOT_ADDED)
    name = forms.CharField(label="Name this key", max_length=60, help_text="So you can tell your keys apart.")
    password = forms.CharField(
        label="Your password", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password

    def clean(self) -> dict:
        try:
            return super().clean()
        except (forms.ValidationError, *MALFORMED) as error:
            raise forms.ValidationError(PASSKEY_NOT_ADDED) from error


@require_http_methods(["GET", "POST"])
def passkeys(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Security keys and passkeys as a second factor: the list, and adding one (named)."""
    user = request.user
    if not user.has_usable_password():
        raise Http404("Accounts that sign in with single sign-on use their organisation's second factor.")
    status = 200
    if request.method == "POST":
        form = AddPasskeyForm(request.POST, user=user)
        if form.is_valid():
            with transaction.atomic():
                WebAuthn.add(user, form.cleaned_data["name"], form.cleaned_data["credential"])
                new_codes = None
                if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
                    new_codes = RecoveryCodes.activate(user).generate_codes()
            request.session.pop(MUST_ENROL, None)
            if new_codes:
                return render(request, "identity/recovery_codes.html", {"codes": new_codes})
            messages.success(request, f"Security key \u201c{form.cleaned_data['name']}\u201d added.")
            return HttpResponseRedirect(reverse("identity:passkeys"))
        status = 422
    else:
        form = AddPasskeyForm(user=user)
    context = {
        "form": form,
        "passkeys": [(key, WebAuthn(key).name) for key in _passkeys(user)],
        "has_totp": _has_totp(user),
        "codes_left": _codes_left(user),
        "required": MUST_ENROL in request.session,
        # The challenge for the next key; one already on the account is refused (excludeCredentials).
        "creation_options": webauthn_auth.begin_registration(user, passwordless=False),
    }
    return render(request, "identity/passkeys.html", context, status=status)


@require_POST
def passkey_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Remove one of the signed-in person's own keys (another person's is 404)."""
    user = request.user
    key = get_object_or_404(Authenticator, pk=pk, user=user, type=Authenticator.Type.WEBAUTHN)
    name = WebAuthn(key).name
    last = not Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exclude(pk=key.pk).exists()
    organisation = services.organisation_for_email(user.email)
    if last and organisation is not None and organisation.require_2fa:
        messages.error(
            request,
            f"\u201c{name}\u201d is your only second factor and your organisation requires one: "
            "add another key or the authenticator app first.",
        )
        return HttpResponseRedirect(reverse("identity:passkeys"))
    with transaction.atomic():
        key.delete()
        if last:
            # No second factor left: sign-in is one step again, and old recovery codes must not linger.
            Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).delete()
    messages.success(request, f"Security key \u201c{name}\u201d removed.")
    return HttpResponseRedirect(reverse("identity:passkeys"))


# Share suggestions ------------------------------------------------------------------------------------


def _get_suggestion_for_user(request: AuthenticatedHttpRequest, pk: int) -> ShareSuggestion:
    return get_object_or_404(
        ShareSuggestion.objects.select_related("manager", "engineer"),
        pk=pk,
        engineer=request.user,
        status=ShareSuggestion.Status.OPEN,
    )


@require_GET
def suggestions(request: AuthenticatedHttpRequest) -> HttpResponse:
    found = ShareSuggestion.objects.filter(engineer=request.user, status=ShareSuggestion.Status.OPEN).select_related(
        "manager"
    )
    return render(request, "identity/suggestions.html", {"suggestions": found})


@require_POST
def suggestion_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    suggestion = _get_suggestion_for_user(request, pk)
    if request.POST.get("decision") == "accept":
        try:
            services.suggestion_accept(suggestion=suggestion, base_url=request.build_absolute_uri("/").rstrip("/"))
        except ShareError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"Invitation sent to {suggestion.manager.name}. They see your progress once they accept."
            )
    else:
        services.suggestion_decline(suggestion=suggestion)
        messages.info(request, "Nothing was shared. You can share with anyone at any time on the Sharing page.")
    return HttpResponseRedirect(reverse("identity:suggestions"))


# Organisation admin (staff only): accounts and settings, never assessments or roadmaps --------------------


def _staff_only(view):
    """Organisation admins are staff; to everyone else these pages do not exist (404, as for others' data)."""

    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_staff:
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


@require_GET
@_staff_only
def organisations(request: HttpRequest) -> HttpResponse:
    return render(request, "identity/organisations.html", {"organisations": Organisation.objects.all()})


class OrganisationSettingsForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ("sso_only", "require_2fa")


@require_http_methods(["GET", "POST"])
@_staff_only
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=pk)
    form = OrganisationSettingsForm(request.POST or None, instance=org)
    new_token: str | None = None  # shown once, on the page that made it
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "settings" and form.is_valid():
            services.organisation_update(
                organisation=org, sso_only=form.cleaned_data["sso_only"], require_2fa=form.cleaned_data["require_2fa"]
            )
            messages.success(request, "Saved.")
            return HttpResponseRedirect(request.path)
        if action == "token":
            _, new_token = services.scim_token_create(organisation=org, label=request.POST.get("label", "")[:80])
        if action == "revoke":
            token = get_object_or_404(ScimToken, pk=request.POST.get("token", "0") or 0, organisation=org)
            services.scim_token_revoke(token=token)
            messages.success(request, f"Token {token.label} revoked: the directory can no longer use it.")
            return HttpResponseRedirect(request.path)
    providers = [b for b in sso_buttons(request) if org.domain.lower() in b["domains"]]
    context = {
        "organisation": org,
        "form": OrganisationSettingsForm(instance=org),
        "new_token": new_token,
        "tokens": org.scim_tokens.all(),
        "providers": providers,
        "entries": DirectoryEntry.objects.filter(organisation=org).select_related("user", "manager")[:200],
        "events": ProvisioningEvent.objects.filter(organisation=org)[:100],
        "scim_url": request.build_absolute_uri(reverse("scim:users")),
    }
    return render(request, "identity/organisation.html", context)


IMPORT_SESSION_KEY = "identity.import"  # the previewed file, until it is applied or another is previewed


class DirectoryImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=f"UTF-8, at most {services.CSV_MAX_BYTES // (1024 * 1024)} MB and "
        f"{services.CSV_MAX_ROWS:,} rows. Nothing changes until you confirm the preview.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> list[services.DirectoryRow]:
        upload = self.cleaned_data["file"]
        if upload.size > services.CSV_MAX_BYTES:  # said before anything is read
            raise forms.ValidationError(f"The file is larger than {services.CSV_MAX_BYTES // (1024 * 1024)} MB.")
        data = upload.read()
        try:
            rows = services.directory_csv_read(data)
        except services.DirectoryError as error:
            raise forms.ValidationError(str(error)) from None
        self.data_read = data
        return rows


def _import_page(
    request: HttpRequest,
    org: Organisation,
    form: DirectoryImportForm,
    plan: services.ImportPlan | None = None,
    error: str = "",
) -> HttpResponse:
    context = {"organisation": org, "form": form, "plan": plan, "columns": services.CSV_COLUMNS, "error": error}
    if plan is not None:
        context["digest"] = request.session.get(IMPORT_SESSION_KEY, {}).get("digest", "")
    refused = error or form.errors or (plan is not None and plan.errors)
    return render(request, "identity/organisation_import.html", context, status=INVALID if refused else 200)


@require_http_methods(["GET", "POST"])
@_staff_only
def organisation_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Provision people from a CSV file: a preview of every row first, then all of it or nothing.

    The previewed file waits in the session, so what is confirmed is exactly what was previewed.
    """
    org = get_object_or_404(Organisation, pk=pk)
    if request.method == "GET":
        return _import_page(request, org, DirectoryImportForm())
    if request.POST.get("action") == "apply":
        pending = request.session.get(IMPORT_SESSION_KEY) or {}
        if pending.get("organisation") != org.pk or pending.get("digest") != request.POST.get("digest"):
            error = "That preview is no longer waiting (it was imported, or another file was previewed since): "
            return _import_page(request, org, DirectoryImportForm(), error=error + "upload the file again.")
        rows = services.directory_csv_read(pending["csv"].encode())
        plan = services.directory_import(organisation=org, rows=rows, source="csv")
        if plan.errors:
            request.session.pop(IMPORT_SESSION_KEY, None)
            return _import_page(request, org, DirectoryImportForm(), plan)
        request.session.pop(IMPORT_SESSION_KEY, None)
        counts = plan.counts
        messages.success(
            request,
            f"Imported {len(rows)} rows: {counts['create'] + counts['link']} created, {counts['update']} updated, "
            f"{counts['deactivate']} deactivated, {counts['reactivate']} reactivated, "
            f"{counts['unchanged']} unchanged. The provisioning log below lists each change.",
        )
        return HttpResponseRedirect(reverse("identity:organisation", args=[org.pk]))
    form = DirectoryImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, org, form)
    rows = form.cleaned_data["file"]
    plan = services.directory_import_plan(organisation=org, rows=rows)
    if plan.errors:
        request.session.pop(IMPORT_SESSION_KEY, None)
    else:
        request.session[IMPORT_SESSION_KEY] = {
            "organisation": org.pk,
            "digest": hashlib.sha256(form.data_read).hexdigest(),
            "csv": form.data_read.decode("utf-8-sig"),
        }
    return _import_page(request, org, DirectoryImportForm(), plan)
