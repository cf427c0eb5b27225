from __future__ import annotations

import pytest

from assessments import content, services
from assessments.models import Answer, Assessment, Competency, Evidence, Item, Rating, Role
from tests.factories import AnswerFactory, AssessmentFactory, RatingFactory


@pytest.fixture
def role(framework_db):
    return Role.objects.get(slug="ai-engineering-lead")


def _item(slug: str = "mentoring") -> Item:
    return Item.objects.filter(competency__slug=slug).order_by("position").first()


# --- starting -------------------------------------------------------------------------------------


def test_start_records_the_role_mode_and_framework_version(engineer, role):
    assessment = services.assessment_start(owner=engineer, role=role, mode="quick")
    assert assessment.role == role
    assert assessment.mode == Assessment.Mode.QUICK
    assert assessment.status == Assessment.Status.IN_PROGRESS
    assert assessment.framework_version == content.get_framework().version
    assert assessment.previous is None


def test_start_refuses_an_unknown_mode(engineer, role):
    with pytest.raises(services.AssessmentError, match="full questionnaire or the quick"):
        services.assessment_start(owner=engineer, role=role, mode="slow")
    assert not Assessment.objects.exists()


def test_a_reassessment_is_prefilled_from_the_latest_finished_assessment(engineer, role):
    older = AssessmentFactory(owner=engineer, finished=True)
    AnswerFactory(assessment=older, item=_item("mentoring"), choice=1)
    latest = AssessmentFactory(owner=engineer, finished=True)
    AnswerFactory(assessment=latest, item=_item("mentoring"), choice=3)
    AnswerFactory(assessment=latest, item=_item("saying-no"), choice=2)
    Evidence.objects.create(assessment=latest, competency=_item().competency, text="Ran the design review")
    # An assessment left in progress is not a previous result.
    open_one = AssessmentFactory(owner=engineer)
    AnswerFactory(assessment=open_one, item=_item("mentoring"), choice=0)

    new = services.assessment_start(owner=engineer, role=role, mode="full")

    assert new.previous == latest
    assert dict(new.answers.values_list("item__slug", "choice")) == {
        _item("mentoring").slug: 3,
        _item("saying-no").slug: 2,
    }
    assert new.evidence.get().text == "Ran the design review"
    # Copies, not moves: the previous assessment keeps its answers.
    assert latest.answers.count() == 2


def test_a_reassessment_never_copies_someone_elses_answers(engineer, role):
    theirs = AssessmentFactory(finished=True)
    AnswerFactory(assessment=theirs, item=_item())
    new = services.assessment_start(owner=engineer, role=role, mode="full")
    assert new.previous is None
    assert not new.answers.exists()


def test_a_reassessment_leaves_out_retired_questions(engineer, role):
    previous = AssessmentFactory(owner=engineer, finished=True)
    kept, retired = Item.objects.filter(competency__slug="mentoring").order_by("position")[:2]
    AnswerFactory(assessment=previous, item=kept, choice=2)
    AnswerFactory(assessment=previous, item=retired, choice=2)
    Item.objects.filter(pk=retired.pk).update(retired=True)
    new = services.assessment_start(owner=engineer, role=role, mode="full")
    assert list(new.answers.values_list("item__slug", flat=True)) == [kept.slug]


def test_a_quick_reassessment_is_prefilled_with_the_previous_ratings(engineer, role):
    previous = AssessmentFactory(owner=engineer, finished=True, quick=True)
    RatingFactory(assessment=previous, competency=Competency.objects.get(slug="mentoring"), level=3)
    new = services.assessment_start(owner=engineer, role=role, mode="quick")
    assert dict(new.ratings.values_list("competency__slug", "level")) == {"mentoring": 3}


def test_a_quick_reassessment_after_the_full_questionnaire_scores_the_new_ratings(engineer, role):
    # The quick page cannot show (or change) the full questionnaire's answers, so carrying them
    # over would let them outrank every new rating.
    previous = AssessmentFactory(owner=engineer)
    for item in Item.objects.filter(competency__slug="mentoring"):
        AnswerFactory(assessment=previous, item=item, choice=len(item.options) - 1)
    services.assessment_finish(assessment=previous)

    new = services.assessment_start(owner=engineer, role=role, mode="quick")
    services.rating_save(assessment=new, competency=Competency.objects.get(slug="mentoring"), level=1)
    new = services.assessment_finish(assessment=new)

    assert not new.answers.exists()
    assert new.result["levels"]["mentoring"] == 1.0


