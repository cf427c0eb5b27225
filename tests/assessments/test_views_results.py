from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils.html import escape

from assessments import content, services
from assessments.models import Assessment, Competency, Item, Role
from assessments.permissions import get_assessment_for_user
from tests.assessments.conftest import htmx
from tests.factories import AnswerFactory, AssessmentFactory, RatingFactory

FRAMEWORK = content.get_framework()


def results_url(assessment: Assessment, role: str | None = None) -> str:
    url = reverse("assessments:results", args=[assessment.pk])
    return f"{url}?role={role}" if role else url


def _answer_competency(assessment: Assessment, slug: str, *, behaviour: str, scenario: str) -> None:
    """Answer every question of a competency with its best ("max") or worst ("min") option."""
    for item in Item.objects.filter(competency__slug=slug):
        scores = [o["score"] for o in item.options]
        pick = behaviour if item.kind == "behaviour" else scenario
        target = max(scores) if pick == "max" else min(scores)
        AnswerFactory(assessment=assessment, item=item, choice=scores.index(target))


@pytest.fixture
def architect_requirements(framework_db):
    return FRAMEWORK.role_by_slug["ai-architect"].requirements


@pytest.fixture
def finished(engineer, architect_requirements):
    """A finished full questionnaire for AI Architect: one strength, one blind spot, the rest unanswered."""
    strong = max(
        (s for s, r in architect_requirements.items() if r.level >= 2), key=lambda s: architect_requirements[s].weight
    )
    assessment = AssessmentFactory(owner=engineer)
    _answer_competency(assessment, strong, behaviour="max", scenario="max")
    _answer_competency(assessment, "saying-no", behaviour="max", scenario="min")
    return services.assessment_finish(assessment=assessment)


def test_it_checks_owner(engineer_client):
    theirs = services.assessment_finish(assessment=AssessmentFactory())
    # 404, never 403: a 403 would confirm that the assessment exists.
    assert engineer_client.get(results_url(theirs)).status_code == 404
    assert engineer_client.get(reverse("assessments:scenarios", args=[theirs.pk])).status_code == 404
    assert engineer_client.get(results_url(theirs), headers=htmx()).status_code == 404
    assert engineer_client.get(results_url(theirs, "ai-lead")).status_code == 404


def test_a_tampered_assessment_id_is_404(engineer_client, finished):
    assert engineer_client.get(reverse("assessments:results", args=[finished.pk + 1000])).status_code == 404
    # Past what the database can hold: still "no such assessment", never a database error.
    for pk in (2**63, 10**30):
        assert engineer_client.get(reverse("assessments:results", args=[pk])).status_code == 404
        assert engineer_client.get(reverse("assessments:resume", args=[pk])).status_code == 404


def test_the_assessment_read_for_a_page_is_the_one_the_orm_reads(rf, engineer, finished):
    # get_assessment_for_user reads with a statement of its own: every field, the role and the frozen
    # result must come back as a queryset gives them (dates and JSON converted on every database).
    request = rf.get("/")
    request.user = engineer
    mine = get_assessment_for_user(request, finished.pk)
    orm = Assessment.objects.select_related("role").get(pk=finished.pk)
    for field in Assessment._meta.concrete_fields:
        assert getattr(mine, field.attname) == getattr(orm, field.attname), field.name
    assert mine.result == orm.result
    assert isinstance(mine.result, dict)
    assert mine.finished_at.tzinfo is not None
    assert mine.role == orm.role
    assert mine.role.name == orm.role.name
    assert not mine._state.adding
    with pytest.raises(Http404):
        get_assessment_for_user(request, AssessmentFactory(finished=True).pk)  # someone else's
    no_role = AssessmentFactory(owner=engineer, role=None)
    assert get_assessment_for_user(request, no_role.pk).role is None


def test_an_unfinished_assessment_leads_to_the_review(engineer_client, engineer):
    assessment = AssessmentFactory(owner=engineer)
    response = engineer_client.get(results_url(assessment), follow=True)
    assert response.redirect_chain == [(reverse("assessments:review", args=[assessment.pk]), 302)]
    assert "Finish the assessment to see your results." in response.content.decode()


