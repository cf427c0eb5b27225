"""A bad value typed into each form with an htmx preview or an in-place save: the message shows beside the
field and the page stays whole (its navigation, its form and what was typed).

DEBUG is on here, as on a developer's machine, where django-htmx's script used to swap a 400 answer in
for the whole document; the same must hold with it off, which every other browser test covers.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.test_roadmap import MARK, STILL_HERE, _sign_in
from tests.factories import UserFactory
from tests.roadmaps.factories import finished_assessment, roadmap_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True


@pytest.fixture
def engineer(framework_db):
    return UserFactory(name="Robin Roadmap")


def _no_script_page(browser):
    # axe needs JavaScript, so these pages are checked by the tests above, with it on, in the same states.
    page = browser.new_context(java_script_enabled=False).new_page()
    page.set_default_timeout(10_000)
    return page


def _page_is_whole(page, heading: str) -> None:
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert page.evaluate(STILL_HERE) == "still here", "the page was replaced or reloaded"


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize(
    ("typed", "message"),
    [("0", "Give at least 1 hour a week."), ("41", "40 hours a week is the most"), ("", "Enter the hours")],
)
def test_bad_hours_on_a_new_roadmap_are_reported_beside_the_field(live_server, page, engineer, typed, message, width):
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
    assessment = finished_assessment(engineer)
    _sign_in(page, live_server, engineer)
    page.goto(f"{live_server.url}/roadmap/new/?assessment={assessment.pk}")
    page.evaluate(MARK)
    hours = page.get_by_label("Hours a week you can give")
    hours.fill(typed)

    expect(page.locator("#id_hours_per_week_error")).to_contain_text(message)
    _page_is_whole(page, "Create your roadmap")
    expect(hours).to_have_value(typed)
    expect(hours).to_be_focused()  # the field stays where the person is typing
    assert_no_axe_violations(page)

    hours.fill("8")
    expect(page.locator("#id_hours_per_week_error")).to_be_empty()
    expect(page.locator("#preview")).to_contain_text("8 h a week")


def test_bad_months_in_a_replan_preview_are_reported_beside_the_field(live_server, page, engineer):
    roadmap = roadmap_for(engineer)
    _sign_in(page, live_server, engineer)
    page.goto(f"{live_server.url}/roadmap/{roadmap.pk}/replan/")
    page.evaluate(MARK)
    page.get_by_label("Over how many months").fill("13")
    expect(page.locator("#id_months_error")).to_contain_text("A plan covers at most 12 months")
    _page_is_whole(page, "Re-plan your roadmap")


@pytest.mark.parametrize("width", [1366, 390])
def test_a_bad_evidence_link_is_reported_beside_the_field_on_its_card(live_server, page, engineer, width):
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
    roadmap = roadmap_for(engineer)
    item = roadmap.items.order_by("month", "position").first()
    _sign_in(page, live_server, engineer)
    page.goto(f"{live_server.url}/roadmap/{roadmap.pk}/")
    page.evaluate(MARK)
    card = page.locator(f"#item-{item.pk}")
    card.get_by_text("Notes, evidence and month").click()
    link = card.get_by_label("Add an evidence link")
    link.fill("javascript:alert(1)")
    card.get_by_role("button", name="Add link").click()

    expect(page.locator(f"#link-{item.pk}-error")).to_contain_text("Not added: enter a full web address")
    _page_is_whole(page, "Your roadmap")
    expect(card.get_by_label("Add an evidence link")).to_have_value("javascript:alert(1)")
    assert not item.links.exists()
    assert_no_axe_violations(page)


def test_without_javascript_a_bad_link_shows_the_editor_with_the_message(live_server, browser, engineer):
    page = _no_script_page(browser)
    roadmap = roadmap_for(engineer)
    item = roadmap.items.order_by("month", "position").first()
    _sign_in(page, live_server, engineer)
    page.goto(f"{live_server.url}/roadmap/{roadmap.pk}/items/{item.pk}/edit/")
    page.get_by_label("Add an evidence link").fill("javascript:alert(1)")
    page.get_by_role("button", name="Add link").click()
    expect(page.locator(f"#link-{item.pk}-error")).to_contain_text("Not added")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_label("Add an evidence link")).to_have_value("javascript:alert(1)")


def test_without_javascript_bad_hours_show_the_page_with_the_message_beside_the_field(live_server, browser, engineer):
    page = _no_script_page(browser)
    assessment = finished_assessment(engineer)
    _sign_in(page, live_server, engineer)
    page.goto(f"{live_server.url}/roadmap/new/?assessment={assessment.pk}")
    page.get_by_label("Hours a week you can give").fill("41")
    page.get_by_role("button", name="Update preview").click()
    expect(page.locator("#id_hours_per_week_error")).to_contain_text("40 hours a week")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your roadmap")


# Refused inputs of the identity pages: no htmx, a full page back with the message on its field (422).

SSO_PROVIDER = {
    "id": "testidp",
    "name": "Test IdP",
    "server_url": "https://idp.example.test",
    "client_id": "c",
    "secret": "s",
    "domains": ["example.com"],
}


@pytest.mark.parametrize("width", [1366, 390])
def test_signing_up_with_an_sso_only_address_says_why_beside_the_email(live_server, page, settings, width):
    import json

    from transition.identity.config import social_providers_from_env
    from transition.identity.models import Organisation

    settings.SOCIALACCOUNT_PROVIDERS = social_providers_from_env({"SSO_OIDC_PROVIDERS": json.dumps([SSO_PROVIDER])})
    Organisation.objects.create(name="Example", domain="example.com", sso_only=True)
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Name").fill("Sam Example")
    page.get_by_label("Email address").fill("sam@example.com")
    page.get_by_label("Password:", exact=True).fill("a-long-unusual-passphrase")
    page.get_by_label("Password confirmation").fill("a-long-unusual-passphrase")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#id_email_error")).to_contain_text("single sign-on only")
    expect(page.get_by_role("button", name="Sign in with Test IdP")).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_value("sam@example.com")
    assert_no_axe_violations(page)


@pytest.fixture
def org_admin(live_server, page):
    from transition.identity.models import Organisation

    admin = UserFactory(name="Org Admin", email="admin@elsewhere.test", is_staff=True)
    _sign_in(page, live_server, admin)
    return Organisation.objects.create(name="Example", domain="example.com")


def _upload(page, live_server, org, name: str, data: bytes) -> None:
    page.goto(f"{live_server.url}/identity/organisations/{org.pk}/import/")
    page.get_by_label("CSV file").set_input_files({"name": name, "mimeType": "text/csv", "buffer": data})
    page.get_by_role("button", name="Preview").click()


@pytest.mark.parametrize("width", [1366, 390])
def test_a_bad_directory_file_is_reported_beside_the_file_field(live_server, page, org_admin, width):
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
    _upload(page, live_server, org_admin, "people.csv", "user_name,email\nann,Müller\n".encode("latin-1"))
    expect(page.locator("#id_file_error")).to_contain_text("not UTF-8")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import people from a CSV file")
    assert_no_axe_violations(page)


@pytest.mark.parametrize("width", [1366, 390])
def test_row_errors_are_listed_with_their_numbers_and_nothing_can_be_applied(live_server, page, org_admin, width):
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
    data = b"user_name,email,name\nann@example.com,ann@example.com,Ann\neve@other.test,eve@other.test,Eve\n"
    _upload(page, live_server, org_admin, "people.csv", data)
    expect(page.get_by_test_id("import-errors")).to_contain_text("Row 3 (eve@other.test)")
    expect(page.get_by_role("button", name="Import")).to_have_count(0)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("width", [1366, 390])
def test_a_directory_file_is_previewed_then_imported(live_server, page, org_admin, width):
    from transition.accounts.models import User

    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
    data = (
        b"user_name,email,name,manager\n"
        b"ann@example.com,ann@example.com,Ann Example,boss@example.com\nboss@example.com,boss@example.com,Big Boss,\n"
    )
    _upload(page, live_server, org_admin, "people.csv", data)
    expect(page.get_by_test_id("import-summary")).to_contain_text("2 to create and invite")
    assert_no_axe_violations(page)
    assert not User.objects.filter(email="ann@example.com").exists()
    page.get_by_role("button", name="Import 2 changes").click()
    expect(page.locator(".message-success")).to_contain_text("Imported 2 rows")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Example")
    assert User.objects.filter(email="ann@example.com").exists()
