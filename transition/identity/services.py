"""Writes for organisations, the directory (SCIM and CSV), tokens and share suggestions.

Visibility only ever comes from the engineer: the directory can *suggest* a share (the engineer
accepts, and the share is made by transition.accounts.services) and *end* shares when someone
leaves, never create one.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from transition.accounts.models import Notification, Share, User
from transition.accounts.outbox import email_queue
from transition.accounts.services import NO_TOKEN, notify, share_invite
from transition.identity.models import DirectoryEntry, Organisation, ProvisioningEvent, ScimToken, ShareSuggestion
from transition.lib.http import site_url

TOKEN_PREFIX = "tscim_"  # noqa: S105  # nosec B105: marks a token, is none


class DirectoryError(ValueError):
    """A directory request that cannot be done; the message says why."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def organisation_for_email(email: str) -> Organisation | None:
    domain = domain_of(email)
    return Organisation.objects.filter(domain__iexact=domain).first() if domain else None


def event_log(*, organisation: Organisation, kind: str, source: str, subject: str = "", detail: str = "") -> None:
    ProvisioningEvent.objects.create(
        organisation=organisation, kind=kind, source=source, subject=subject[:254], detail=detail[:300]
    )


# Tokens ---------------------------------------------------------------------------------------------


def scim_token_create(*, organisation: Organisation, label: str) -> tuple[ScimToken, str]:
    """A new bearer token; the returned string is the only time anyone sees it."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ScimToken(organisation=organisation, label=label.strip() or "SCIM", token_hash=_hash(raw), prefix=raw[:12])
    token.full_clean()
    token.save()
    event_log(organisation=organisation, kind=ProvisioningEvent.Kind.TOKEN_CREATED, source="admin", subject=token.label)
    return token, raw


def scim_token_revoke(*, token: ScimToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        event_log(
            organisation=token.organisation,
            kind=ProvisioningEvent.Kind.TOKEN_REVOKED,
            source="admin",
            subject=token.label,
        )


def scim_token_check(raw: str) -> Organisation | None:
    """The organisation a live token belongs to, or None. Constant-time by construction: a hash lookup."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ScimToken.objects.select_related("organisation").filter(token_hash=_hash(raw), revoked_at=None).first()
    if token is None:
        return None
    ScimToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.organisation


# Sign-out and shares ending ---------------------------------------------------------------------------


def user_sign_out_everywhere(*, user: User) -> int:
    """Delete every session of ``user``: they are signed out on their very next request, on every device."""
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(session_key__in=keys).delete()
    return len(keys)


def _end_shares(*, user: User) -> None:
    now = timezone.now()
    given = list(
        Share.objects.filter(engineer=user, status__in=[Share.Status.PENDING, Share.Status.ACTIVE]).select_related(
            "person"
        )
    )
    received = list(Share.objects.filter(person=user, status=Share.Status.ACTIVE).select_related("engineer"))
    Share.objects.filter(pk__in=[s.pk for s in given]).update(
        status=Share.Status.REVOKED, token_hash=NO_TOKEN, ended_at=now
    )
    Share.objects.filter(pk__in=[s.pk for s in received]).update(
        status=Share.Status.LEFT, token_hash=NO_TOKEN, ended_at=now
    )
    for share in given:
        if share.person is not None and share.status == Share.Status.ACTIVE:
            notify(
                recipient=share.person,
                actor=None,
                kind=Notification.Kind.SHARE_ENDED,
                text=f"{user.name} has left the organisation, so you no longer see their progress.",
                url=reverse("team:dashboard"),
            )
    for share in received:
        notify(
            recipient=share.engineer,
            actor=None,
            kind=Notification.Kind.SHARE_ENDED,
            text=f"{user.name} has left the organisation; your share with them as your "
            f"{share.get_relation_display().lower()} has ended.",
            url=reverse("sharing:list"),
        )
    ShareSuggestion.objects.filter(Q(engineer=user) | Q(manager=user), status=ShareSuggestion.Status.OPEN).update(
        status=ShareSuggestion.Status.WITHDRAWN, decided_at=now
    )


@transaction.atomic
def user_deactivate(*, entry: DirectoryEntry, source: str) -> None:
    """The directory says this person has left: signed out at once, every share ended both ways."""
    user = entry.user
    entry.active = False
    entry.save(update_fields=["active", "updated_at"])
    user.is_active = False
    user.save(update_fields=["is_active"])
    user_sign_out_everywhere(user=user)
    _end_shares(user=user)
    event_log(
        organisation=entry.organisation, kind=ProvisioningEvent.Kind.DEACTIVATED, source=source, subject=entry.user_name
    )


@transaction.atomic
def user_reactivate(*, entry: DirectoryEntry, source: str) -> None:
    """Back in the directory: they may sign in again. Ended shares stay ended; the engineer shares anew."""
    entry.active = True
    entry.save(update_fields=["active", "updated_at"])
    User.objects.filter(pk=entry.user_id).update(is_active=True)
    entry.user.is_active = True
    event_log(
        organisation=entry.organisation, kind=ProvisioningEvent.Kind.REACTIVATED, source=source, subject=entry.user_name
    )


# Provisioning ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """What the directory says about someone: the shape SCIM and CSV both map to."""

    user_name: str
    email: str
    name: str
    external_id: str = ""
    active: bool = True


