"""A SCIM 2.0 client (what Okta or Entra ID sends) against /scim/v2: the directory suggests, never grants."""

from __future__ import annotations

import json

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client

from tests.factories import ShareFactory, UserFactory
from transition.accounts.models import Notification, Share, User
from transition.identity.models import DirectoryEntry, Organisation, ProvisioningEvent, ShareSuggestion
from transition.identity.services import scim_token_create, scim_token_revoke

pytestmark = pytest.mark.django_db
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture
def org():
    return Organisation.objects.create(name="Example", domain="example.com")


@pytest.fixture
def scim(org):
    _, token = scim_token_create(organisation=org, label="Okta")

    class Scim:
        raw = token

        def __init__(self):
            self.client = Client()

        def call(self, method, path, body=None, token=None):
            return getattr(self.client, method)(
                f"/scim/v2/{path}",
                data=json.dumps(body) if body is not None else None,
                content_type="application/scim+json",
                headers={"Authorization": f"Bearer {token or self.raw}"},
            )

    return Scim()


def _user(user_name, name="Someone", manager=None, active=True):
    body = {
        "schemas": [USER, ENTERPRISE],
        "userName": user_name,
        "name": {"givenName": name.split()[0], "familyName": name.split()[-1]},
        "emails": [{"value": user_name, "primary": True, "type": "work"}],
        "active": active,
    }
    if manager:
        body[ENTERPRISE] = {"manager": {"value": manager}}
    return body


def test_create_invites_the_person(scim, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = scim.call("post", "Users", _user("ann@example.com", "Ann Example"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["userName"] == "ann@example.com"
    user = User.objects.get(email="ann@example.com")
    assert user.name == "Ann Example"
    assert not user.has_usable_password()
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
    assert "/accounts/password/reset/" in mail.outbox[0].body
    assert ProvisioningEvent.objects.filter(kind="created", subject="ann@example.com").exists()
    found = scim.call("get", 'Users?filter=userName eq "ann@example.com"').json()
    assert found["totalResults"] == 1
    assert found["Resources"][0]["id"] == body["id"]


def test_a_manager_link_only_suggests_a_share(scim):
    boss = scim.call("post", "Users", _user("boss@example.com", "Big Boss")).json()
    ann = scim.call("post", "Users", _user("ann@example.com", "Ann Example")).json()
    response = scim.call(
        "patch",
        f"Users/{ann['id']}",
        {"schemas": [PATCH], "Operations": [{"op": "add", "path": f"{ENTERPRISE}:manager", "value": boss["id"]}]},
    )
    assert response.status_code == 200, response.content
    assert response.json()[ENTERPRISE]["manager"]["value"] == boss["id"]
    engineer = User.objects.get(email="ann@example.com")
    assert not Share.objects.filter(engineer=engineer).exists()  # nothing is visible
    suggestion = ShareSuggestion.objects.get(engineer=engineer)
    assert suggestion.manager.email == "boss@example.com"

    # The engineer sees the suggestion and accepts: an ordinary invitation to the manager.
    client = Client()
    client.force_login(engineer)
    assert "Your directory names Big Boss" in client.get("/home/").content.decode()
    client.post(f"/identity/suggestions/{suggestion.pk}/", {"decision": "accept"})
    share = Share.objects.get(engineer=engineer)
    assert (share.email, share.relation, share.status) == ("boss@example.com", "manager", Share.Status.PENDING)


def test_declining_a_suggestion_shares_nothing(scim):
    boss = scim.call("post", "Users", _user("boss@example.com")).json()
    scim.call("post", "Users", _user("ann@example.com", manager=boss["id"]))
    engineer = User.objects.get(email="ann@example.com")
    suggestion = ShareSuggestion.objects.get(engineer=engineer)
    client = Client()
    client.force_login(engineer)
    client.post(f"/identity/suggestions/{suggestion.pk}/", {"decision": "decline"})
    suggestion.refresh_from_db()
    assert suggestion.status == ShareSuggestion.Status.DECLINED
    assert not Share.objects.filter(engineer=engineer).exists()


def test_another_engineer_cannot_decide_someone_elses_suggestion(scim):
    boss = scim.call("post", "Users", _user("boss@example.com")).json()
    scim.call("post", "Users", _user("ann@example.com", manager=boss["id"]))
    suggestion = ShareSuggestion.objects.get()
    client = Client()
    client.force_login(UserFactory())
    assert client.post(f"/identity/suggestions/{suggestion.pk}/", {"decision": "accept"}).status_code == 404
    assert not Share.objects.exists()


def test_deactivation_ends_sessions_and_shares_at_once_with_the_other_side_told(scim):
    ann = scim.call("post", "Users", _user("ann@example.com", "Ann Example")).json()
    engineer = User.objects.get(email="ann@example.com")
    manager, mentee = UserFactory(name="The Manager"), UserFactory(name="A Mentee")
    ShareFactory(engineer=engineer, person=manager, manager=True)
    ShareFactory(engineer=mentee, person=engineer)
    phone, laptop, other = Client(), Client(), Client()
    phone.force_login(engineer)
    laptop.force_login(engineer)
    other.force_login(manager)
    assert Session.objects.count() == 3

    response = scim.call(
        "patch",
        f"Users/{ann['id']}",
        {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False}}]},
    )
    assert response.status_code == 200
    assert response.json()["active"] is False
    assert Session.objects.count() == 1  # only the manager's own session is left
    assert phone.get("/home/").status_code == 302
    assert not Share.objects.filter(status=Share.Status.ACTIVE).exists()
    assert Notification.objects.filter(recipient=manager, kind="share_ended").exists()
    assert Notification.objects.filter(recipient=mentee, kind="share_ended").exists()
    engineer.refresh_from_db()
    assert not engineer.is_active


