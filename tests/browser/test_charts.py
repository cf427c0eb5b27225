"""Every chart: there, named (an image with a title), with its numbers in text, drawn without JavaScript,
free of axe violations and no wider than a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from assessments.models import Competency
from assessments.services import manager_rating_save
from tests.browser.axe import assert_no_axe_violations
from tests.factories import PASSWORD, ShareFactory, UserFactory, finished_assessment
from tests.team import factories as tf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [(1366, 900), (390, 844)]
PHONE = 390


@pytest.fixture
def world(framework_db):
    """A manager; Sam, who shares with them, has three finished assessments and two of their ratings."""
    manager = UserFactory(name="Mia Manager", email="mia@example.com")
    sam = UserFactory(name="Sam Engineer", email="sam@example.com")
    ShareFactory(engineer=sam, person=manager, manager=True)
    finished_assessment(sam, 1)
    finished_assessment(sam, 2)
    latest = finished_assessment(sam, 3)
    for slug, level in (("mentoring", 4), ("saying-no", 1)):
        competency = Competency.objects.get(slug=slug)
        manager_rating_save(engineer=sam, manager=manager, competency=competency, level=level, comment="")
    tf.report(manager, 2, name="Lee Other")
    return manager, sam, latest


def sign_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


@pytest.fixture
def without_js(browser):
    contexts = []

    def open_page(width, height):
        context = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def fits(page, width):
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= max(width, PHONE), f"{page.url} is {scroll} px wide at {width} px"


def check_results_charts(page, width):
    gauge = page.get_by_role("img", name="Readiness gauge")
    expect(gauge).to_be_visible()
    expect(page.locator(".readiness-number")).to_contain_text("% ready")
    radar = page.get_by_role(
        "img", name=re.compile(r"^Radar chart: your levels against what .+ requires, with your manager")
    )
    expect(radar).to_be_visible()
    expect(radar).to_have_count(1)  # the other layout is hidden at this width
    expect(page.locator(".level-table tbody tr")).to_have_count(Competency.objects.count())
    fit = page.get_by_role("img", name=re.compile(r"^Role fit, ranked"))
    expect(fit).to_be_visible()
    expect(page.locator(".fit-list > li")).to_have_count(5)
    assert "fit" in (fit.get_attribute("aria-labelledby") or "")


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_results_draw_a_gauge_a_radar_and_ranked_role_fit(live_server, page, without_js, world, width, height):
    _, _, latest = world
    url = f"{live_server.url}/assessments/{latest.pk}/results/"
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server, "sam@example.com")
    page.goto(url)
    check_results_charts(page, width)
    legend = page.get_by_role("list", name="Key")
    expect(legend).to_contain_text("Manager (Mia Manager)")
    # The detail behind each gap is one click away.
    details = page.locator(".gap-card details").first
    expect(details.locator("blockquote").first).to_be_hidden()
    details.locator("summary").click()
    expect(details.locator("p").first).to_be_visible()
    fits(page, width)
    assert_no_axe_violations(page)

    plain = without_js(width, height)
    sign_in(plain, live_server, "sam@example.com")
    plain.goto(url)
    check_results_charts(plain, width)
    fits(plain, width)


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_history_draws_readiness_as_a_line_and_levels_as_a_strip(live_server, page, without_js, world, width, height):
    url = f"{live_server.url}/assessments/"
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server, "sam@example.com")
    for p in (page, without_js(width, height)):
        if p is not page:
            sign_in(p, live_server, "sam@example.com")
        p.goto(url)
        line = p.get_by_role("img", name=re.compile(r"^Line chart: readiness for .+ across 3 finished assessments"))
        expect(line).to_be_visible()
        expect(line.locator("circle.line-dot")).to_have_count(3)
        strip = p.get_by_role("table", name=re.compile(r"^Readiness for .+ and the level of each competency"))
        expect(strip.locator("tbody tr")).to_have_count(Competency.objects.count() + 1)
        expect(strip.locator("tbody tr").first).to_contain_text("%")
        fits(p, width)
    assert_no_axe_violations(page)


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_a_managers_drilldown_shows_the_same_progress(live_server, page, without_js, world, width, height):
    _, sam, _ = world
    url = f"{live_server.url}/team/people/{sam.pk}/results/"
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server, "mia@example.com")
    for p in (page, without_js(width, height)):
        if p is not page:
            sign_in(p, live_server, "mia@example.com")
        p.goto(url)
        expect(p.get_by_role("heading", name="Progress of Sam Engineer")).to_be_visible()
        expect(p.get_by_role("img", name=re.compile(r"^Line chart: readiness"))).to_be_visible()
        expect(p.get_by_role("table", name=re.compile(r"^Readiness for .+ and the level"))).to_be_attached()
        # The follower's radar has no manager series: the ratings are the engineer's to see beside their own.
        expect(p.get_by_role("img", name=re.compile(r"^Radar chart: levels against what"))).to_be_visible()
        fits(p, width)
    assert_no_axe_violations(page)


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_the_dashboard_draws_each_reports_readiness_trend(live_server, page, without_js, world, width, height):
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server, "mia@example.com")
    for p in (page, without_js(width, height)):
        if p is not page:
            sign_in(p, live_server, "mia@example.com")
        p.goto(f"{live_server.url}/team/")
        spark = p.get_by_role(
            "img", name=re.compile(r"^Readiness of Sam Engineer across their last 3 assessments: \d+%, \d+%, \d+%$")
        )
        expect(spark).to_be_attached()
        expect(p.get_by_role("img", name=re.compile(r"^Readiness of Lee Other"))).to_have_count(0)  # one assessment
        fits(p, width)
    assert_no_axe_violations(page)


def test_results_stay_readable_in_print(live_server, page, world):
    _, _, latest = world
    sign_in(page, live_server, "sam@example.com")
    page.goto(f"{live_server.url}/assessments/{latest.pk}/results/")
    page.emulate_media(media="print")
    expect(page.get_by_role("img", name="Readiness gauge")).to_be_visible()
    # Printed, the detail behind every gap shows without a click.
    expect(page.locator(".gap-card details p").first).to_be_visible()
    expect(page.locator(".gap-card details summary").first).to_be_hidden()