def _invite(*, user: User, organisation: Organisation) -> None:
    """An email that lets a provisioned person in: single sign-on, or choosing a first password."""
    if organisation.sso_only:
        link = site_url() + reverse("login")
    else:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        link = site_url() + reverse(
            "password_reset_confirm", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)}
        )
    # Through the outbox like every email: queued with the change, sent by the worker, never twice.
    email_queue(
        key=f"directory-invitation:{user.pk}:{uuid.uuid4()}",
        to=user.email,
        subject=f"{organisation.name} invites you to Transition",
        body=render_to_string(
            "identity/email/invitation.txt", {"user": user, "organisation": organisation, "link": link}
        ),
        recipient=user,
    )


def _check_person(person: Person, organisation: Organisation) -> None:
    if not person.user_name or not person.email:
        raise DirectoryError("userName and an email address are required.")
    if domain_of(person.email) != organisation.domain.lower():
        raise DirectoryError(f"{person.email} is not in this organisation's domain ({organisation.domain}).")


@transaction.atomic
def directory_create(*, organisation: Organisation, person: Person, source: str) -> DirectoryEntry:
    """Create (or adopt, by email) the account of someone in the directory, and invite a new one."""
    _check_person(person, organisation)
    if DirectoryEntry.objects.filter(organisation=organisation, user_name__iexact=person.user_name).exists():
        raise DirectoryError(f"{person.user_name} is already provisioned.")
    email = User.objects.normalize_email(person.email).lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(email=email, name=person.name or email, password=None)
    elif DirectoryEntry.objects.filter(user=user).exists():
        raise DirectoryError(f"{email} is already provisioned under another user name.")
    entry = DirectoryEntry.objects.create(
        organisation=organisation,
        user=user,
        user_name=person.user_name,
        external_id=person.external_id,
        active=True,
    )
    event_log(
        organisation=organisation,
        kind=ProvisioningEvent.Kind.CREATED,
        source=source,
        subject=person.user_name,
        detail="invited" if created else "existing account linked",
    )
    if created:
        _invite(user=user, organisation=organisation)
    if not person.active:
        user_deactivate(entry=entry, source=source)
    return entry


@transaction.atomic
def directory_update(*, entry: DirectoryEntry, person: Person, source: str) -> DirectoryEntry:
    _check_person(person, entry.organisation)
    clash = DirectoryEntry.objects.filter(organisation=entry.organisation, user_name__iexact=person.user_name)
    if clash.exclude(pk=entry.pk).exists():
        raise DirectoryError(f"{person.user_name} is already provisioned.")
    email = User.objects.normalize_email(person.email).lower()
    if User.objects.filter(email__iexact=email).exclude(pk=entry.user_id).exists():
        raise DirectoryError(f"Another account already uses {email}.")
    user = entry.user
    user.email = email
    user.name = person.name or user.name
    user.full_clean(exclude=["password"])
    user.save(update_fields=["email", "name"])
    entry.user_name = person.user_name
    entry.external_id = person.external_id
    entry.save(update_fields=["user_name", "external_id", "updated_at"])
    event_log(
        organisation=entry.organisation, kind=ProvisioningEvent.Kind.UPDATED, source=source, subject=entry.user_name
    )
    if person.active and not entry.active:
        user_reactivate(entry=entry, source=source)
    elif not person.active and entry.active:
        user_deactivate(entry=entry, source=source)
    return entry


@transaction.atomic
def directory_set_manager(*, entry: DirectoryEntry, manager: DirectoryEntry | None, source: str) -> None:
    """Record who the directory names as manager, and *suggest* the share to the engineer."""
    if manager is not None and (manager.pk == entry.pk or manager.organisation_id != entry.organisation_id):
        raise DirectoryError("The manager must be another person in the same organisation.")
    if entry.manager_id == (manager.pk if manager else None):
        return
    entry.manager = manager
    entry.save(update_fields=["manager", "updated_at"])
    # A manager who is no longer named is no longer suggested; an engineer's existing shares stay theirs.
    ShareSuggestion.objects.filter(engineer=entry.user, status=ShareSuggestion.Status.OPEN).update(
        status=ShareSuggestion.Status.WITHDRAWN, decided_at=timezone.now()
    )
    event_log(
        organisation=entry.organisation,
        kind=ProvisioningEvent.Kind.MANAGER,
        source=source,
        subject=entry.user_name,
        detail=f"manager: {manager.user_name}" if manager else "manager removed",
    )
    if manager is None or not manager.active:
        return
    already = Share.objects.filter(
        engineer=entry.user,
        person=manager.user,
        relation=Share.Relation.MANAGER,
        status__in=[Share.Status.PENDING, Share.Status.ACTIVE],
    ).exists()
    if not already:
        ShareSuggestion.objects.create(engineer=entry.user, manager=manager.user)


# Suggestions ------------------------------------------------------------------------------------------


def suggestion_accept(*, suggestion: ShareSuggestion, base_url: str = "") -> Share:
    """The engineer agrees: an ordinary invitation goes to the manager, as if the engineer had typed it."""
    with transaction.atomic():
        share, _ = share_invite(
            engineer=suggestion.engineer,
            email=suggestion.manager.email,
            relation=Share.Relation.MANAGER,
            base_url=base_url,
        )
        suggestion.status = ShareSuggestion.Status.ACCEPTED
        suggestion.decided_at = timezone.now()
        suggestion.save(update_fields=["status", "decided_at"])
    return share


def suggestion_decline(*, suggestion: ShareSuggestion) -> None:
    suggestion.status = ShareSuggestion.Status.DECLINED
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_at"])


def organisation_update(*, organisation: Organisation, sso_only: bool, require_2fa: bool) -> Organisation:
    organisation.sso_only = sso_only
    organisation.require_2fa = require_2fa
    organisation.full_clean()
    organisation.save(update_fields=["sso_only", "require_2fa"])
    return organisation
