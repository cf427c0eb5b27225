from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import content, scoring
from assessments.models import Assessment
from roadmaps import services as roadmap_services
from roadmaps.models import RoadmapItem, add_months, month_start
from team.selectors import TREND_POINTS, Heatmap, parse_sort, team_heatmap
from team.views import _change, csv_safe
from tests.factories import ShareFactory, UserFactory
from tests.team import factories as tf
from transition.lib import charts

DASHBOARD = reverse("team:dashboard")
EXPORT = reverse("team:export_csv")
FRAMEWORK = content.get_framework()
SLUGS = [c.slug for c in FRAMEWORK.competencies]


@pytest.fixture
def manager(framework_db):
    return UserFactory(name="Mia Manager")


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def names_in_table(page: str) -> list[str]:
    """The people in the dashboard table, top to bottom."""
    return re.findall(r'<a href="/team/people/\d+/results/">([^<]+)</a>', page)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def heatmap_section(page: str) -> str:
    return page[page.index('id="heatmap-heading"') :]


# --- who appears ----------------------------------------------------------------------------------------


def test_only_engineers_with_an_active_manager_share_appear(manager_client, manager):
    tf.report(manager, name="Active Report")
    mentee = UserFactory(name="Mentee Only")
    ShareFactory(engineer=mentee, person=manager)
    revoked = UserFactory(name="Revoked Report")
    ShareFactory(engineer=revoked, person=manager, manager=True, revoked=True)
    pending = UserFactory(name="Pending Invite")
    ShareFactory(engineer=pending, person=manager, manager=True, pending=True)
    left = UserFactory(name="Left Report")
    ShareFactory(engineer=left, person=manager, manager=True, left=True)
    someone_elses = UserFactory(name="Other Team")
    ShareFactory(engineer=someone_elses, person=UserFactory(), manager=True)

    page = manager_client.get(DASHBOARD).content.decode()

    assert names_in_table(page) == ["Active Report"]
    for hidden in ["Revoked Report", "Pending Invite", "Left Report", "Other Team"]:
        assert hidden not in page
    assert "Mentee Only" in page.split('id="mentees-heading"')[1]  # listed apart, as someone they mentor


def test_a_mentor_without_reports_sees_the_people_they_mentor_not_an_empty_team(manager_client, manager):
    first, second = UserFactory(name="Ada Mentee"), UserFactory(name="Bo Mentee")
    ShareFactory(engineer=first, person=manager)
    ShareFactory(engineer=second, person=manager)
    page = manager_client.get(DASHBOARD).content.decode()
    assert "No one shares with you yet" not in page
    assert "Ada Mentee" in page
    assert "Bo Mentee" in page
    assert reverse("team:person_roadmap", args=[first.pk]) in page


def test_the_team_menu_item_shows_only_to_someone_people_share_with(client, manager):
    team_link = f'href="{DASHBOARD}"'
    client.force_login(manager)
    assert team_link not in client.get(reverse("home")).content.decode()
    ShareFactory(engineer=UserFactory(), person=manager)
    assert team_link in client.get(reverse("home")).content.decode()


def test_a_deactivated_account_disappears_from_the_dashboard(manager_client, manager):
    gone = tf.report(manager, name="Gone Person")
    gone.is_active = False
    gone.save()
    assert "Gone Person" not in manager_client.get(DASHBOARD).content.decode()


def test_empty_state_explains_how_engineers_share(manager_client):
    response = manager_client.get(DASHBOARD)
    page = response.content.decode()
    assert response.status_code == 200
    assert "No one shares with you yet" in page
    assert "choose “manager”" in page
    assert 'id="team-table"' not in page
    assert "Download CSV" not in page


def test_anonymous_visitors_are_sent_to_sign_in(client, framework_db):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert client.get(EXPORT).status_code == 302


# --- the figures ----------------------------------------------------------------------------------------


