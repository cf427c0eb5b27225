"""Every URL of the app × every relation to the engineer × GET and POST, full and htmx.

The table below says who may use each URL; everyone else gets 404 for another
person's object (never 403, which would confirm it exists), and anonymous
visitors are sent to sign in. The URL list comes from the URL conf itself, so a
new URL fails here until it is given a row.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client

from tests.world import app_url_names, app_urls, build_world

pytestmark = pytest.mark.usefixtures("framework_db")

RELATIONS = (
    "owner",
    "manager",
    "mentor",
    "other_engineer",
    "other_manager",
    "other_mentor",
    "revoked_manager",
    "revoked_mentor",
    "org_admin",
    "anonymous",
)
SIGNED_IN = frozenset(RELATIONS) - {"anonymous"}
EVERYONE = frozenset(RELATIONS)

PUBLIC = {
    "landing",
    "healthz",
    "readyz",
    "signup",
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "sharing:accept",
    "identity:two_factor",  # the second step of a sign-in: before it, nobody is signed in
    # What the framework rests on: the articles and the changelog, for anyone weighing the results.
    "assessments:sources",
    "assessments:framework",
}
# Single sign-on endpoints name an identity provider; for one that is not configured every visitor gets 404.
# tests/sso runs them against real OpenID Connect and SAML providers.
SSO_PROVIDER_URLS = {
    "openid_connect_login",
    "openid_connect_callback",
    "saml_acs",
    "saml_finish_acs",
    "saml_sls",
    "saml_metadata",
    "saml_login",
}
# The directory's SCIM endpoint takes an organisation's bearer token, never a browser session: 401 for all.
# tests/sso/test_scim.py covers it with tokens.
SCIM_URLS = {"scim:config", "scim:users", "scim:user"}
# Pages about the signed-in person's own things: anyone signed in, each seeing their own.
OWN = {
    "home",
    "floor",
    "logout",
    "password_change",
    "password_change_done",
    "account:settings",
    "account:export",
    "account:delete",
    "assessments:history",
    "assessments:start",
    "roadmaps:home",
    "roadmaps:new",
    "sharing:list",
    "sharing:notifications",
    "sharing:notifications_read_all",
    "team:dashboard",
    "team:export_csv",
    "identity:totp_setup",
    "identity:passkeys",
    "identity:recovery_codes_new",
    "identity:suggestions",
}
OWNER = frozenset({"owner"})
ALLOWED: dict[str, frozenset[str]] = {
    **dict.fromkeys(PUBLIC, EVERYONE),
    **dict.fromkeys(OWN, SIGNED_IN),
    **dict.fromkeys(
        [
            "assessments:resume",
            "assessments:section",
            "assessments:quick",
            "assessments:review",
            "assessments:finish",
            "assessments:results",
            "assessments:scenarios",
            "roadmaps:detail",
            "roadmaps:replan",
            "roadmaps:print",
            "roadmaps:export_json",
            "roadmaps:calendar",
            "roadmaps:item_update",
            "roadmaps:item_edit",
            "roadmaps:link_add",
            "roadmaps:link_delete",
            "sharing:revoke",
            "sharing:private",
            "sharing:notification_open",
            # the comment in the world is the owner's own: only its author edits or deletes it
            "roadmaps:comment_edit",
            "roadmaps:comment_delete",
        ],
        OWNER,
    ),
    "roadmaps:comment_create": frozenset({"owner", "mentor"}),
    "roadmaps:item_comments": frozenset({"owner", "mentor"}),
    # the engineer reads their own data on their own pages; these are for the people they share with
    "team:person_results": frozenset({"manager", "mentor"}),
    "team:person_roadmap": frozenset({"manager", "mentor"}),
    "team:rate": frozenset({"manager"}),
    # the world's share to leave is the manager's
    "sharing:leave": frozenset({"manager"}),
    # the suggestion in the world is the owner's to accept or decline
    "identity:suggestion_decide": OWNER,
    "identity:passkey_remove": OWNER,
    # organisation admin pages: staff only, and they show accounts, never assessments or roadmaps
    "identity:organisations": frozenset({"org_admin"}),
    "identity:organisation": frozenset({"org_admin"}),
    "identity:organisation_import": frozenset({"org_admin"}),
    **dict.fromkeys(SSO_PROVIDER_URLS | SCIM_URLS, frozenset()),
}

FRAMEWORK = {"Competency", "Item", "Role", "Requirement", "Action", "FrameworkVersion"}
NOT_DATA = {"Session", "AccessAttempt", "AccessLog", "AccessFailureLog", "AccessAttemptExpiration"}
POST_DATA = {
    "competency": "mentoring",
    "body": "hello",
    "status": "done",
    "notes": "n",
    "url": "https://example.com",
    "level": "2",
    "password": "x",
}


def test_every_url_has_a_row_in_the_table():
    names = {name for name, _ in app_url_names()}
    assert names == set(ALLOWED), f"missing: {names - set(ALLOWED)}; stale: {set(ALLOWED) - names}"


def _fingerprint() -> dict[str, list]:
    return {
        m.__name__: sorted(map(repr, m.objects.values_list()))
        for m in apps.get_models()
        if m.__name__ not in FRAMEWORK | NOT_DATA and not m.__name__.endswith("_competencies") and "_" not in m.__name__
    }


def _client(world, relation: str) -> Client:
    client = Client()
    if relation == "owner":
        client.force_login(world.owner)
    elif relation != "anonymous":
        client.force_login(world.people[relation])
    return client


def _check(name, method, relation, htmx, response, allowed):
    where = f"{method} {name} as {relation}{' (htmx)' if htmx else ''} -> {response.status_code}"
    assert response.status_code < 500, where
    if name in SCIM_URLS:
        assert response.status_code == 401, where
        return
    if name in SSO_PROVIDER_URLS:
        # The SAML assertion consumer first parks the POST and moves on to its own finish step, which answers 404.
        moved_on = response.status_code == 302 and response["Location"].startswith("/sso/saml/no-such-provider/")
        assert response.status_code in (404, 405) or moved_on, where
        return
    if response.status_code == 405:
        return  # the same answer for every object and person: reveals nothing
    if relation in allowed:
        assert response.status_code not in (403, 404), where
    elif relation == "anonymous":
        assert response.status_code == 302, where
        assert "/accounts/login/" in response["Location"], where
    else:
        assert response.status_code == 404, where


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_access(name):
    world = build_world()
    path = dict(app_urls(world))[name]
    allowed = ALLOWED[name]
    headers = {"HX-Request": "true", "HX-Trigger-Name": "item-x"}
    for relation in RELATIONS:
        client = _client(world, relation)
        for htmx in (False, True):
            _check(name, "GET", relation, htmx, client.get(path, headers=headers if htmx else {}), allowed)
    # POSTs by people without the right must answer 404 and change nothing.
    for relation in [r for r in RELATIONS if r not in allowed]:
        client = _client(world, relation)
        for htmx in (False, True):
            before = _fingerprint()
            response = client.post(path, POST_DATA, headers=headers if htmx else {})
            _check(name, "POST", relation, htmx, response, allowed)
            assert _fingerprint() == before, f"POST {name} as {relation} changed data"
    # And one person with the right gets through (their POST may change data, so it comes last).
    if not allowed:
        return
    relation = sorted(allowed)[0] if "owner" not in allowed else "owner"
    _check(name, "POST", relation, False, _client(world, relation).post(path, POST_DATA), allowed)