def test_it_shows_a_bar_chart_of_current_against_required_level_for_every_competency(engineer_client, finished):
    page = engineer_client.get(results_url(finished)).content.decode()
    assert "<html" in page
    assert '<table class="level-table">' in page
    assert page.count('<svg class="bar"') == len(FRAMEWORK.competencies)
    for comp in FRAMEWORK.competencies:
        assert f'<th scope="row">{escape(comp.name)}' in page
    # The required mark of a level-3 requirement sits at three quarters of the bar.
    assert 'x="180.0" y="0" width="3" height="16" class="bar-required"' in page


def test_it_shows_the_biggest_gaps_with_why_and_citations(engineer_client, finished):
    page = engineer_client.get(results_url(finished)).content.decode()
    biggest = finished.result["gaps"][0]
    comp = FRAMEWORK.competency_by_slug[biggest["competency"]]
    requirement = FRAMEWORK.role_by_slug["ai-architect"].requirements[comp.slug]
    assert "Your biggest gaps" in page
    assert escape(comp.why) in page
    if requirement.why:
        assert escape(requirement.why) in page
    quote = (requirement.sources or comp.sources)[0].quote
    assert escape(quote) in page
    assert escape(comp.levels[requirement.level]) in page
    assert page.count('class="card gap-card"') == 5


def test_it_shows_strengths_blind_spots_and_what_is_unanswered(engineer_client, finished):
    page = engineer_client.get(results_url(finished)).content.decode()
    assert finished.result["strengths"]
    assert "Strengths to build on" in page
    assert escape(FRAMEWORK.competency_by_slug[finished.result["strengths"][0]].name) in page
    assert finished.result["blind_spots"] == ["saying-no"]
    assert "Blind spots" in page
    # Top practice reported, the worst scenario picks: more claimed than the judgement bears out.
    assert 'badge-warn">overrated' in page
    assert "Overrated: more practice reported than the scenarios bear out" in page
    assert "Still unanswered" in page
    assert len(finished.result["unanswered"]) == len(FRAMEWORK.competencies) - 2
    unanswered_list = page.split('id="unanswered-heading"')[1].split("</section>")[0]
    for slug in finished.result["unanswered"]:
        assert escape(FRAMEWORK.competency_by_slug[slug].name) in unanswered_list


def test_it_ranks_role_fit_for_all_five_roles(engineer_client, finished):
    page = engineer_client.get(results_url(finished)).content.decode()
    fit = page.split('id="fit-heading"')[1].split("</section>")[0]
    positions = [fit.index(escape(FRAMEWORK.role_by_slug[f["role"]].name)) for f in finished.result["role_fit"]]
    assert len(positions) == 5
    assert positions == sorted(positions)


def test_it_shows_the_framework_version(engineer_client, finished):
    page = engineer_client.get(results_url(finished)).content.decode()
    assert f"Framework version {finished.framework_version}" in page


def test_not_sure_yet_leads_with_the_best_fitting_role(engineer_client, engineer):
    # A profile shaped like the architect's own requirements fits that role clearly.
    assessment = AssessmentFactory(owner=engineer, not_sure=True, quick=True)
    wanted = FRAMEWORK.role_by_slug["ai-architect"].requirements
    for competency in Competency.objects.all():
        RatingFactory(assessment=assessment, competency=competency, level=wanted[competency.slug].level)
    done = services.assessment_finish(assessment=assessment)
    assert done.result["best_fit"] == "ai-architect"
    page = engineer_client.get(results_url(done)).content.decode()
    assert "for <strong>AI Architect</strong> — your best fit of the five roles" in page


def test_not_sure_yet_with_no_shape_leads_with_the_first_role_and_says_it_is_no_clear_fit(engineer_client, engineer):
    done = services.assessment_finish(assessment=AssessmentFactory(owner=engineer, not_sure=True))
    page = engineer_client.get(results_url(done)).content.decode()
    first = FRAMEWORK.role_by_slug[done.result["role_fit"][0]["role"]]
    assert f"for <strong>{escape(first.name)}</strong> — first of the roles you fit about equally well" in page
    assert "best fit of the five roles" not in page


# --- the scenario answers: fetched when opened, a page of their own without JavaScript -----------------