def test_row_shows_role_readiness_change_progress_overdue_and_activity(manager_client, manager):
    engineer = UserFactory(name="Ada Report")
    ShareFactory(engineer=engineer, person=manager, manager=True)
    first = tf.finished_assessment(engineer, 1)
    latest = tf.finished_assessment(engineer, 2)
    roadmap = tf.roadmap(engineer, latest)
    items = list(roadmap.items.all())
    roadmap_services.item_set_status(item=items[0], status=RoadmapItem.Status.DONE)
    roadmap_services.item_set_status(item=items[1], status=RoadmapItem.Status.SKIPPED)
    last_month = add_months(month_start(timezone.localdate()), -1)
    RoadmapItem.objects.filter(pk__in=[items[0].pk, items[2].pk, items[3].pk]).update(month=last_month)

    rows = csv_rows(manager_client.get(EXPORT))

    counted = len(items) - 1  # the skipped one does not count
    assert rows[1][:6] == [
        "Ada Report",
        "AI Architect",
        str(round(latest.readiness)),
        str(round(latest.readiness - first.readiness, 1)),
        str(round(100 / counted)),
        "2",  # last month's items still open; the done one is not overdue
    ]
    page = manager_client.get(DASHBOARD).content.decode()
    assert f"+{round(latest.readiness - first.readiness, 1)}" in page
    assert f"{round(latest.readiness)}%" in page


def test_change_measures_the_previous_levels_against_the_current_role(manager_client, manager):
    engineer = UserFactory(name="Role Switcher")
    ShareFactory(engineer=engineer, person=manager, manager=True)
    tf.finished_assessment(engineer, 2, role="ai-architect")
    tf.finished_assessment(engineer, 2, role="ai-product-manager")
    # Same levels, another role: readiness differs, but nothing changed.
    assert csv_rows(manager_client.get(EXPORT))[1][3] == "0.0"


def test_someone_without_results_or_roadmap_is_listed_with_blanks(manager_client, manager):
    newcomer = UserFactory(name="New Person")
    ShareFactory(engineer=newcomer, person=manager, manager=True)
    page = manager_client.get(DASHBOARD).content.decode()
    assert names_in_table(page) == ["New Person"]
    assert "no results yet" in page
    assert "no roadmap" in page
    assert csv_rows(manager_client.get(EXPORT))[1] == ["New Person", "", "", "", "", "0", ""]


def test_last_activity_is_the_latest_of_assessments_and_roadmap_items(manager_client, manager):
    engineer = tf.report(manager, name="Busy")
    long_ago = timezone.now() - timedelta(days=90)
    recently = timezone.now() - timedelta(days=2)
    Assessment.objects.filter(owner=engineer).update(updated_at=long_ago)
    RoadmapItem.objects.filter(roadmap__owner=engineer).update(updated_at=long_ago)
    RoadmapItem.objects.filter(pk=RoadmapItem.objects.filter(roadmap__owner=engineer).first().pk).update(
        updated_at=recently
    )
    row = csv_rows(manager_client.get(EXPORT))[1]
    assert row[6] == timezone.localtime(recently).strftime("%Y-%m-%d %H:%M")
    page = manager_client.get(DASHBOARD).content.decode()
    assert "stalled" not in page
    local = timezone.localtime(recently)
    assert f'<time datetime="{local.isoformat()}">{local.day} {local:%b %Y}</time>' in page


def test_no_activity_for_a_month_is_flagged_as_stalled(manager_client, manager):
    engineer = tf.report(manager, name="Quiet")
    long_ago = timezone.now() - timedelta(days=45)
    Assessment.objects.filter(owner=engineer).update(updated_at=long_ago)
    RoadmapItem.objects.filter(roadmap__owner=engineer).update(updated_at=long_ago)
    assert '<span class="badge badge-warn">stalled</span>' in manager_client.get(DASHBOARD).content.decode()


