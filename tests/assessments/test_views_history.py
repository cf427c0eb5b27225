"""/assessments/: every assessment, and progress across the finished ones as a line and a strip of levels."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import content
from assessments.models import Assessment
from assessments.results import history_charts
from assessments.selectors import finished_assessments
from tests.factories import AssessmentFactory, finished_assessment

HISTORY = reverse("assessments:history")
FRAMEWORK = content.get_framework()


def test_no_finished_assessment_draws_no_chart(engineer_client, engineer):
    AssessmentFactory(owner=engineer)
    page = engineer_client.get(HISTORY).content.decode()
    assert 'id="history-heading"' not in page
    assert "In progress" in page


def test_readiness_across_assessments_is_a_line_with_its_numbers_in_words(engineer_client, engineer):
    first = finished_assessment(engineer, 1)
    second = finished_assessment(engineer, 3)
    page = engineer_client.get(HISTORY).content.decode()
    assert "Your progress" in page
    assert 'role="img" aria-labelledby="trend-title trend-desc"' in page
    assert page.count('class="line-dot"') == 2
    desc = page[page.index('<desc id="trend-desc">') : page.index("</desc>", page.index('id="trend-desc"'))]
    assert f"{round(first.readiness)}%" in desc
    assert f"{round(second.readiness)}%" in desc
    change = round(second.readiness - first.readiness, 1)
    assert f"+{change} points" in page


def test_levels_across_assessments_are_a_table_of_every_level(engineer_client, engineer):
    finished_assessment(engineer, 1)
    finished_assessment(engineer, 4)
    page = engineer_client.get(HISTORY).content.decode()
    strip = page[page.index('<table class="heat-strip">') : page.index("</table>", page.index("heat-strip"))]
    for competency in FRAMEWORK.competencies:
        assert f'<th scope="row">{competency.name}</th>' in strip.replace("&#x27;", "'")
    assert strip.count('class="lvl-1"') == len(FRAMEWORK.competencies)
    assert strip.count('class="lvl-4"') == len(FRAMEWORK.competencies)


def test_readiness_is_drawn_against_the_latest_role_throughout(engineer):
    finished_assessment(engineer, 2, role="ai-lead")
    latest = finished_assessment(engineer, 2, role="ai-architect")
    history = finished_assessments([engineer.pk], levels=True)[engineer.pk]
    charts = history_charts(history)
    assert charts is not None
    assert charts.role.slug == "ai-architect"
    # The same levels against the same role: no change, although the first was scored for another role.
    assert charts.first == charts.last == latest.readiness


def test_someone_elses_assessments_are_not_drawn(engineer_client, engineer):
    finished_assessment(None, 4)
    finished_assessment(engineer, 1)
    page = engineer_client.get(HISTORY).content.decode()
    assert page.count('class="line-dot"') == 1


# session, user (with the header's counts), the assessments listed, the finished ones' numbers for the charts
HISTORY_QUERIES = 4


@pytest.mark.parametrize("count", [1, 4])
def test_history_query_budget_does_not_grow_with_the_assessments(
    engineer_client, engineer, count, django_assert_num_queries
):
    for n in range(count):
        finished_assessment(engineer, n % 5)
    with django_assert_num_queries(HISTORY_QUERIES):
        response = engineer_client.get(HISTORY)
    assert response.content.decode().count('class="line-dot"') == count
    assert Assessment.objects.filter(owner=engineer).count() == count