def scenarios_url(assessment: Assessment) -> str:
    return reverse("assessments:scenarios", args=[assessment.pk])


def test_the_results_page_counts_the_scenario_answers_and_fetches_them_when_opened(engineer_client, finished):
    page = engineer_client.get(results_url(finished)).content.decode()
    answered = Item.objects.filter(kind="scenario", answers__assessment=finished).count()
    section = page.split('id="scenario-heading"')[1].split("</section>")[0]
    assert f"the strongest answer and why ({answered})" in section
    assert f'hx-get="{scenarios_url(finished)}" hx-trigger="toggle once"' in section
    # Without JavaScript the disclosure holds a link to the answers' own page.
    assert f'<a href="{scenarios_url(finished)}">' in section
    scenario = Item.objects.filter(competency__slug="saying-no", kind="scenario").first()
    assert escape(scenario.explanation) not in page


def test_scenario_answers_are_explained_after_finishing(engineer_client, finished):
    scenario = Item.objects.filter(competency__slug="saying-no", kind="scenario").first()
    page = engineer_client.get(scenarios_url(finished)).content.decode()
    assert "<html" in page
    assert "<h1>Your scenario answers</h1>" in page
    assert escape(scenario.explanation) in page
    answered = Item.objects.filter(kind="scenario", answers__assessment=finished).count()
    assert page.count('class="scenario-review"') == answered
    # The worst option was picked in saying-no: the strongest answer is named beside it.
    assert "Strongest answer:" in page


def test_an_htmx_request_gets_only_the_scenario_list_as_on_its_own_page(engineer_client, finished):
    fragment = engineer_client.get(scenarios_url(finished), headers=htmx()).content.decode()
    assert "<html" not in fragment
    assert fragment.strip().startswith('<div class="scenario-list">')
    assert fragment.strip() in engineer_client.get(scenarios_url(finished)).content.decode()