def test_a_name_with_markup_shows_as_text_in_every_cell_that_names_them(manager_client, manager):
    engineer = tf.report(manager, 1, name='<b>Bo & "Co"</b>')
    tf.finished_assessment(engineer, 2)  # a sparkline, whose title names them too
    page = manager_client.get(DASHBOARD).content.decode()
    assert "<b>Bo" not in page
    shown = "&lt;b&gt;Bo &amp; &quot;Co&quot;&lt;/b&gt;"
    assert f">{shown}</a>" in page
    assert f'<span class="visually-hidden"> of {shown}</span>' in page
    assert f'<title id="spark-{engineer.pk}">Readiness of {shown} across' in page


def test_change_is_marked_up_or_down_and_a_missing_one_is_a_dash():
    assert _change(2.5) == '<span class="change up">+2.5</span>'
    assert _change(-1.0) == '<span class="change down">-1.0</span>'
    assert _change(0.0) == '<span class="muted">0</span>'
    assert _change(None) == '<span class="muted">—</span>'


# --- sorting --------------------------------------------------------------------------------------------


@pytest.fixture
def three(manager):
    """Three reports whose order differs for every column."""
    low = tf.report(manager, 0, name="Cleo Low")
    mid = tf.report(manager, 2, name="Bo Mid")
    high = tf.report(manager, 4, name="Al High")
    tf.finished_assessment(low, 1)  # Cleo improved; the others have no previous assessment
    roadmap_services.item_set_status(
        item=RoadmapItem.objects.filter(roadmap__owner=mid).first(), status=RoadmapItem.Status.DONE
    )
    last_month = add_months(month_start(timezone.localdate()), -1)
    RoadmapItem.objects.filter(pk__in=RoadmapItem.objects.filter(roadmap__owner=high).values("pk")[:3]).update(
        month=last_month
    )
    RoadmapItem.objects.filter(pk__in=RoadmapItem.objects.filter(roadmap__owner=low).values("pk")[:1]).update(
        month=last_month
    )
    now = timezone.now()
    for person, days in [(low, 10), (mid, 1), (high, 5)]:
        Assessment.objects.filter(owner=person).update(updated_at=now - timedelta(days=days))
        RoadmapItem.objects.filter(roadmap__owner=person).update(updated_at=now - timedelta(days=days))
    return low, mid, high


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Al High", "Bo Mid", "Cleo Low"]),
        ("name", ["Al High", "Bo Mid", "Cleo Low"]),
        ("-name", ["Cleo Low", "Bo Mid", "Al High"]),
        ("readiness", ["Cleo Low", "Bo Mid", "Al High"]),
        ("-readiness", ["Al High", "Bo Mid", "Cleo Low"]),
        ("progress", ["Al High", "Cleo Low", "Bo Mid"]),  # 0 %, 0 % (name order), then Bo's done item
        ("-progress", ["Bo Mid", "Al High", "Cleo Low"]),
        ("overdue", ["Bo Mid", "Cleo Low", "Al High"]),
        ("-overdue", ["Al High", "Cleo Low", "Bo Mid"]),
        ("activity", ["Cleo Low", "Al High", "Bo Mid"]),
        ("-activity", ["Bo Mid", "Al High", "Cleo Low"]),
        ("nonsense", ["Al High", "Bo Mid", "Cleo Low"]),
    ],
)
def test_sorting_by_each_column(manager_client, three, sort, expected):
    page = manager_client.get(DASHBOARD, {"sort": sort} if sort else {}).content.decode()
    assert names_in_table(page) == expected


def test_people_without_a_value_come_last_in_both_directions(manager_client, manager, three):
    _, _, high = three
    tf.finished_assessment(high, 3)  # Al slipped; Cleo improved; Bo and Aaron have nothing to compare
    ShareFactory(engineer=UserFactory(name="Aaron Nothing"), person=manager, manager=True)
    up = names_in_table(manager_client.get(DASHBOARD, {"sort": "change"}).content.decode())
    down = names_in_table(manager_client.get(DASHBOARD, {"sort": "-change"}).content.decode())
    assert up == ["Al High", "Cleo Low", "Aaron Nothing", "Bo Mid"]
    assert down == ["Cleo Low", "Al High", "Aaron Nothing", "Bo Mid"]


