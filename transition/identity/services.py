"""Writes for organisations, the directory (SCIM and CSV), tokens and share suggestions.

Visibility only ever comes from the engineer: the directory can *suggest* a share (the engineer
accepts, and the share is made by transition.accounts.services) and *end* shares when someone
leaves, never create one.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
import uuid
from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
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


# CSV import (the admin page and the import_directory command) -----------------------------------------

CSV_COLUMNS = ("user_name", "email", "name", "manager", "active")
CSV_REQUIRED = ("user_name", "email")
CSV_MAX_BYTES = 2 * 1024 * 1024
CSV_MAX_ROWS = 20_000
_YES, _NO = {"", "1", "true", "yes", "y"}, {"0", "false", "no", "n"}
_MAX_LENGTHS = {"user_name": 254, "email": 254, "name": 120}  # the columns' sizes: no 500 from PostgreSQL


@dataclass(frozen=True)
class DirectoryRow:
    """One row of a directory CSV file, as read; ``problem`` says why it cannot be used."""

    number: int  # the row in the file, the header being row 1, as a spreadsheet numbers it
    user_name: str
    email: str
    name: str
    manager: str | None  # None: the file has no manager column, so managers stay as they are
    active: bool
    problem: str = ""


def directory_csv_read(data: bytes) -> list[DirectoryRow]:
    """The rows of an uploaded or local CSV file; DirectoryError says why a whole file cannot be read."""
    if len(data) > CSV_MAX_BYTES:
        raise DirectoryError(f"The file is larger than {CSV_MAX_BYTES // (1024 * 1024)} MB: split it into parts.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DirectoryError("The file is not UTF-8 text: save it as “CSV UTF-8” and upload it again.") from None
    if "\x00" in text:
        raise DirectoryError("The file holds NUL characters, so it is not a CSV text file.")
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise DirectoryError(f"The file is not readable as CSV: {error}.") from None
    if not records:
        raise DirectoryError("The file is empty.")
    header = [column.strip().lower() for column in records[0]]
    expected = f"The first row names the columns: {', '.join(CSV_COLUMNS)} (user_name and email are required)."
    missing = [c for c in CSV_REQUIRED if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        found = ", ".join(c or "(blank)" for c in header)
        raise DirectoryError(f"{expected} This file's first row has: {found}.")
    if len(records) - 1 > CSV_MAX_ROWS:
        raise DirectoryError(f"The file has {len(records) - 1:,} rows; at most {CSV_MAX_ROWS:,} at a time.")
    return [
        _csv_row(number, dict(zip(header, values, strict=False)), len(values) - len(header))
        for number, values in enumerate(records[1:], start=2)
        if any(v.strip() for v in values)
    ]


def _csv_row(number: int, cells: dict[str, str], extra: int) -> DirectoryRow:
    value = {column: cells.get(column, "").strip() for column in CSV_COLUMNS}
    active = value["active"].lower()
    problems = [f"{extra} more values than the first row has columns" if extra > 0 else ""]
    problems.append("" if active in _YES | _NO else f"active is “{value['active'][:20]}”: use 1 or 0")
    problems += [f"{c} is longer than {n} characters" for c, n in _MAX_LENGTHS.items() if len(value[c]) > n]
    return DirectoryRow(
        number=number,
        user_name=value["user_name"],
        email=value["email"],
        name=value["name"],
        manager=value["manager"] if "manager" in cells else None,
        active=active not in _NO,
        problem="; ".join(p for p in problems if p),
    )


class ImportAction(models.TextChoices):
    CREATE = "create", "Create and invite"
    LINK = "link", "Link the existing account"
    UPDATE = "update", "Update"
    DEACTIVATE = "deactivate", "Deactivate"
    REACTIVATE = "reactivate", "Reactivate"
    UNCHANGED = "unchanged", "No change"
    ERROR = "error", "Error"


@dataclass(frozen=True)
class ImportLine:
    number: int
    user_name: str
    action: ImportAction
    detail: str = ""

    @property
    def label(self) -> str:
        return self.action.label


@dataclass(frozen=True)
class ImportPlan:
    """What an import does (or would do) to each row; nothing is done while any row has an error."""

    lines: tuple[ImportLine, ...]

    @property
    def errors(self) -> list[ImportLine]:
        return [line for line in self.lines if line.action == ImportAction.ERROR]

    @property
    def changes(self) -> list[ImportLine]:
        return [line for line in self.lines if line.action != ImportAction.UNCHANGED]

    def count(self, action: str) -> int:
        return sum(1 for line in self.lines if line.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {a.value: self.count(a) for a in ImportAction}


def _person(row: DirectoryRow) -> Person:
    return Person(user_name=row.user_name, email=row.email, name=row.name, active=row.active)


def _row_problem(row: DirectoryRow, organisation: Organisation) -> str:
    if row.problem:
        return row.problem
    try:
        if row.email:
            validate_email(row.email)
        _check_person(_person(row), organisation)
    except ValidationError:
        return f"{row.email} is not a valid email address."
    except DirectoryError as error:
        return str(error)
    return ""


def directory_import_plan(*, organisation: Organisation, rows: list[DirectoryRow]) -> ImportPlan:
    """What importing ``rows`` would do, row by row, without changing anything: the page's preview."""
    entries = {
        e.user_name.lower(): e
        for e in DirectoryEntry.objects.filter(organisation=organisation).select_related("user", "manager")
    }
    emails = {User.objects.normalize_email(r.email).lower() for r in rows if r.email}
    users = {u.email.lower(): u for u in User.objects.annotate(lower=Lower("email")).filter(lower__in=emails)}
    provisioned = set(DirectoryEntry.objects.filter(user__in=users.values()).values_list("user_id", flat=True))
    in_file = {r.user_name.lower() for r in rows if r.user_name}
    first_row: dict[tuple[str, str], int] = {}
    lines = []
    for row in rows:
        email = User.objects.normalize_email(row.email).lower()
        problem = _row_problem(row, organisation)
        for column, key in (("user_name", row.user_name.lower()), ("email", email)):
            seen = first_row.setdefault((column, key), row.number)
            if not problem and seen != row.number:
                problem = f"{column} {key} is also on row {seen}."
        entry = entries.get(row.user_name.lower())
        user = users.get(email)
        wanted = (row.manager or "").lower()
        if not problem and wanted and wanted == row.user_name.lower():
            problem = "Nobody is their own manager."
        elif not problem and wanted and wanted not in in_file and wanted not in entries:
            problem = f"No manager {row.manager}: they are neither in this file nor in the directory."
        if problem:
            lines.append(ImportLine(row.number, row.user_name, ImportAction.ERROR, problem))
            continue
        manager = "" if row.manager is None else _manager_change(entry, wanted, row.manager)
        if entry is None:
            if user is not None and user.pk in provisioned:
                detail = f"{email} is already provisioned under another user name."
                lines.append(ImportLine(row.number, row.user_name, ImportAction.ERROR, detail))
                continue
            action = ImportAction.LINK if user is not None else ImportAction.CREATE
            detail = "; ".join(filter(None, [manager, "" if row.active else "deactivated at once"]))
            lines.append(ImportLine(row.number, row.user_name, action, detail))
            continue
        if user is not None and user.pk != entry.user_id:
            lines.append(ImportLine(row.number, row.user_name, ImportAction.ERROR, f"Another account uses {email}."))
            continue
        changed = [f"email {entry.user.email} → {email}" if email != entry.user.email.lower() else ""]
        changed.append(f"name → {row.name}" if row.name and row.name != entry.user.name else "")
        detail = "; ".join(filter(None, [*changed, manager]))
        if row.active != entry.active:
            action = ImportAction.REACTIVATE if row.active else ImportAction.DEACTIVATE
        else:
            action = ImportAction.UPDATE if detail else ImportAction.UNCHANGED
        lines.append(ImportLine(row.number, row.user_name, action, detail))
    return ImportPlan(lines=tuple(lines))