def test_only_the_owner_sees_which_option_they_chose(client, engineer, finished):
    from tests.factories import ShareFactory, UserFactory

    manager = UserFactory()
    ShareFactory(engineer=engineer, person=manager, manager=True, include_private=True)
    client.force_login(manager)
    assert client.get(scenarios_url(finished)).status_code == 404
    assert client.get(scenarios_url(finished), headers=htmx()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(scenarios_url(finished)).status_code == 404


def test_the_scenario_answers_of_an_unfinished_assessment_lead_to_the_review(engineer_client, engineer):
    assessment = AssessmentFactory(owner=engineer)
    response = engineer_client.get(scenarios_url(assessment))
    assert response.status_code == 302
    assert response.url == reverse("assessments:review", args=[assessment.pk])


def test_a_quick_self_rating_has_no_scenario_section(engineer_client, engineer):
    from tests.factories import finished_assessment

    page = engineer_client.get(results_url(finished_assessment(engineer, 2))).content.decode()
    assert 'id="scenario-heading"' not in page


def test_a_reassessment_shows_the_change_per_competency(engineer_client, engineer):
    first = AssessmentFactory(owner=engineer, quick=True)
    RatingFactory(assessment=first, competency=Competency.objects.get(slug="mentoring"), level=1)
    RatingFactory(assessment=first, competency=Competency.objects.get(slug="saying-no"), level=3)
    services.assessment_finish(assessment=first)
    second = services.assessment_start(owner=engineer, role=Role.objects.get(slug="ai-architect"), mode="quick")
    services.rating_save(assessment=second, competency=Competency.objects.get(slug="mentoring"), level=3)
    services.rating_save(assessment=second, competency=Competency.objects.get(slug="saying-no"), level=2)
    second = services.assessment_finish(assessment=second)

    page = engineer_client.get(results_url(second)).content.decode()
    assert '<th scope="col">Change</th>' in page
    rows = page.split('<th scope="row">')[1:]

    def row_of(slug: str) -> str:
        return next(r.split("</tr>")[0] for r in rows if r.startswith(escape(FRAMEWORK.competency_by_slug[slug].name)))

    mentoring, saying_no = row_of("mentoring"), row_of("saying-no")
    assert '<span class="change up">+2.0</span>' in mentoring
    assert '<span class="change down">-1.0</span>' in saying_no
    assert "points since last time" in page
    first.refresh_from_db()
    assert f"compared with your assessment of {first.finished_at:%-d %B %Y}" in page


def test_the_roadmap_button_says_create_until_there_is_a_roadmap(engineer_client, engineer, finished):
    from tests.roadmaps.factories import roadmap_for

    assert "Create my roadmap" in engineer_client.get(results_url(finished)).content.decode()
    roadmap_for(engineer)
    page = engineer_client.get(results_url(finished)).content.decode()
    assert "Update my roadmap" in page
    assert "Create my roadmap" not in page


def test_a_first_assessment_has_no_change_column(engineer_client, finished):
    page = engineer_client.get(results_url(finished)).content.decode()
    assert '<th scope="col">Change</th>' not in page
    assert "since last time" not in page


# --- comparing with another role, with and without htmx ----------------------------------------------


def test_another_role_can_be_compared_as_a_full_page(engineer_client, finished):
    response = engineer_client.get(results_url(finished, "ai-product-manager"))
    page = response.content.decode()
    assert "<html" in page
    assert f"for <strong>{escape(FRAMEWORK.role_by_slug['ai-product-manager'].name)}</strong>" in page
    assert '<a href="?role=ai-product-manager"' in page


def test_an_htmx_role_switch_gets_only_the_role_view_as_on_the_full_page(engineer_client, finished):
    url = results_url(finished, "ai-product-manager")
    fragment = engineer_client.get(url, headers=htmx()).content.decode()
    assert "<html" not in fragment
    assert fragment.strip().startswith('<div id="role-view">')
    # What htmx swaps in is exactly what a fresh full render of the pushed URL shows.
    assert fragment.strip() in engineer_client.get(url).content.decode()
    assert "Role fit" not in fragment


def test_an_unknown_role_falls_back_to_the_assessments_own(engineer_client, finished):
    page = engineer_client.get(results_url(finished, "astronaut")).content.decode()
    assert f"for <strong>{escape(FRAMEWORK.role_by_slug['ai-architect'].name)}</strong>" in page


@pytest.mark.parametrize(
    "headers",
    [{"HX-Request": "true", "HX-Boosted": "true"}, {"HX-Request": "true", "HX-History-Restore-Request": "true"}],
)
def test_boosted_requests_and_history_restores_get_the_whole_page(engineer_client, finished, headers):
    assert "<html" in engineer_client.get(results_url(finished), headers=headers).content.decode()


# --- finishing --------------------------------------------------------------------------------------


def test_finish_leads_to_the_results(engineer_client, engineer):
    assessment = AssessmentFactory(owner=engineer)
    response = engineer_client.post(reverse("assessments:finish", args=[assessment.pk]))
    assert response.status_code == 302
    assert response.url == results_url(assessment)
    assessment.refresh_from_db()
    assert assessment.is_finished


def test_an_htmx_finish_moves_the_whole_page_to_the_results(engineer_client, engineer):
    assessment = AssessmentFactory(owner=engineer)
    response = engineer_client.post(reverse("assessments:finish", args=[assessment.pk]), headers=htmx())
    assert response.status_code == 200
    assert response["HX-Redirect"] == results_url(assessment)


def test_finish_is_a_post(engineer_client, engineer):
    assessment = AssessmentFactory(owner=engineer)
    assert engineer_client.get(reverse("assessments:finish", args=[assessment.pk])).status_code == 405
    assessment.refresh_from_db()
    assert not assessment.is_finished


def test_a_double_finish_produces_one_result(engineer_client, engineer):
    assessment = AssessmentFactory(owner=engineer, quick=True)
    RatingFactory(assessment=assessment, competency=Competency.objects.get(slug="mentoring"), level=2)
    url = reverse("assessments:finish", args=[assessment.pk])
    first = engineer_client.post(url, headers=htmx())
    assessment.refresh_from_db()
    finished_at, result = assessment.finished_at, assessment.result
    second = engineer_client.post(url)
    assert second.url == first["HX-Redirect"]
    assessment.refresh_from_db()
    assert assessment.finished_at == finished_at
    assert assessment.result == result
    assert Assessment.objects.filter(owner=engineer).count() == 1


def test_no_one_can_finish_someone_elses_assessment(engineer_client):
    theirs = AssessmentFactory()
    assert engineer_client.post(reverse("assessments:finish", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_finished


# --- query budget: the same with one answer and with every answer -------------------------------------

# session, user (with the header's counts), assessment, scenario answers, managers' ratings, and the
# owner's roadmap (for "Create/Update my roadmap")
RESULTS_QUERIES = 6


def test_results_query_budget_does_not_grow_with_the_answers(engineer_client, engineer, django_assert_num_queries):
    few = AssessmentFactory(owner=engineer)
    AnswerFactory(assessment=few, item=Item.objects.filter(kind="scenario").first())
    few = services.assessment_finish(assessment=few)
    many = AssessmentFactory(owner=engineer)
    for item in Item.objects.all():
        AnswerFactory(assessment=many, item=item, choice=1)
    many = services.assessment_finish(assessment=many)

    with django_assert_num_queries(RESULTS_QUERIES):
        assert engineer_client.get(results_url(few)).status_code == 200
    with django_assert_num_queries(RESULTS_QUERIES):
        assert engineer_client.get(results_url(many)).status_code == 200


# --- a finished assessment's results are drawn once ---------------------------------------------------


def _main(page: str) -> str:
    # The page around <main> differs on every response (CSP nonce, masked CSRF token).
    return page[page.index("<main") : page.index("</main>")]


def test_each_role_compared_with_is_drawn_and_kept_on_its_own(engineer_client, finished):
    own = _main(engineer_client.get(results_url(finished)).content.decode())
    other = _main(engineer_client.get(results_url(finished, "ai-product-manager")).content.decode())
    again = _main(engineer_client.get(results_url(finished)).content.decode())
    name = escape(FRAMEWORK.role_by_slug["ai-product-manager"].name)
    assert f"for <strong>{name}</strong>" in other
    assert f"for <strong>{name}</strong>" not in own
    assert again == own


def test_the_engineer_and_their_manager_never_get_each_others_wording(client, engineer, finished):
    from tests.factories import ShareFactory, UserFactory

    manager = UserFactory(name="Mo Manager")
    ShareFactory(engineer=engineer, person=manager, manager=True)
    client.force_login(engineer)
    mine = client.get(results_url(finished)).content.decode()
    client.force_login(manager)
    theirs = client.get(reverse("team:person_results", args=[engineer.pk])).content.decode()
    assert "Your level against what the role asks" in mine
    assert "Levels against what the role asks" in theirs
    assert "Your level against what the role asks" not in theirs


def test_a_new_manager_rating_shows_at_once_beside_the_kept_results(client, engineer, finished):
    from assessments.models import ManagerRating
    from tests.factories import ShareFactory, UserFactory

    manager = UserFactory(name="Mo Manager")
    ShareFactory(engineer=engineer, person=manager, manager=True)
    client.force_login(engineer)
    assert "Your manager’s view" not in client.get(results_url(finished)).content.decode()
    ManagerRating.objects.create(
        engineer=engineer, manager=manager, competency=Competency.objects.get(slug="mentoring"), level=3
    )
    assert "Your manager’s view" in client.get(results_url(finished)).content.decode()


# --- charts -------------------------------------------------------------------------------------------


def test_the_radar_draws_a_new_manager_rating_although_the_rest_is_kept(client, engineer, finished):
    from assessments.models import ManagerRating
    from tests.factories import ShareFactory, UserFactory

    manager = UserFactory(name="Mo Manager")
    ShareFactory(engineer=engineer, person=manager, manager=True)
    client.force_login(engineer)
    before = client.get(results_url(finished)).content.decode()
    assert 'class="radar-manager"' not in before
    ManagerRating.objects.create(
        engineer=engineer, manager=manager, competency=Competency.objects.get(slug="mentoring"), level=3
    )
    after = client.get(results_url(finished)).content.decode()
    # One rated competency: a square on each of the two layouts of the radar, and who rated it in the key.
    assert after.count('class="radar-manager"') == 2
    assert "Manager (Mo Manager)" in after
    # The role switch draws the same radar.
    fragment = client.get(results_url(finished, "ai-lead"), headers=htmx()).content.decode()
    assert fragment.count('class="radar-manager"') == 2


def test_the_charts_are_named_images_with_their_numbers_in_words(engineer_client, finished):
    page = engineer_client.get(results_url(finished)).content.decode()
    for name in ("gauge-title", "radar-title-wide", "radar-title-narrow", "fit-title-wide", "fit-title-narrow"):
        assert f'<title id="{name}">' in page
    assert page.count('role="img"') >= 5
    assert f"{round(finished.readiness)}% ready for AI Architect" in page
    assert "style=" not in page[page.index("<main") : page.index("</main>")]  # the CSP allows no inline style


def test_the_detail_behind_each_gap_is_behind_a_disclosure(engineer_client, finished):
    page = engineer_client.get(results_url(finished)).content.decode()
    gaps = page[page.index('id="gaps-heading"') : page.index("</section>", page.index('id="gaps-heading"'))]
    assert gaps.count("<details") == 5
    assert gaps.count("<blockquote") == gaps[gaps.index("<details") :].count("<blockquote")


@pytest.fixture
def knows_but_has_not_done(engineer):
    """Best scenario picks everywhere, the lowest practice everywhere: judgement without practice."""
    assessment = AssessmentFactory(owner=engineer)
    for competency in FRAMEWORK.competencies:
        _answer_competency(assessment, competency.slug, behaviour="min", scenario="max")
    return services.assessment_finish(assessment=assessment)


def test_knowing_the_answers_without_practice_is_shown_as_untested_with_the_next_step(
    engineer_client, knows_but_has_not_done
):
    page = engineer_client.get(results_url(knows_but_has_not_done)).content.decode()
    assert page.count('badge-info">untested') == len(FRAMEWORK.competencies)
    section = page.split('id="blind-heading"')[1].split("</section>")[0]
    assert "Untested: you know what good looks like, but you have not done it yet" in section
    assert "the next step in each is to do it, on real work" in section
    for competency in FRAMEWORK.competencies:
        # The next step is what Practising looks like for that competency: something to go and do.
        assert escape(competency.levels[2]) in section
    assert section.count("Next step:") == len(FRAMEWORK.competencies)
    assert "Overrated" not in section


def test_the_role_switch_keeps_the_untested_badges(engineer_client, knows_but_has_not_done):
    response = engineer_client.get(results_url(knows_but_has_not_done, "ai-lead"), headers=htmx())
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert fragment.count('badge-info">untested') == len(FRAMEWORK.competencies)


def test_a_flat_profile_is_told_no_role_fits_clearly(engineer_client, engineer):
    assessment = AssessmentFactory(owner=engineer, role=None, quick=True)
    for competency in Competency.objects.all():
        RatingFactory(assessment=assessment, competency=competency, level=2)
    finished = services.assessment_finish(assessment=assessment)
    assert finished.result["best_fit"] is None
    page = engineer_client.get(results_url(finished)).content.decode()
    fit = page.split('id="fit-heading"')[1].split("</section>")[0]
    assert "No role fits clearly." in fit
    assert "What would decide between" in fit
    assert "your best fit of the five roles" not in page


def test_a_tie_between_two_roles_names_them_the_margin_and_what_would_decide_it(engineer_client, engineer):
    from assessments import scoring

    framework = FRAMEWORK
    # Halfway between the two product roles' own requirements: a shape, but no clear winner.
    a, b = framework.role_by_slug["ai-product-lead"], framework.role_by_slug["ai-product-manager"]
    levels = {slug: round((a.requirements[slug].level + b.requirements[slug].level) / 2) for slug in a.requirements}
    result = scoring.score(framework, scoring.Answers(ratings=levels))
    assert result.tie is not None
    assert not result.tie.flat
    assessment = AssessmentFactory(owner=engineer, role=None, quick=True)
    for competency in Competency.objects.all():
        RatingFactory(assessment=assessment, competency=competency, level=levels[competency.slug])
    finished = services.assessment_finish(assessment=assessment)
    page = engineer_client.get(results_url(finished)).content.decode()
    fit = page.split('id="fit-heading"')[1].split("</section>")[0]
    first, second = (framework.role_by_slug[r].name for r in result.tie.roles)
    assert f"It is a tie between {first} and {second}:" in fit
    assert "their fits are within 0.05 of each other" in fit
    for slug in result.tie.deciding:
        assert escape(framework.competency_by_slug[slug].name) in fit.split("What would decide it:")[1]


@pytest.fixture
def translation_on(settings):
    # The app runs with translation off (settings.USE_I18N): it is written in one language. Django picks its
    # translation functions once, so they are dropped on both sides of turning it on.
    from django.utils import translation

    translation._trans.__dict__.clear()
    settings.USE_I18N = True
    yield
    settings.USE_I18N = False
    translation._trans.__dict__.clear()


def test_the_site_shows_british_numbers_and_dates_with_translation_off(finished):
    from django.conf import settings
    from django.utils import translation

    from assessments.results import results_context

    assert settings.USE_I18N is False
    assert translation.get_language() == "en-gb"
    row = next(r for r in results_context(finished)["rows"]() if r.current % 1)
    assert "." in row.current_text


def test_svg_numbers_are_never_localised_but_the_numbers_people_read_are(finished, translation_on):
    from django.utils import translation

    from assessments.results import results_context

    with translation.override("de"):
        context = results_context(finished)
        row = next(r for r in context["rows"]() if r.current % 1)
        radar = context["radar"]()
    # A decimal comma inside an SVG attribute would break the drawing; in the table it is what a reader expects.
    assert "," in row.current_text
    assert "," not in row.current_px
    assert "," not in radar.wide.spokes
    assert "," not in radar.wide.labels[0].attrs


# --- a finished assessment is a snapshot ------------------------------------------------------------


def test_finishing_stores_readiness_gaps_and_strengths_against_every_role(finished):
    from assessments import scoring

    result = scoring.Result.model_validate(finished.result)
    assert set(result.roles) == {r.slug for r in FRAMEWORK.roles}
    for fit in result.role_fit:
        assert result.roles[fit.role].readiness == fit.readiness
    assert result.roles[result.role].gaps == result.gaps
    assert finished.framework_version == FRAMEWORK.version


def test_the_role_switch_reads_the_snapshot_rather_than_scoring_again(engineer_client, finished):
    # Whatever the framework says now, the page shows what was scored when the assessment was finished.
    finished.result["roles"]["ai-lead"]["readiness"] = 12.0
    finished.save(update_fields=["result"])
    page = engineer_client.get(results_url(finished, "ai-lead"), headers=htmx()).content.decode()
    assert "<span>12%</span> ready" in page


def test_a_result_stored_before_snapshots_kept_every_role_still_shows_its_own_numbers(engineer_client, finished):
    # As stored by framework 1.0.0: no per-role snapshot, no fit, a blind spot with no kind.
    old = dict(finished.result)
    for key in ("roles", "best_fit", "tie"):
        old.pop(key)
    old["readiness"] = 33.3
    old["competencies"] = [{k: v for k, v in c.items() if k != "blind_spot_kind"} for c in old["competencies"]]
    old["role_fit"] = [{k: v for k, v in f.items() if k != "fit"} for f in old["role_fit"]]
    finished.result = old
    finished.framework_version = "1.0.0"
    finished.save(update_fields=["result", "framework_version"])
    page = engineer_client.get(results_url(finished)).content.decode()
    assert "<span>33%</span> ready" in page
    assert "Framework version 1.0.0" in page
    # The one kind that existed then: a self-report above the scenarios.
    assert 'badge-warn">overrated' in page
    # No fit was measured then, so none is shown.
    assert "fit 0.00" not in page
    other = engineer_client.get(results_url(finished, "ai-lead"), headers=htmx())
    assert other.status_code == 200


def test_a_change_across_framework_versions_says_so(engineer_client, engineer):
    from tests.factories import finished_assessment

    first = finished_assessment(engineer, 1)
    first.framework_version = "1.0.0"
    first.save(update_fields=["framework_version"])
    second = finished_assessment(engineer, 2)
    assert second.previous_id == first.pk
    page = engineer_client.get(results_url(second)).content.decode()
    assert "taken with framework version 1.0.0" in page
    assert "read the change as a rough guide" in page
    third = finished_assessment(engineer, 3)
    assert "rough guide" not in engineer_client.get(results_url(third)).content.decode()


def test_answered_competencies_are_never_badged_unanswered(engineer_client, knows_but_has_not_done):
    # Practice and judgement disagree everywhere, so the items' agreement (and confidence) is nil; the
    # competencies are still answered, and the untested badge already says why they disagree.
    page = engineer_client.get(results_url(knows_but_has_not_done)).content.decode()
    table = page.split('<table class="level-table">')[1].split("</table>")[0]
    assert 'class="badge">unanswered' not in table
    assert "low confidence" not in table


def test_quick_ratings_are_not_badged_low_confidence_on_every_row(engineer_client, engineer):
    from tests.factories import finished_assessment

    done = finished_assessment(engineer, 2)
    table = engineer_client.get(results_url(done)).content.decode().split('<table class="level-table">')[1]
    assert "low confidence" not in table.split("</table>")[0]


def test_the_charts_and_rows_drawn_in_python_escape_every_text(finished, gap_role):
    # The level rows and the radar's and role fit's insides are made as strings (results._level_row,
    # _radar_body, _fit_body): a name with markup in it must come out as text.
    import dataclasses
    from types import SimpleNamespace

    from assessments import results

    nasty = "<script>alert('x')</script> & co"
    context = results.results_context(finished)
    row = dataclasses.replace(context["rows"]()[0], competency=SimpleNamespace(name=nasty))
    drawn = results._level_row(row, with_change=True)
    assert "<script>" not in drawn
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in drawn
    chart = context["fit_chart"]()["wide"]
    fit = dataclasses.replace(chart, rows=[dataclasses.replace(chart.rows[0], role=SimpleNamespace(name=nasty))])
    assert "<script>" not in results._fit_body(fit)
    assert "&lt;script&gt;" in results._fit_body(fit)
    assert "<script>" not in results._fit_items(fit)
    assert "&lt;script&gt;" in results._fit_items(fit)
    radar = context["radar"]().wide
    label = dataclasses.replace(radar.labels[0], title=nasty, text=nasty)
    body = results._radar_body(dataclasses.replace(radar, labels=(label,)), has_manager=False)
    assert "<script>" not in body
    assert body.count("&lt;script&gt;") == 2
    # A gap card: the competency's name, its why, the level's words, the role's reason and the quotes.
    gap = context["biggest"]()[0]
    competency = SimpleNamespace(name=nasty, why=nasty, sources=gap["competency"].sources)
    requirement = SimpleNamespace(why=nasty, sources=(SimpleNamespace(quote=nasty, source="ai-lead"),))
    card = results._gap_card({**gap, "competency": competency, "requirement": requirement, "target": nasty}, gap_role)
    assert "<script>" not in card
    assert card.count("&lt;script&gt;") == 6  # the name twice, why, the level, the role's reason, the quote
    assert "Why &lt;i&gt;Role&lt;/i&gt; needs it" in card
    # A row of the manager's view: the competency, the manager's name and their comment, its lines kept.
    rating = results.ManagerView(
        competency=SimpleNamespace(name=nasty),
        current=1.0,
        level=2,
        manager=nasty,
        comment=f"{nasty}\nmore",
        differs=True,
    )
    assert "<script>" not in rating.row
    assert rating.row.count("&lt;script&gt;") == 3
    assert "&amp; co<br>more" in rating.row
    assert 'href="/assessments/sources/#source-ai-lead"' in card


@pytest.fixture
def gap_role():
    from types import SimpleNamespace

    return SimpleNamespace(name="<i>Role</i>")


def test_the_phone_radar_is_the_wide_one_moved_into_its_own_box_with_numbered_labels(finished):
    from assessments.results import results_context

    radar = results_context(finished)["radar"]()
    wide, narrow = radar.wide, radar.narrow
    assert (narrow.width, narrow.height) == ("372", "352")  # its own margins, the same radius
    assert narrow.body.startswith('<g transform="translate(-84 -14)">')
    assert narrow.current == wide.current
    assert f'<polygon points="{wide.current}" class="radar-current"/>' in narrow.body
    assert [label.text for label in narrow.labels] == [str(i) for i in range(1, len(wide.labels) + 1)]
    assert [label.attrs for label in narrow.labels] == [label.attrs for label in wide.labels]