def test_a_full_reassessment_after_a_quick_one_does_not_carry_hidden_ratings(engineer, role):
    previous = AssessmentFactory(owner=engineer, quick=True)
    RatingFactory(assessment=previous, competency=Competency.objects.get(slug="mentoring"), level=4)
    services.assessment_finish(assessment=previous)

    new = services.assessment_finish(assessment=services.assessment_start(owner=engineer, role=role, mode="full"))

    assert not new.ratings.exists()
    assert new.result["levels"]["mentoring"] == 0.0
    assert "mentoring" in new.result["unanswered"]


def test_a_full_questionnaire_after_a_quick_check_in_starts_from_the_last_full_answers(engineer, role):
    first = AssessmentFactory(owner=engineer)
    item = _item()
    AnswerFactory(assessment=first, item=item, choice=2)
    services.assessment_finish(assessment=first)
    check_in = services.assessment_start(owner=engineer, role=role, mode="quick")
    services.rating_save(assessment=check_in, competency=item.competency, level=3)
    services.assessment_finish(assessment=check_in)

    again = services.assessment_start(owner=engineer, role=role, mode="full")

    assert dict(again.answers.values_list("item__slug", "choice")) == {item.slug: 2}
    assert not again.ratings.exists()
    assert again.previous == check_in  # "change since last" still measures from the latest of all


def test_a_quick_check_in_after_a_full_questionnaire_starts_blank_not_from_older_ratings(engineer, role):
    check_in = AssessmentFactory(owner=engineer, quick=True)
    RatingFactory(assessment=check_in, competency=Competency.objects.get(slug="mentoring"), level=4)
    services.assessment_finish(assessment=check_in)
    full = services.assessment_start(owner=engineer, role=role, mode="full")
    services.assessment_finish(assessment=full)

    again = services.assessment_start(owner=engineer, role=role, mode="quick")

    assert not again.ratings.exists()  # the January ratings are older than the June answers
    assert again.previous == full


# --- answering ------------------------------------------------------------------------------------


def test_answer_save_stores_one_answer_per_question(engineer):
    assessment = AssessmentFactory(owner=engineer)
    services.answer_save(assessment=assessment, item=_item(), choice=1)
    services.answer_save(assessment=assessment, item=_item(), choice=4)
    assert list(assessment.answers.values_list("choice", flat=True)) == [4]


@pytest.mark.parametrize("choice", [-1, 5, 99])
def test_answer_save_refuses_an_option_that_does_not_exist(engineer, choice):
    assessment = AssessmentFactory(owner=engineer)
    with pytest.raises(services.AssessmentError, match="Choose one of the options given"):
        services.answer_save(assessment=assessment, item=_item(), choice=choice)
    assert not assessment.answers.exists()


def test_answer_save_refuses_a_retired_question(engineer):
    assessment = AssessmentFactory(owner=engineer)
    item = _item()
    item.retired = True
    with pytest.raises(services.AssessmentError, match="no longer part of the questionnaire"):
        services.answer_save(assessment=assessment, item=item, choice=1)
    assert not assessment.answers.exists()


def _assert_every_save_is_refused(full: Assessment, quick: Assessment) -> None:
    comp = Competency.objects.get(slug="mentoring")
    with pytest.raises(services.AssessmentError, match="finished"):
        services.answer_save(assessment=full, item=_item(), choice=1)
    with pytest.raises(services.AssessmentError, match="finished"):
        services.rating_save(assessment=quick, competency=comp, level=1)
    with pytest.raises(services.AssessmentError, match="finished"):
        services.evidence_save(assessment=full, competency=comp, text="late")
    assert not Answer.objects.exists()
    assert not Rating.objects.exists()
    assert not Evidence.objects.exists()


def test_nothing_is_saved_to_a_finished_assessment(engineer):
    done = AssessmentFactory(owner=engineer, finished=True)
    _assert_every_save_is_refused(done, done)


def test_nothing_is_saved_once_another_request_has_finished_the_assessment(engineer):
    # The page read the assessment while it was open; Finish ran in another request since. The write
    # itself reads the status, so the answer is refused rather than saved outside the frozen result.
    assessment = AssessmentFactory(owner=engineer)
    quick = AssessmentFactory(owner=AssessmentFactory().owner, quick=True)
    Assessment.objects.filter(pk__in=[assessment.pk, quick.pk]).update(status=Assessment.Status.FINISHED)
    assert not assessment.is_finished  # the copy in memory does not know
    _assert_every_save_is_refused(assessment, quick)