def _manager_change(entry: DirectoryEntry | None, wanted: str, spelled: str) -> str:
    current = entry.manager.user_name.lower() if entry is not None and entry.manager else ""
    if wanted == current:
        return ""
    return f"manager → {spelled}" if wanted else "manager removed"


class _ImportFailed(Exception):
    def __init__(self, number: int, message: str) -> None:
        super().__init__(message)
        self.number = number


def directory_import(*, organisation: Organisation, rows: list[DirectoryRow], source: str = "csv") -> ImportPlan:
    """Apply ``rows`` all together or not at all; the returned plan says what was done, or why nothing was.

    Every change is written to the provisioning log by the services it goes through. Managers are set once
    everyone exists, so the order of the rows does not matter.
    """
    plan = directory_import_plan(organisation=organisation, rows=rows)
    if plan.errors:
        return plan
    try:
        with transaction.atomic():
            _import(organisation=organisation, rows=rows, plan=plan, source=source)
    except _ImportFailed as failed:
        # The directory changed between the plan and the writes (another import, SCIM): nothing was kept.
        lines = tuple(
            ImportLine(line.number, line.user_name, ImportAction.ERROR, str(failed))
            if line.number == failed.number
            else line
            for line in plan.lines
        )
        return ImportPlan(lines=lines)
    return plan


def _import(*, organisation: Organisation, rows: list[DirectoryRow], plan: ImportPlan, source: str) -> None:
    actions = {line.number: line.action for line in plan.lines}
    entries = {e.user_name.lower(): e for e in DirectoryEntry.objects.filter(organisation=organisation)}
    for row in rows:
        action = actions[row.number]
        try:
            if action in (ImportAction.CREATE, ImportAction.LINK):
                entry = directory_create(organisation=organisation, person=_person(row), source=source)
                entries[entry.user_name.lower()] = entry
            elif action != ImportAction.UNCHANGED:
                entry = entries[row.user_name.lower()]
                user = entry.user
                if (user.email.lower(), user.name) != (row.email.lower(), row.name or user.name) or (
                    entry.active != row.active
                ):
                    directory_update(entry=entry, person=_person(row), source=source)
        except DirectoryError as error:
            raise _ImportFailed(row.number, str(error)) from None
    for row in rows:
        if row.manager is None:
            continue
        entry = entries[row.user_name.lower()]
        manager = entries.get(row.manager.lower()) if row.manager else None
        try:
            directory_set_manager(entry=entry, manager=manager, source=source)
        except DirectoryError as error:
            raise _ImportFailed(row.number, str(error)) from None
