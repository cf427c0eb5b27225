"""The roadmap pages: creating one (with its preview), the roadmap itself, the printable page, and who may see them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from roadmaps import services
from roadmaps.models import EvidenceLink, Roadmap, RoadmapItem, add_months, month_start
from tests.factories import AssessmentFactory, ShareFactory, UserFactory
from tests.roadmaps.conftest import HTMX, find, parse, text
from tests.roadmaps.factories import NEARLY_READY, finished_assessment, roadmap_for

NEW = reverse("roadmaps:new")


def _this_month():
    return month_start(timezone.localdate())


# --- Creating a roadmap from the results ---------------------------------------------------------


def test_results_page_offers_to_create_a_roadmap_from_those_results(engineer_client, engineer):
    assessment = finished_assessment(engineer)
    response = engineer_client.get(reverse("assessments:results", args=[assessment.pk]))
    assert f'href="{NEW}?assessment={assessment.pk}"' in response.content.decode()


def test_new_roadmap_page_previews_the_plan_at_5_hours_over_6_months(engineer_client, engineer):
    assessment = finished_assessment(engineer)
    response = engineer_client.get(NEW, {"assessment": assessment.pk})
    assert response.status_code == 200
    page = parse(response.content)
    assert dict(find(page, "id_hours_per_week").attributes)["value"] == "5"
    assert dict(find(page, "id_months").attributes)["value"] == "6"
    preview = text(find(page, "preview"))
    assert "5 h a week" in preview
    assert "Month 6" in preview
    assert "Month 7" not in preview
    assert not Roadmap.objects.exists(), "a preview saves nothing"


def test_new_roadmap_page_uses_the_latest_results_when_none_is_named(engineer_client, engineer):
    finished_assessment(engineer, levels=NEARLY_READY)
    response = engineer_client.get(NEW)
    assert response.status_code == 200
    # Nearly ready: no gap work, only making the move.
    assert "Every gap is covered." in text(find(parse(response.content), "preview"))


def test_changing_the_numbers_with_htmx_returns_only_the_preview_as_a_full_page_would_show_it(
    engineer_client, engineer
):
    assessment = finished_assessment(engineer)
    query = {"assessment": assessment.pk, "hours_per_week": 10, "months": 3}

    partial = engineer_client.get(NEW, query, headers=HTMX)
    full = engineer_client.get(NEW, query)

    assert partial.status_code == full.status_code == 200
    fragment = find(parse(partial.content), "preview")
    assert fragment is not None
    assert fragment.name == "section"
    assert "<html" not in partial.content.decode()
    assert fragment == find(parse(full.content), "preview")
    assert "10 h a week" in text(fragment)
    assert "Month 3" in text(fragment)
    assert "Month 4" not in text(fragment)
    assert not Roadmap.objects.exists()


@pytest.mark.parametrize("value", ["²", "١٢", "x"])
def test_an_assessment_id_that_is_not_a_plain_number_is_not_found(engineer_client, engineer, value):
    finished_assessment(engineer)
    assert engineer_client.get(NEW, {"assessment": value}).status_code == 404


def test_saving_twice_at_once_lands_on_the_one_roadmap_without_an_error(engineer_client, engineer, monkeypatch):
    assessment = finished_assessment(engineer)
    create = services.roadmap_create

    def other_tab_first(**kwargs):
        create(**kwargs)  # the other request's save lands while this one is on its way
        return create(**kwargs)

    monkeypatch.setattr(services, "roadmap_create", other_tab_first)
    response = engineer_client.post(NEW, {"assessment": assessment.pk, "hours_per_week": 5, "months": 6}, follow=True)

    roadmap = Roadmap.objects.get(owner=engineer)
    assert response.redirect_chain == [(reverse("roadmaps:detail", args=[roadmap.pk]), 302)]
    assert "Your roadmap was already saved" in response.content.decode()


def test_a_boosted_or_history_restore_request_gets_the_whole_new_page(engineer_client, engineer):
    finished_assessment(engineer)
    for extra in ({"HX-Boosted": "true"}, {"HX-History-Restore-Request": "true"}):
        response = engineer_client.get(NEW, headers={**HTMX, **extra})
        assert "<html" in response.content.decode()


@pytest.mark.parametrize(
    ("hours", "months", "message"),
    [
        ("0", "6", "Give at least 1 hour a week."),
        ("1000", "6", "40 hours a week is the most a plan can assume."),
        ("five", "6", "Enter a whole number of hours, like 5."),
        ("5", "2", "A plan covers at least 3 months."),
        ("5", "13", "A plan covers at most 12 months; re-plan after that."),
    ],
)
def test_bad_numbers_in_the_htmx_preview_answer_422_with_the_message_in_the_fragment(
    engineer_client, engineer, hours, months, message
):
    assessment = finished_assessment(engineer)
    query = {"assessment": assessment.pk, "hours_per_week": hours, "months": months}
    response = engineer_client.get(NEW, query, headers=HTMX)
    assert response.status_code == 422
    assert "<html" not in response.content.decode()
    assert message in text(parse(response.content))


@pytest.mark.parametrize(
    ("hours", "message"), [("0", "Give at least 1 hour a week."), ("41", "40 hours a week"), ("", "Enter the hours")]
)
def test_a_bad_number_in_the_htmx_preview_is_sent_to_the_slot_beside_its_field(
    engineer_client, engineer, hours, message
):
    assessment = finished_assessment(engineer)
    query = {"assessment": assessment.pk, "hours_per_week": hours, "months": "6"}
    response = engineer_client.get(NEW, query, headers=HTMX)
    # 422, not 400: with DEBUG on, django-htmx's script swaps a 400 answer in for the whole document.
    assert response.status_code == 422
    slot = find(parse(response.content), "id_hours_per_week_error")
    assert slot is not None
    assert ("hx-swap-oob", "true") in slot.attributes
    assert message in text(slot)
    assert text(find(parse(response.content), "id_months_error")) == ""  # a fixed field's message is cleared


def test_a_bad_number_without_javascript_shows_the_page_with_the_message_beside_its_field(engineer_client, engineer):
    assessment = finished_assessment(engineer)
    response = engineer_client.get(NEW, {"assessment": assessment.pk, "hours_per_week": "41", "months": "6"})
    assert response.status_code == 422
    page = parse(response.content)
    assert "40 hours a week" in text(find(page, "id_hours_per_week_error"))
    assert find(page, "main") is not None  # the whole page, navigation and all
    field = find(page, "id_hours_per_week")
    assert field is not None
    assert ("aria-describedby", "id_hours_per_week_helptext id_hours_per_week_error") in (field.attributes)


@pytest.mark.parametrize(("hours", "message"), [("0", "Give at least 1 hour a week."), ("1000", "40 hours a week")])
def test_saving_with_hours_out_of_range_saves_nothing_and_says_why(engineer_client, engineer, hours, message):
    assessment = finished_assessment(engineer)
    response = engineer_client.post(NEW, {"assessment": assessment.pk, "hours_per_week": hours, "months": "6"})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Roadmap.objects.exists()


def test_saving_creates_the_roadmap_with_the_numbers_chosen_and_opens_it(engineer_client, engineer):
    assessment = finished_assessment(engineer)
    response = engineer_client.post(
        NEW, {"assessment": assessment.pk, "hours_per_week": "8", "months": "4"}, follow=True
    )
    roadmap = Roadmap.objects.get(owner=engineer)
    assert response.redirect_chain == [(reverse("roadmaps:detail", args=[roadmap.pk]), 302)]
    assert (roadmap.hours_per_week, roadmap.months, roadmap.assessment) == (8, 4, assessment)
    assert "Your roadmap is ready" in response.content.decode()
    assert roadmap.items.exists()


def test_saving_from_a_second_tab_opens_the_replan_instead_of_a_second_roadmap(engineer_client, engineer):
    assessment = finished_assessment(engineer)
    data = {"assessment": assessment.pk, "hours_per_week": "5", "months": "6"}
    engineer_client.post(NEW, data)
    roadmap = Roadmap.objects.get(owner=engineer)
    items = list(roadmap.items.values_list("pk", "action_slug", "month"))

    response = engineer_client.post(NEW, data)

    assert response.status_code == 302
    assert response["Location"] == reverse("roadmaps:replan", args=[roadmap.pk]) + f"?assessment={assessment.pk}"
    assert Roadmap.objects.count() == 1
    assert list(roadmap.items.values_list("pk", "action_slug", "month")) == items


def test_without_finished_results_the_new_page_leads_to_the_assessment(engineer_client, engineer):
    AssessmentFactory(owner=engineer, quick=True)  # started, not finished
    response = engineer_client.get(NEW, follow=True)
    assert response.redirect_chain[-1][0] == reverse("assessments:start")
    assert "Finish an assessment first" in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_roadmap_cannot_be_made_from_someone_elses_results(engineer_client, engineer, method):
    finished_assessment(engineer)
    theirs = finished_assessment()
    data = {"assessment": theirs.pk, "hours_per_week": "5", "months": "6"}
    response = getattr(engineer_client, method)(NEW, data)
    assert response.status_code == 404
    assert not Roadmap.objects.exists()


def test_roadmap_home_leads_to_the_assessment_then_the_new_roadmap_then_the_roadmap(engineer_client, engineer):
    home = reverse("roadmaps:home")
    assert "Take the assessment first" in engineer_client.get(home).content.decode()
    finished_assessment(engineer)
    assert engineer_client.get(home)["Location"] == NEW
    engineer_client.post(NEW, {"hours_per_week": "5", "months": "6"})
    roadmap = Roadmap.objects.get(owner=engineer)
    assert engineer_client.get(home)["Location"] == reverse("roadmaps:detail", args=[roadmap.pk])


# --- The roadmap page --------------------------------------------------------------------------------


def test_roadmap_page_shows_every_month_with_its_items_and_progress(engineer_client, roadmap):
    response = engineer_client.get(reverse("roadmaps:detail", args=[roadmap.pk]))
    assert response.status_code == 200
    page = parse(response.content)
    items = list(roadmap.items.all())
    assert f"0% done — 0 of {len(items)} actions" in text(find(page, "roadmap-progress"))
    for number in range(1, roadmap.months + 1):
        date = roadmap.month_date(number)
        # An item that runs over several months counts in each, with its share of the hours there;
        # its card is drawn in the month it starts in.
        in_month = [i for i in items if i.runs_in(date)]
        month = find(page, f"month-{number}")
        assert f"Month {number}" in text(month)
        hours = sum(i.hours_in(date) for i in in_month)
        assert text(find(page, f"month-progress-{number}")) == f"0 of {len(in_month)} done · {hours} h"
        for item in in_month:
            assert find(month, f"item-{item.pk}") is not None if item.month == date else item.title in text(month)


def test_each_item_shows_done_when_why_it_is_there_and_a_citation(engineer_client, roadmap):
    item = roadmap.items.first()
    services.item_set_notes(item=item, notes="Chose the search feature.")
    services.item_link_add(item=item, url="https://example.com/evals")
    services.item_set_status(item=item, status=RoadmapItem.Status.DONE)
    response = engineer_client.get(reverse("roadmaps:detail", args=[roadmap.pk]))
    card = find(parse(response.content), f"item-{item.pk}")
    shown = text(card)
    assert item.title in shown
    assert f"Done when: {item.done_when}" in shown
    assert f"Why it is here: {item.reason}" in shown
    assert item.sources[0]["quote"] in shown
    assert f"done {timezone.localdate():%-d %b %Y}" in shown
    assert "Chose the search feature." in response.content.decode()
    assert 'href="https://example.com/evals"' in response.content.decode()


def test_this_months_focus_lists_open_items_of_this_month(engineer_client, roadmap):
    this_month = list(roadmap.items.filter(month=_this_month()))
    services.item_set_status(item=this_month[0], status=RoadmapItem.Status.DONE)
    services.item_set_status(item=this_month[1], status=RoadmapItem.Status.DOING)
    response = engineer_client.get(reverse("roadmaps:detail", args=[roadmap.pk]))
    focus = text(find(parse(response.content), "focus-panel"))
    assert this_month[0].title not in focus
    assert f"{this_month[1].title} · doing" in focus
    for item in this_month[2:]:
        assert f"{item.title} · to do" in focus
    later = roadmap.items.exclude(month=_this_month()).first()
    assert later.title not in focus


def test_open_items_of_past_months_are_overdue(engineer_client, roadmap):
    # A month has passed: the first month's open work is now overdue.
    for item in roadmap.items.all():
        item.month = add_months(item.month, -1)
        item.end_month = add_months(item.last_month, -1)
        item.save(update_fields=["month", "end_month"])
    Roadmap.objects.filter(pk=roadmap.pk).update(start_month=add_months(roadmap.start_month, -1))
    last_month = list(roadmap.items.filter(month=add_months(_this_month(), -1)))
    services.item_set_status(item=last_month[0], status=RoadmapItem.Status.DONE)
    services.item_set_status(item=last_month[1], status=RoadmapItem.Status.SKIPPED)

    response = engineer_client.get(reverse("roadmaps:detail", args=[roadmap.pk]))
    page = parse(response.content)
    overdue = text(find(page, "overdue-panel"))
    assert last_month[0].title not in overdue
    assert last_month[1].title not in overdue
    for item in last_month[2:]:
        assert item.title in overdue
    assert "this month" in text(find(page, "month-2"))


def test_skipped_items_do_not_count_towards_progress(engineer_client, roadmap):
    items = list(roadmap.items.filter(month=_this_month()))
    services.item_set_status(item=items[0], status=RoadmapItem.Status.DONE)
    services.item_set_status(item=items[1], status=RoadmapItem.Status.SKIPPED)
    total = roadmap.items.count() - 1
    response = engineer_client.get(reverse("roadmaps:detail", args=[roadmap.pk]))
    page = parse(response.content)
    assert f"done — 1 of {total} actions" in text(find(page, "roadmap-progress"))
    assert text(find(page, "month-progress-1")).startswith(f"1 of {len(items) - 1} done")


def test_an_htmx_request_for_the_roadmap_page_gets_the_whole_page(engineer_client, roadmap):
    response = engineer_client.get(reverse("roadmaps:detail", args=[roadmap.pk]), headers=HTMX)
    assert response.status_code == 200
    assert "<html" in response.content.decode()


def test_printable_page_lists_every_month_and_item(engineer_client, roadmap):
    response = engineer_client.get(reverse("roadmaps:print", args=[roadmap.pk]))
    assert response.status_code == 200
    shown = text(parse(response.content))
    assert "0% done" in shown
    for number in range(1, roadmap.months + 1):
        assert f"Month {number} · {roadmap.month_date(number):%B %Y}" in shown
    for item in roadmap.items.all():
        assert item.title in shown
        assert item.done_when in shown


def test_printable_months_count_what_their_rows_show_skipped_included(engineer_client, roadmap):
    first, second = roadmap.items.filter(month=roadmap.start_month).order_by("position")[:2]
    RoadmapItem.objects.filter(pk=first.pk).update(status="done")
    RoadmapItem.objects.filter(pk=second.pk).update(status="skipped")
    rows = roadmap.items.filter(month=roadmap.start_month).count()
    shown = text(parse(engineer_client.get(reverse("roadmaps:print", args=[roadmap.pk])).content))
    assert f"(1 of {rows - 1} done, 1 skipped," in shown


# --- Query budgets -------------------------------------------------------------------------------

# Session, user (with the header's counts), roadmap, items, their links, comments: whatever the size.
PAGE_QUERIES = 6


def _small():
    return roadmap_for(levels=NEARLY_READY)  # three make-the-move steps


def _large():
    return roadmap_for(hours_per_week=40, months=12)  # every gap: dozens of items


@pytest.fixture(params=[_small, _large], ids=["small", "large"])
def sized_roadmap(request, framework_db):
    roadmap = request.param()
    for item in roadmap.items.all()[:3]:
        services.item_link_add(item=item, url=f"https://example.com/{item.pk}")
        services.item_set_status(item=item, status=RoadmapItem.Status.DONE)
    return roadmap


def test_the_sizes_compared_are_small_and_large(framework_db):
    assert _small().items.count() <= 5 < 25 <= _large().items.count()


@pytest.mark.parametrize("name", ["detail", "print"])
def test_roadmap_pages_take_the_same_queries_whatever_the_number_of_items(
    client, sized_roadmap, name, django_assert_num_queries
):
    client.force_login(sized_roadmap.owner)
    url = reverse(f"roadmaps:{name}", args=[sized_roadmap.pk])
    # The printable page has no comments but names the owner.
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200


# --- Who may see and change a roadmap -------------------------------------------------------------

ROADMAP_URLS = [
    ("get", "detail"),
    ("get", "replan"),
    ("post", "replan"),
    ("get", "print"),
    ("get", "export_json"),
    ("get", "calendar"),
    ("post", "item_update"),
    ("post", "link_add"),
    ("post", "link_delete"),
]


def _url(name: str, roadmap: Roadmap) -> str:
    item = roadmap.items.first()
    if name in ("item_update", "link_add"):
        return reverse(f"roadmaps:{name}", args=[roadmap.pk, item.pk])
    if name == "link_delete":
        return reverse(f"roadmaps:{name}", args=[roadmap.pk, EvidenceLink.objects.get(item=item).pk])
    return reverse(f"roadmaps:{name}", args=[roadmap.pk])


def _state(roadmap: Roadmap) -> tuple:
    roadmap.refresh_from_db()
    items = RoadmapItem.objects.filter(roadmap=roadmap).values_list("pk", "month", "status", "pinned", "notes")
    return roadmap.version, roadmap.hours_per_week, list(items), list(EvidenceLink.objects.values_list("pk", "url"))


DATA = {
    "status": "done",
    "notes": "hijacked",
    "url": "https://example.com/x",
    "hours_per_week": "20",
    "months": "6",
    "version": "1",
}


@pytest.mark.parametrize(("method", "name"), ROADMAP_URLS)
@pytest.mark.parametrize("who", ["stranger", "manager", "mentor"])
def test_other_engineer_gets_404_for_roadmap(client, roadmap, method, name, who):
    services.item_link_add(item=roadmap.items.first(), url="https://example.com/evidence")
    other = roadmap_for().owner  # has a roadmap of their own
    if who != "stranger":
        ShareFactory(engineer=roadmap.owner, person=other, relation=who)
    before = _state(roadmap)
    client.force_login(other)

    for headers in ({}, HTMX):
        response = getattr(client, method)(_url(name, roadmap), DATA if method == "post" else None, headers=headers)
        assert response.status_code == 404

    assert _state(roadmap) == before


@pytest.mark.parametrize(("method", "name"), ROADMAP_URLS)
def test_signed_out_visitors_are_sent_to_sign_in(client, roadmap, method, name):
    services.item_link_add(item=roadmap.items.first(), url="https://example.com/evidence")
    before = _state(roadmap)
    response = getattr(client, method)(_url(name, roadmap), DATA if method == "post" else None)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert _state(roadmap) == before


def test_a_roadmap_that_does_not_exist_is_404(engineer_client, roadmap):
    assert engineer_client.get(reverse("roadmaps:detail", args=[roadmap.pk + 1000])).status_code == 404


def test_nobody_else_is_led_to_someone_elses_roadmap(client, roadmap):
    other = UserFactory()
    client.force_login(other)
    response = client.get(reverse("roadmaps:home"))
    assert response.status_code == 200, "no redirect to the only roadmap there is"
    assert "Take the assessment first" in response.content.decode()
