"""The organisation admin's CSV import: a preview of every row, then all of it or nothing; bad files said in place."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import ShareFactory, UserFactory
from transition.accounts.models import Email, Share, User
from transition.identity import services
from transition.identity.models import DirectoryEntry, Organisation, ProvisioningEvent, ShareSuggestion

pytestmark = pytest.mark.django_db

HEADER = "user_name,email,name,manager,active\n"
PEOPLE = (
    HEADER
    + "ann@example.com,ann@example.com,Ann Example,boss@example.com,1\n"
    + "boss@example.com,boss@example.com,Big Boss,,1\n"
)


@pytest.fixture
def org():
    return Organisation.objects.create(name="Example", domain="example.com")


@pytest.fixture
def admin(client):
    client.force_login(UserFactory(email="admin@elsewhere.test", is_staff=True))
    return client


def _url(org) -> str:
    return reverse("identity:organisation_import", args=[org.pk])


def _preview(client, org, text: str | bytes, name: str = "people.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(_url(org), {"action": "preview", "file": SimpleUploadedFile(name, data, "text/csv")})


def _apply(client, org, preview):
    return client.post(_url(org), {"action": "apply", "digest": preview.context["digest"]})


def test_the_page_is_for_staff_only(client, org):
    assert client.get(_url(org)).status_code == 302  # anonymous: sign in first
    client.force_login(UserFactory())
    assert client.get(_url(org)).status_code == 404
    assert _preview(client, org, PEOPLE).status_code == 404
    assert not User.objects.filter(email="ann@example.com").exists()


def test_the_organisation_page_links_to_it(admin, org):
    page = admin.get(reverse("identity:organisation", args=[org.pk])).content.decode()
    assert _url(org) in page


def test_a_preview_shows_what_each_row_would_do_and_changes_nothing(admin, org):
    existing = UserFactory(email="old@example.com", name="Old Name")
    gone = UserFactory(email="gone@example.com")
    services.directory_create(
        organisation=org, person=services.Person("gone@example.com", gone.email, "Gone"), source="scim"
    )
    events = ProvisioningEvent.objects.count()
    text = PEOPLE + "old@example.com,old@example.com,Old Name,,1\n" + "gone@example.com,gone@example.com,Gone,,0\n"

    response = _preview(admin, org, text)
    assert response.status_code == 200
    actions = {line.user_name: line.action for line in response.context["plan"].lines}
    assert actions == {
        "ann@example.com": "create",
        "boss@example.com": "create",
        "old@example.com": "link",
        "gone@example.com": "deactivate",
    }
    body = response.content.decode()
    assert "Create and invite" in body
    assert "Link the existing account" in body
    assert "Deactivate" in body
    assert "manager → boss@example.com" in body
    # Nothing happened yet.
    assert not User.objects.filter(email="ann@example.com").exists()
    assert not DirectoryEntry.objects.filter(user=existing).exists()
    assert User.objects.get(pk=gone.pk).is_active
    assert ProvisioningEvent.objects.count() == events
    assert not mail.outbox


def test_confirming_applies_the_previewed_file_and_logs_each_change(admin, org):
    preview = _preview(admin, org, PEOPLE)
    response = _apply(admin, org, preview)
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:organisation", args=[org.pk])
    ann = User.objects.get(email="ann@example.com")
    assert ShareSuggestion.objects.get(engineer=ann).manager.email == "boss@example.com"
    assert not Share.objects.exists()  # the directory suggests, never shares
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.com", "boss@example.com"]  # invitations
    kinds = list(ProvisioningEvent.objects.filter(organisation=org, source="csv").values_list("kind", flat=True))
    assert sorted(kinds) == ["created", "created", "manager"]
    page = admin.get(response["Location"]).content.decode()
    assert "Imported 2 rows: 2 created" in page
    assert "Created and invited ann@example.com" in page  # the provisioning log the page shows
    # The preview was used up: confirming again does nothing more.
    again = _apply(admin, org, preview)
    assert again.status_code == 422
    assert "upload the file again" in again.content.decode()
    assert ProvisioningEvent.objects.filter(source="csv").count() == 3


def test_importing_again_changes_only_what_changed(admin, org):
    _apply(admin, org, _preview(admin, org, PEOPLE))
    events = ProvisioningEvent.objects.count()
    preview = _preview(admin, org, PEOPLE.replace("Ann Example", "Ann Renamed"))
    assert [(line.user_name, line.action) for line in preview.context["plan"].changes] == [
        ("ann@example.com", "update")
    ]
    _apply(admin, org, preview)
    assert User.objects.get(email="ann@example.com").name == "Ann Renamed"
    assert ProvisioningEvent.objects.count() == events + 1


def test_deactivating_signs_out_and_ends_shares(admin, org, client):
    _apply(admin, org, _preview(admin, org, PEOPLE))
    ann = User.objects.get(email="ann@example.com")
    share = ShareFactory(engineer=ann, person=User.objects.get(email="boss@example.com"), manager=True)
    from django.test import Client

    ann_browser = Client()
    ann_browser.force_login(ann)
    _apply(admin, org, _preview(admin, org, HEADER + "ann@example.com,ann@example.com,Ann Example,,0\n"))
    ann.refresh_from_db()
    share.refresh_from_db()
    assert not ann.is_active
    assert share.status == Share.Status.REVOKED
    assert all(s.get_decoded().get("_auth_user_id") != str(ann.pk) for s in Session.objects.all())


def test_every_row_error_is_shown_with_its_row_number_and_nothing_is_saved(admin, org):
    taken = UserFactory(email="taken@example.com")
    other = Organisation.objects.create(name="Other", domain="other.test")
    DirectoryEntry.objects.create(organisation=other, user=taken, user_name="taken")
    text = (
        HEADER
        + "ann@example.com,ann@example.com,Ann,,1\n"  # row 2: fine on its own
        + "eve@other.test,eve@other.test,Eve,,1\n"  # row 3: another domain
        + "ann@example.com,ann2@example.com,Ann Again,,1\n"  # row 4: user name twice
        + "kim@example.com,not-an-email@,Kim,,1\n"  # row 5: not an email address
        + "lee@example.com,lee@example.com,Lee,nobody@example.com,1\n"  # row 6: no such manager
        + "max@example.com,max@example.com,Max,,maybe\n"  # row 7: active is neither 1 nor 0
        + "tak@example.com,taken@example.com,Taken,,1\n"  # row 8: provisioned elsewhere already
        + ",,,,\n"  # a blank row is skipped, not an error
    )
    response = _preview(admin, org, text)
    assert response.status_code == 422
    errors = {line.number: line.detail for line in response.context["plan"].errors}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8]
    assert "not in this organisation's domain" in errors[3]
    assert "also on row 2" in errors[4]
    assert "not a valid email" in errors[5]
    assert "No manager nobody@example.com" in errors[6]
    assert "use 1 or 0" in errors[7]
    assert "already provisioned" in errors[8]
    body = response.content.decode()
    for number in errors:
        assert f"Row {number} " in body
    assert "Nothing was imported" in body
    assert 'name="digest"' not in body  # nothing to confirm
    assert not User.objects.filter(email="ann@example.com").exists()
    assert not ProvisioningEvent.objects.filter(organisation=org).exists()


def test_a_failure_while_applying_keeps_nothing(admin, org, monkeypatch):
    preview = _preview(admin, org, PEOPLE)
    real = services.directory_set_manager

    def refuse(**kwargs):
        real(**kwargs)
        raise services.DirectoryError("the directory changed meanwhile")

    monkeypatch.setattr(services, "directory_set_manager", refuse)
    response = _apply(admin, org, preview)
    assert response.status_code == 422
    assert "the directory changed meanwhile" in response.content.decode()
    assert not User.objects.filter(email__in=["ann@example.com", "boss@example.com"]).exists()
    assert not ProvisioningEvent.objects.exists()
    assert not Email.objects.exists()  # the invitations were rolled back with the rest, before any worker saw them


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name,e-mail\nAnn,ann@example.com\n", "The first row names the columns"),
        (b"user_name,email,email\na,a@example.com,b\n", "The first row names the columns"),
        ("user_name,email\nann,Ann Müller <ann@example.com>\n".encode("latin-1"), "not UTF-8"),
        (b"user_name,email\nann\x00,ann@example.com\n", "NUL characters"),
        (b"", "The submitted file is empty"),
        ((HEADER + "a@example.com,a@example.com,A,,1\n" * (services.CSV_MAX_ROWS + 1)).encode(), "at most 20,000"),
        (HEADER.encode() + b"x" * services.CSV_MAX_BYTES, "larger than 2 MB"),
    ],
    ids=["wrong-header", "repeated-column", "latin-1", "nul", "empty", "too-many-rows", "too-large"],
)
def test_a_bad_file_is_refused_in_place_on_the_file_field(admin, org, data, message):
    response = _preview(admin, org, data)
    assert response.status_code == 422
    assert message in str(response.context["form"].errors["file"])
    body = response.content.decode()
    assert 'aria-describedby="id_file_helptext id_file_error"' in body  # the message is tied to the field
    assert not User.objects.filter(email__endswith="@example.com").exclude(is_staff=True).exists()


def test_no_file_at_all_is_refused_in_place(admin, org):
    response = admin.post(_url(org), {"action": "preview"})
    assert response.status_code == 422
    assert "file" in response.context["form"].errors


def test_a_file_without_the_manager_column_leaves_managers_alone(admin, org):
    _apply(admin, org, _preview(admin, org, PEOPLE))
    preview = _preview(admin, org, "user_name,email,name\nann@example.com,ann@example.com,Ann Example\n")
    assert preview.context["plan"].changes == []
    ann = DirectoryEntry.objects.get(user_name="ann@example.com")
    assert ann.manager.user_name == "boss@example.com"


def test_a_preview_is_for_its_own_organisation(admin, org):
    other = Organisation.objects.create(name="Other", domain="other.test")
    preview = _preview(admin, org, PEOPLE)
    response = admin.post(_url(other), {"action": "apply", "digest": preview.context["digest"]})
    assert response.status_code == 422
    assert not User.objects.filter(email="ann@example.com").exists()


def test_the_command_uses_the_same_rules_and_applies_all_or_nothing(org, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "people.csv"
    path.write_text(PEOPLE + "eve@other.test,eve@other.test,Eve,,1\n")
    with pytest.raises(CommandError, match="line 4"):
        call_command("import_directory", "example.com", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not User.objects.filter(email="ann@example.com").exists()
    path.write_bytes("user_name,email\nann,Ann Müller\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_directory", "example.com", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
