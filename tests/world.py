"""One engineer's full set of data and the people around them, and every URL of the app filled in for it.

The URL walk reads the URL conf itself, so a new URL cannot escape the tests that use it:
a URL whose parameters are not known here fails loudly.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.internal.auth import WebAuthn
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments import services as assessment_services
from assessments.models import Assessment, Competency, Item
from roadmaps.models import Comment, EvidenceLink, Roadmap
from tests.factories import ShareFactory, UserFactory
from tests.passkeys import SoftKey
from tests.roadmaps.factories import roadmap_for
from transition.accounts.models import Notification, Share, User
from transition.accounts.services import share_invite
from transition.identity.models import Organisation, ShareSuggestion

MARKER = "PRIVATE-MARKER-5c1d"  # free text: evidence, notes, evidence links
COMMENT_MARKER = "COMMENT-MARKER-9e2b"  # comments: the engineer and their mentors only


@dataclass
class World:
    owner: User
    assessment: Assessment
    in_progress: Assessment
    roadmap: Roadmap
    comment: Comment
    link: EvidenceLink
    manager_share: Share
    pending_token: str
    notification: Notification
    people: dict[str, User]
    organisation: Organisation
    suggestion: ShareSuggestion
    passkey: Authenticator


def build_world() -> World:
    owner = UserFactory(name="Owner Engineer")
    roadmap = roadmap_for(owner, levels={"mentoring": 1, "user-research": 2})
    assessment = Assessment.objects.get(owner=owner)
    in_progress = assessment_services.assessment_start(owner=owner, role=None, mode=Assessment.Mode.FULL)
    item = Item.objects.filter(competency__slug="mentoring", kind="scenario").first()
    assessment_services.answer_save(assessment=in_progress, item=item, choice=1)
    competency = Competency.objects.get(slug="mentoring")
    # Private free text in every place it can be written.
    assessment_services.evidence_save(assessment=in_progress, competency=competency, text=f"evidence {MARKER}")
    first = roadmap.items.first()
    first.notes = f"notes {MARKER}"
    first.save()
    link = EvidenceLink.objects.create(item=first, url=f"https://example.com/{MARKER}")

    people = {
        "manager": UserFactory(name="The Manager"),
        "mentor": UserFactory(name="The Mentor"),
        "other_engineer": UserFactory(name="Other Engineer"),
        "other_manager": UserFactory(name="Other Manager"),
        "other_mentor": UserFactory(name="Other Mentor"),
        "revoked_manager": UserFactory(name="Revoked Manager"),
        "revoked_mentor": UserFactory(name="Revoked Mentor"),
        # Runs the organisation's sign-in and directory: sees accounts, never anyone's assessments or roadmap.
        "org_admin": UserFactory(name="Org Admin", is_staff=True),
    }
    manager_share = ShareFactory(engineer=owner, person=people["manager"], manager=True)
    ShareFactory(engineer=owner, person=people["mentor"])
    ShareFactory(engineer=owner, person=people["revoked_manager"], manager=True, revoked=True)
    ShareFactory(engineer=owner, person=people["revoked_mentor"], revoked=True)
    roadmap_for(people["other_engineer"])
    ShareFactory(engineer=people["other_engineer"], person=people["other_manager"], manager=True)
    ShareFactory(engineer=people["other_engineer"], person=people["other_mentor"])
    _, pending_token = share_invite(engineer=owner, email="invitee@example.com", relation=Share.Relation.MENTOR)

    comment = Comment.objects.create(roadmap=roadmap, item=first, author=owner, body=f"comment {COMMENT_MARKER}")
    organisation = Organisation.objects.create(name="Example", domain="example.com")
    suggestion = ShareSuggestion.objects.create(engineer=owner, manager=people["other_manager"])
    notification = Notification.objects.create(recipient=owner, kind=Notification.Kind.COMMENT, text="Hello", url="/")
    # The owner's security key, its name private like the rest: only the owner's key page shows it.
    credential = SoftKey().register({"publicKey": {"challenge": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}})
    passkey = WebAuthn.add(owner, f"key {MARKER}", credential).instance
    return World(
        owner=owner,
        assessment=assessment,
        in_progress=in_progress,
        roadmap=roadmap,
        comment=comment,
        link=link,
        manager_share=manager_share,
        pending_token=pending_token,
        notification=notification,
        passkey=passkey,
        people=people,
        organisation=organisation,
        suggestion=suggestion,
    )


def _params(pattern) -> list[str]:
    # path() patterns list their converters; re_path() ones (django-allauth's) their named groups.
    return list(pattern.pattern.converters) or list(pattern.pattern.regex.groupindex)


def _names(patterns, prefix: str = "", params: tuple[str, ...] = ()) -> list[tuple[str, list[str]]]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            found += _names(pattern.url_patterns, namespace, (*params, *_params(pattern)))
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append((prefix + pattern.name, [*params, *_params(pattern)]))
    return found


# Django's admin has its own staff-only permissions and test suite; it is checked separately.
SKIPPED_NAMESPACES = ("admin:",)


def app_url_names() -> list[tuple[str, list[str]]]:
    return [(n, k) for n, k in _names(get_resolver().url_patterns) if not n.startswith(SKIPPED_NAMESPACES)]


def _kwarg(world: World, name: str, kwarg: str):
    app = name.split(":")[0] if ":" in name else ""
    values = {
        ("assessments", "pk"): world.in_progress.pk
        if name in {"assessments:section", "assessments:quick", "assessments:review", "assessments:finish"}
        else world.assessment.pk,
        ("assessments", "slug"): "mentoring",
        ("roadmaps", "pk"): world.roadmap.pk,
        ("roadmaps", "item_pk"): world.link.item_id,
        ("roadmaps", "link_pk"): world.link.pk,
        ("roadmaps", "comment_pk"): world.comment.pk,
        ("sharing", "pk"): world.notification.pk if "notification" in name else world.manager_share.pk,
        ("sharing", "token"): world.pending_token,
        ("team", "engineer_pk"): world.owner.pk,
        ("identity", "pk"): world.organisation.pk
        if name in {"identity:organisation", "identity:organisation_import"}
        else world.passkey.pk
        if name == "identity:passkey_remove"
        else world.suggestion.pk,
        # Single sign-on URLs name a provider; none is configured here (tests/sso drives real ones).
        ("scim", "pk"): world.owner.pk,
        ("", "provider_id"): "no-such-provider",
        ("", "organization_slug"): "no-such-provider",
        ("", "uidb64"): "x",
        ("", "token"): "y",
    }
    if (app, kwarg) not in values:
        raise AssertionError(f"tests/world.py does not know how to fill {kwarg!r} of URL {name!r}: add it")
    return values[(app, kwarg)]


def app_urls(world: World) -> list[tuple[str, str]]:
    """(url name, path) for every named URL of the app, parameters filled from the world."""
    return [
        (name, reverse(name, kwargs={k: _kwarg(world, name, k) for k in kwargs})) for name, kwargs in app_url_names()
    ]