def test_reactivation_lets_them_back_in_without_reviving_shares(scim):
    ann = scim.call("post", "Users", _user("ann@example.com")).json()
    engineer = User.objects.get(email="ann@example.com")
    ShareFactory(engineer=engineer, person=UserFactory(), manager=True)
    assert scim.call("delete", f"Users/{ann['id']}").status_code == 204
    response = scim.call(
        "patch",
        f"Users/{ann['id']}",
        {"schemas": [PATCH], "Operations": [{"op": "Replace", "path": "active", "value": "True"}]},
    )
    assert response.status_code == 200
    assert response.json()["active"] is True
    engineer.refresh_from_db()
    assert engineer.is_active
    assert not Share.objects.filter(engineer=engineer, status=Share.Status.ACTIVE).exists()


def test_put_replaces_the_user(scim):
    ann = scim.call("post", "Users", _user("ann@example.com", "Ann Example")).json()
    response = scim.call("put", f"Users/{ann['id']}", _user("ann@example.com", "Ann Married"))
    assert response.status_code == 200
    assert User.objects.get(email="ann@example.com").name == "Ann Married"


@pytest.mark.parametrize("token", ["", "tscim_wrong", "not-even-a-prefix"])
def test_a_bad_token_is_refused(scim, token):
    response = scim.call("get", "Users", token=token or " ")
    assert response.status_code == 401
    assert response.json()["status"] == "401"


def test_a_revoked_token_is_refused(scim, org):
    token = org.scim_tokens.get()
    scim_token_revoke(token=token)
    assert scim.call("get", "Users").status_code == 401


def test_a_token_sees_only_its_own_organisation(scim):
    ann = scim.call("post", "Users", _user("ann@example.com")).json()
    other = Organisation.objects.create(name="Other", domain="other.test")
    _, other_token = scim_token_create(organisation=other, label="x")
    assert scim.call("get", f"Users/{ann['id']}", token=other_token).status_code == 404
    assert scim.call("get", "Users", token=other_token).json()["totalResults"] == 0
    # Nor may it provision people of a domain it does not own.
    refused = scim.call("post", "Users", _user("eve@example.com"), token=other_token)
    assert refused.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        [],
        {"userName": "ann@example.com"},  # no schemas
        {"schemas": [USER]},  # no userName
        {"schemas": [USER], "userName": "ann@example.com", "active": "maybe"},
        {"schemas": [USER], "userName": "ann@example.com", "emails": "ann@example.com"},
    ],
)
def test_a_malformed_payload_is_refused_with_a_scim_error(scim, body):
    response = scim.client.post(
        "/scim/v2/Users",
        data=body if isinstance(body, str) else json.dumps(body),
        content_type="application/scim+json",
        headers={"Authorization": f"Bearer {scim.raw}"},
    )
    assert response.status_code == 400
    assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert not DirectoryEntry.objects.exists()


def test_a_malformed_patch_is_refused(scim):
    ann = scim.call("post", "Users", _user("ann@example.com")).json()
    for body in ({"Operations": []}, {"schemas": [PATCH], "Operations": [{"op": "explode"}]}):
        assert scim.call("patch", f"Users/{ann['id']}", body).status_code == 400


def test_an_unsupported_filter_is_refused(scim):
    response = scim.call("get", 'Users?filter=emails co "x"')
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidFilter"