@pytest.mark.parametrize("level", [-1, 5])
def test_rating_save_refuses_a_level_outside_0_to_4(engineer, level):
    assessment = AssessmentFactory(owner=engineer, quick=True)
    with pytest.raises(services.AssessmentError, match="from 0 to 4"):
        services.rating_save(assessment=assessment, competency=Competency.objects.first(), level=level)
    assert not Rating.objects.exists()


def test_evidence_is_trimmed_replaced_and_removed_when_blank(engineer):
    assessment = AssessmentFactory(owner=engineer)
    comp = Competency.objects.get(slug="mentoring")
    services.evidence_save(assessment=assessment, competency=comp, text="  first  ")
    services.evidence_save(assessment=assessment, competency=comp, text="second")
    assert list(assessment.evidence.values_list("text", flat=True)) == ["second"]
    assert services.evidence_save(assessment=assessment, competency=comp, text="   ") is None
    assert not assessment.evidence.exists()


def test_evidence_over_the_limit_is_refused(engineer):
    assessment = AssessmentFactory(owner=engineer)
    with pytest.raises(services.AssessmentError, match="under 2000 characters"):
        services.evidence_save(assessment=assessment, competency=Competency.objects.first(), text="x" * 2001)
    assert not assessment.evidence.exists()


def test_an_answer_another_tab_inserted_is_updated_in_one_statement(engineer, django_assert_num_queries):
    # One INSERT … SELECT … ON CONFLICT DO UPDATE: there is no moment between looking and writing in which
    # another tab's insert could slip in, and the later write wins. Its SELECT reads the assessment's row
    # FOR UPDATE on PostgreSQL, so a Finish under way is waited for (tests/faults races the two).
    assessment = AssessmentFactory(owner=engineer)
    item = _item()
    first = AnswerFactory(assessment=assessment, item=item, choice=0)
    with django_assert_num_queries(1):
        answer = services.answer_save(assessment=assessment, item=item, choice=3)
    assert answer.choice == 3
    assert list(assessment.answers.values_list("pk", "choice")) == [(first.pk, 3)]
    assert Answer.objects.get(pk=first.pk).answered_at > first.answered_at


def test_ratings_and_evidence_are_upserted_the_same_way(engineer, django_assert_num_queries):
    assessment = AssessmentFactory(owner=engineer, mode=Assessment.Mode.QUICK)
    comp = Competency.objects.first()
    services.rating_save(assessment=assessment, competency=comp, level=1)
    services.evidence_save(assessment=assessment, competency=comp, text="first")
    with django_assert_num_queries(2):  # each: one upsert, while the assessment is in progress
        services.rating_save(assessment=assessment, competency=comp, level=4)
        services.evidence_save(assessment=assessment, competency=comp, text="second")
    assert list(assessment.ratings.values_list("level", flat=True)) == [4]
    assert list(assessment.evidence.values_list("text", flat=True)) == ["second"]


# --- finishing ------------------------------------------------------------------------------------


def test_finish_scores_and_freezes_the_result(engineer):
    assessment = AssessmentFactory(owner=engineer)
    for item in Item.objects.filter(competency__slug="mentoring"):
        AnswerFactory(assessment=assessment, item=item, choice=len(item.options) - 1 if item.kind == "behaviour" else 0)
    done = services.assessment_finish(assessment=assessment)
    assert done.status == Assessment.Status.FINISHED
    assert done.finished_at is not None
    assert done.result["role"] == "ai-architect"
    assert done.result["levels"]["mentoring"] > 0
    assert done.readiness == done.result["readiness"]
    assert "mentoring" not in done.result["unanswered"]


def test_finish_without_a_role_scores_against_the_best_fitting_one(engineer):
    done = services.assessment_finish(assessment=AssessmentFactory(owner=engineer, not_sure=True))
    assert done.result["role_chosen"] is False
    assert done.result["role"] == done.result["role_fit"][0]["role"]


def test_finishing_twice_keeps_the_first_result(engineer):
    assessment = AssessmentFactory(owner=engineer, quick=True)
    RatingFactory(assessment=assessment, competency=Competency.objects.get(slug="mentoring"), level=2)
    first = services.assessment_finish(assessment=assessment)
    # Whatever happened to the rows since, a second finish (a double click) changes nothing.
    Rating.objects.filter(assessment=assessment).update(level=4)
    second = services.assessment_finish(assessment=assessment)
    assert second.finished_at == first.finished_at
    assert second.result == first.result
    assert second.result["levels"]["mentoring"] == 2.0
