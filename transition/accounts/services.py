from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from transition.accounts.models import Email, Notification, Share, User
from transition.accounts.outbox import email_queue
from transition.accounts.tasks import deliver_email
from transition.lib.http import site_url
from transition.lib.statements import insert

INVITATION_DAYS = 7
# A share whose invitation was used or withdrawn keeps no hash, so no link can match it
# (bandit: this empty string is the absence of a secret, not one).
NO_TOKEN = ""  # nosec B105


class ShareError(ValueError):
    """A sharing request that cannot be done; the message says why, for the person."""


@transaction.atomic
def user_create(*, email: str, name: str, password: str | None, is_staff: bool = False) -> User:
    return User.objects.create_user(email=email, name=name, password=password, is_staff=is_staff)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _subject(text: str) -> str:
    # Names are free text and may hold a line break, which an email header refuses (a 500 after the write).
    return " ".join(text.split())


@transaction.atomic
def share_invite(
    *, engineer: User, email: str, relation: str, include_private: bool = False, base_url: str = ""
) -> tuple[Share, str]:
    """Invite a person by email; returns the share and the one-time token that the email carries.

    The share is saved at once and its email queued (the sharing page shows whether it went); the page
    also shows the link once (invitation_link), so that the engineer can send it another way.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ShareError("Enter a valid email address.") from None
    if relation not in Share.Relation.values:
        raise ShareError("Choose manager or mentor.")
    if email == engineer.email.lower():
        raise ShareError("You cannot share with yourself.")
    # One invitation at a time per engineer: a double-submitted form waits here for the first, then
    # replaces its link, so one pending invitation per address and relation remains (a constraint holds it).
    User.objects.select_for_update().filter(pk=engineer.pk).first()
    open_shares = Share.objects.filter(
        engineer=engineer, email=email, relation=relation, status__in=[Share.Status.PENDING, Share.Status.ACTIVE]
    )
    if open_shares.filter(status=Share.Status.ACTIVE).exists():
        raise ShareError(f"You already share with {email} as your {relation}.")
    # A new invitation replaces an earlier unanswered one, so only the newest link works.
    open_shares.filter(status=Share.Status.PENDING).update(
        status=Share.Status.REVOKED, token_hash=NO_TOKEN, ended_at=timezone.now()
    )
    token = secrets.token_urlsafe(32)
    share = Share(
        engineer=engineer,
        email=email,
        relation=relation,
        include_private=include_private,
        token_hash=_hash(token),
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    share.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            share.save()
    except IntegrityError:
        raise ShareError(f"An invitation to {email} was sent a moment ago; it is listed below.") from None
    link = invitation_link(token, base_url=base_url)
    context = {"engineer": engineer, "share": share, "link": link, "days": INVITATION_DAYS}
    email_queue(
        key=f"invitation:{share.pk}",
        to=email,
        subject=_subject(f"{engineer.name} invites you to follow their move into AI leadership"),
        body=render_to_string("sharing/email/invitation.txt", context),
        actor=engineer,
        share=share,
    )
    return share, token


def invitation_link(token: str, *, base_url: str = "") -> str:
    return (base_url or site_url()) + reverse("sharing:accept", args=[token])


def share_for_token(token: str) -> Share | None:
    return Share.objects.select_related("engineer", "person").filter(token_hash=_hash(token)).first()


def invitation_problem(share: Share | None, user: User) -> str:
    """Why nobody can use this invitation any more, or "" while it can still be accepted (or was, by ``user``).

    The invitation page shows it before anyone signs in; share_accept refuses with it.
    """
    if share is None:
        return "This invitation link is not valid. Check that you copied all of it, or ask for a new invitation."
    if share.status == Share.Status.ACTIVE and share.person_id == user.pk:
        return ""
    if share.status != Share.Status.PENDING:
        return "This invitation has already been used or was withdrawn. Ask for a new one."
    if share.expires_at <= timezone.now():
        return "This invitation has expired. Ask for a new one."
    return ""


def share_accept(*, token: str, user: User) -> Share:
    """Accept an invitation. Accepting twice keeps one share; a used, expired or foreign link is refused."""
    with transaction.atomic():
        share = Share.objects.select_for_update().filter(token_hash=_hash(token)).first()
        problem = invitation_problem(share, user)
        if problem or share is None:
            raise ShareError(problem)
        if share.status == Share.Status.ACTIVE:
            return share  # accepted twice by the same person: one share
        if share.engineer_id == user.pk:
            raise ShareError("This is your own invitation: send the link to the person you invited.")
        if share.email.lower() != user.email.lower():
            raise ShareError(f"This invitation was sent to {share.email}. Sign in with that address to accept it.")
        share.person = user
        share.status = Share.Status.ACTIVE
        share.accepted_at = timezone.now()
        try:
            with transaction.atomic():
                share.save()
        except IntegrityError:
            raise ShareError("You already follow this engineer in that role.") from None
    notify(
        recipient=share.engineer,
        actor=user,
        kind=Notification.Kind.SHARE_ACCEPTED,
        text=f"{user.name} accepted your invitation as your {share.get_relation_display().lower()}.",
        url=reverse("sharing:list"),
    )
    return share


def share_revoke(*, share: Share) -> None:
    """The engineer ends a share; it takes effect on the other person's next request."""
    Share.objects.filter(pk=share.pk, status__in=[Share.Status.PENDING, Share.Status.ACTIVE]).update(
        status=Share.Status.REVOKED, token_hash=NO_TOKEN, ended_at=timezone.now()
    )


def share_leave(*, share: Share) -> None:
    Share.objects.filter(pk=share.pk, status=Share.Status.ACTIVE).update(
        status=Share.Status.LEFT, token_hash=NO_TOKEN, ended_at=timezone.now()
    )


def share_set_private(*, share: Share, include_private: bool) -> Share:
    share.include_private = include_private
    share.save(update_fields=["include_private"])
    return share


def notify(
    *, recipient: User, actor: User | None, kind: str, text: str, url: str = "", email: bool = True
) -> Notification:
    """An in-app notification, and the same by email once it is saved (transition.lib.mail)."""
    # Inside the caller's transaction (a comment, a share) no savepoint of its own: it would cost two
    # statements and undo nothing the caller's rollback does not.
    with transaction.atomic(savepoint=False):
        notification = insert(Notification(recipient=recipient, actor=actor, kind=kind, text=text[:300], url=url))
        if email and recipient.is_active:
            # Emails carry absolute links; the in-app list uses the path.
            body = render_to_string(
                "sharing/email/notification.txt",
                {"notification": notification, "recipient": recipient, "site_url": site_url()},
            )
            # Queued as email_queue does, but made outright: its key names the notification just made, so no
            # email holds it yet, and email_queue's look-up and the savepoint a race on a key needs were three
            # of the statements of every comment posted.
            queued = insert(
                Email(
                    key=f"notification:{notification.pk}",
                    to=recipient.email,
                    subject=_subject(f"Transition: {text[:80]}")[:300],
                    body=body,
                    recipient=recipient,
                    actor=actor,
                )
            )
            deliver_email.enqueue(queued.pk)
    return notification