def test_headers_are_sort_links_and_mark_the_sorted_column(manager_client, three):
    page = manager_client.get(DASHBOARD, {"sort": "readiness"}).content.decode()
    assert '<th scope="col" aria-sort="ascending" class="num">' in page
    assert page.count("aria-sort=") == 1
    # Sorted ascending: the link flips it; every other column's link sorts by that column.
    assert 'href="?sort=-readiness"' in page
    for key in ["name", "change", "progress", "overdue", "activity"]:
        assert f'href="?sort={key}"' in page
    page = manager_client.get(DASHBOARD, {"sort": "-readiness"}).content.decode()
    assert 'aria-sort="descending"' in page
    assert 'href="?sort=readiness"' in page


def test_by_default_the_name_column_is_marked_as_sorted(manager_client, three):
    page = manager_client.get(DASHBOARD).content.decode()
    assert re.search(r'<th scope="col" aria-sort="ascending">\s*<a href="\?sort=-name"', page)


def test_htmx_sort_returns_only_the_table_and_keeps_full_page_for_boosted(manager_client, three):
    response = manager_client.get(DASHBOARD, {"sort": "-name"}, headers={"HX-Request": "true"})
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert fragment.strip().startswith('<section id="team-table"')
    assert names_in_table(fragment) == ["Cleo Low", "Bo Mid", "Al High"]
    # The fragment is exactly the full page's table, so the swap leaves the page as a fresh load would.
    full = manager_client.get(DASHBOARD, {"sort": "-name"}).content.decode()
    assert re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", fragment.strip()) in full
    boosted = manager_client.get(DASHBOARD, headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.content.decode()


def test_parse_sort():
    assert parse_sort("-overdue") == ("overdue", True)
    assert parse_sort("activity") == ("activity", False)
    assert parse_sort("--name") == ("name", False)
    assert parse_sort(None) == ("name", False)
    assert parse_sort("password") == ("name", False)


# --- heatmap --------------------------------------------------------------------------------------------


def test_heatmap_is_hidden_below_three_people_and_says_why(manager_client, manager):
    tf.report(manager, 1, name="One")
    tf.report(manager, 3, name="Two")
    section = heatmap_section(manager_client.get(DASHBOARD).content.decode())
    assert 'class="heatmap"' not in section
    assert "appears once at least 3 people who share with you have finished an assessment — 2 so far" in section


def test_heatmap_counts_only_people_with_results(manager_client, manager):
    tf.report(manager, 1)
    tf.report(manager, 3)
    ShareFactory(engineer=UserFactory(), person=manager, manager=True)  # shares, but has no results to count
    section = heatmap_section(manager_client.get(DASHBOARD).content.decode())
    assert 'class="heatmap"' not in section


def test_heatmap_at_three_people_shows_counts_per_level_and_the_average(manager_client, manager):
    tf.report(manager, 1, name="Ana One", with_roadmap=False)
    tf.report(manager, 1, name="Ben One", with_roadmap=False)
    engineer = UserFactory(name="Cy Three")
    ShareFactory(engineer=engineer, person=manager, manager=True)
    tf.finished_assessment(engineer, 3, levels={"mentoring": 4})
    section = heatmap_section(manager_client.get(DASHBOARD).content.decode())

    assert 'class="heatmap"' in section
    assert "How many of the 3 people with results" in section
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', section, re.S))
    cells = lambda name: re.findall(r"<td [^>]*>([^<]+)</td>", rows[name])  # noqa: E731
    # Levels 0 to 4, then the average.
    assert cells("Systems thinking") == ["0", "2", "0", "1", "0", "1.7"]
    assert cells("Mentoring") == ["0", "2", "0", "0", "1", "2.0"]
    # Aggregated: no one's name is in it.
    for name in ["Ana One", "Ben One", "Cy Three"]:
        assert name not in section


def test_heatmap_is_pure_and_counts_a_part_level_at_the_level_below():
    people = [{SLUGS[0]: 2.6}, {SLUGS[0]: 3.0}, {SLUGS[0]: 0.4}]
    heatmap = team_heatmap(FRAMEWORK, people)
    assert isinstance(heatmap, Heatmap)
    first = heatmap.rows[0]
    assert first.competency.slug == SLUGS[0]
    assert [c.count for c in first.cells] == [1, 0, 1, 1, 0]
    assert first.average == 2.0
    # A competency someone has no level for counts as 0.
    assert [c.count for c in heatmap.rows[1].cells] == [3, 0, 0, 0, 0]
    assert [c.shade for c in heatmap.rows[1].cells] == [4, 0, 0, 0, 0]
    assert team_heatmap(FRAMEWORK, people[:2]) is None


# --- CSV ------------------------------------------------------------------------------------------------


def test_csv_has_the_dashboard_columns_for_every_report(manager_client, manager, three):
    ShareFactory(engineer=UserFactory(name="Mentee"), person=manager)
    response = manager_client.get(EXPORT, {"sort": "-readiness"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="team-')
    assert "no-store" in response["Cache-Control"]
    rows = csv_rows(response)
    assert rows[0] == [
        "Name",
        "Target role",
        "Readiness (%)",
        "Change since previous assessment (points)",
        "Roadmap progress (%)",
        "Overdue items",
        "Last activity",
    ]
    assert [r[0] for r in rows[1:]] == ["Al High", "Bo Mid", "Cleo Low"]
    assert [r[5] for r in rows[1:]] == ["3", "0", "1"]


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab"])
def test_csv_cells_that_a_spreadsheet_would_run_are_made_inert(manager_client, manager, name):
    tf.report(manager, name=name)
    row = csv_rows(manager_client.get(EXPORT))[1]
    assert row[0] == "'" + name


def test_csv_safe_leaves_ordinary_text_and_numbers_alone():
    assert csv_safe("Ada Lovelace") == "Ada Lovelace"
    assert csv_safe("=1+1") == "'=1+1"
    assert csv_safe(-3.5) == -3.5  # a computed number is never a formula
    assert csv_safe("") == ""


# --- readiness trend ------------------------------------------------------------------------------------


def test_each_report_with_two_finished_assessments_has_a_readiness_sparkline(manager_client, manager):
    once = tf.report(manager, 1, name="Once Only")
    twice = tf.report(manager, 1, name="Twice Over")
    later = tf.finished_assessment(twice, 3)
    page = manager_client.get(DASHBOARD).content.decode()
    assert page.count('<svg class="spark"') == 1
    first = Assessment.objects.filter(owner=twice).earliest("finished_at")
    values = f"{round(first.readiness)}%, {round(later.readiness)}%"
    title = f"Readiness of Twice Over across their last 2 assessments: {values}"
    assert f'<title id="spark-{twice.pk}">{title}</title>' in page
    assert f'id="spark-{once.pk}"' not in page


def test_the_sparkline_reads_each_assessment_against_the_latest_role(manager_client, manager):
    engineer = tf.report(manager, 2, name="Role Changer")
    Assessment.objects.filter(owner=engineer).update(role=None)  # the first stays scored for AI Architect
    latest = tf.finished_assessment(engineer, 2, role="ai-lead")
    page = manager_client.get(DASHBOARD).content.decode()
    # The same levels twice: a flat line at the latest readiness, not a jump between two roles' numbers.
    assert f"{round(latest.readiness)}%, {round(latest.readiness)}%</title>" in page


def test_the_latest_is_the_last_finished_not_the_last_made(manager_client, manager):
    engineer = tf.report(manager, 1, name="Out Of Order")
    later = tf.finished_assessment(engineer, 3)
    first = Assessment.objects.filter(owner=engineer).earliest("pk")
    # The one made second finished first: the table shows the other, and the line ends on it.
    Assessment.objects.filter(pk=later.pk).update(finished_at=first.finished_at - timedelta(days=1))
    page = manager_client.get(DASHBOARD).content.decode()
    assert f"<strong>{round(first.readiness)}%</strong>" in page
    assert f"{round(later.readiness)}%, {round(first.readiness)}%</title>" in page


@settings(max_examples=300)
@given(
    values=st.lists(st.floats(min_value=-50, max_value=150, allow_nan=False), max_size=TREND_POINTS),
    width=st.sampled_from([80, 120, 64.5]),
    height=st.sampled_from([24, 30, 17.5]),
)
def test_the_rows_sparkline_is_placed_exactly_as_the_chart_helper_places_it(values, width, height):
    assert charts.bare_sparkline(values, width=width, height=height) == charts.sparkline(
        values, width=width, height=height
    )


# --- query budget ---------------------------------------------------------------------------------------

# Session, user (with the header's unread count and Team item), the people who share with the manager (the
# reports with their roadmap figures, and the people they mentor), and every assessment of the reports (the
# numbers shown read off each snapshot: readiness, change, levels and the sparkline): four, the same whether
# one person shares with the manager or fifty.
DASHBOARD_QUERIES = 4
EXPORT_QUERIES = 4


@pytest.mark.parametrize("people", [1, 5])
def test_dashboard_query_count_does_not_grow_with_the_team(manager_client, manager, people, django_assert_num_queries):
    for n in range(people):
        engineer = tf.report(manager, n % 5, name=f"Person {n}")
        tf.finished_assessment(engineer, (n + 1) % 5)  # a previous assessment to compare with
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = manager_client.get(DASHBOARD)
    assert len(names_in_table(response.content.decode())) == people
    assert response.content.decode().count('<svg class="spark"') == people


@pytest.mark.parametrize("people", [1, 5])
def test_export_query_count_does_not_grow_with_the_team(manager_client, manager, people, django_assert_num_queries):
    for n in range(people):
        tf.report(manager, n % 5)
    with django_assert_num_queries(EXPORT_QUERIES):
        response = manager_client.get(EXPORT)
    assert len(csv_rows(response)) == people + 1


def test_a_finished_assessment_is_read_off_its_snapshot_never_scored_again_and_a_new_one_shows_at_once(
    manager_client, manager, monkeypatch, django_assert_num_queries
):
    from assessments import scoring

    engineer = tf.report(manager, 1, name="Kept Person")
    first = tf.finished_assessment(engineer, 2)

    def refuse(*args, **kwargs):
        raise AssertionError("a finished assessment was scored or parsed again")

    with monkeypatch.context() as patched:
        # Neither scored nor its whole result parsed: the numbers shown are read out of the stored snapshot.
        for name in ("score", "role_readiness"):
            patched.setattr(scoring, name, refuse)
        patched.setattr(scoring.Result, "model_validate", refuse)
        with django_assert_num_queries(DASHBOARD_QUERIES):
            page = manager_client.get(DASHBOARD).content.decode()
    assert f"{round(first.readiness)}%" in page

    # A re-assessment is another finished assessment: it shows on the next request.
    latest = tf.finished_assessment(engineer, 4)
    row = csv_rows(manager_client.get(EXPORT))[1]
    assert row[2:4] == [str(round(latest.readiness)), str(round(latest.readiness - first.readiness, 1))]


def test_a_previous_result_stored_before_snapshots_kept_every_role_still_gives_the_change(manager_client, manager):
    engineer = tf.report(manager, 1, name="Older Result")
    first = tf.finished_assessment(engineer, 1, role="ai-product-manager")
    latest = tf.finished_assessment(engineer, 2)
    # An older result: only its own role's numbers, no snapshot against every role.
    stored = dict(first.result)
    stored.pop("roles")
    Assessment.objects.filter(pk=first.pk).update(result=stored)
    expected = scoring.role_readiness(content.get_framework(), "ai-architect", first.result["levels"])[0]

    row = csv_rows(manager_client.get(EXPORT))[1]

    assert row[2:4] == [str(round(latest.readiness)), str(round(latest.readiness - expected, 1))]
