from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

import factory
from django.utils import timezone

from assessments import content, scoring
from assessments import services as assessment_services
from assessments.models import Answer, Assessment, Competency, Item, Rating, Role
from transition.accounts.models import Share, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Params:
        staff = factory.Trait(is_staff=True, is_superuser=True)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def _empty_result(assessment) -> dict:
    # A finished assessment needs a stored result; with no answers every level is 0.
    role = assessment.role.slug if assessment.role else None
    return scoring.score(content.get_framework(), scoring.Answers(), role).model_dump(mode="json")


class AssessmentFactory(factory.django.DjangoModelFactory):
    """An assessment of the loaded framework (use with the ``framework_db`` fixture).

    ``finished=True`` stores the result of no answers; to finish with answers, create
    them on an open assessment and call ``services.assessment_finish``.
    """

    class Meta:
        model = Assessment

    owner = factory.SubFactory(UserFactory)
    role = factory.LazyFunction(lambda: Role.objects.get(slug="ai-architect"))
    mode = Assessment.Mode.FULL
    status = Assessment.Status.IN_PROGRESS
    framework_version = factory.LazyFunction(lambda: content.get_framework().version)

    class Params:
        quick = factory.Trait(mode=Assessment.Mode.QUICK)
        not_sure = factory.Trait(role=None)
        finished = factory.Trait(
            status=Assessment.Status.FINISHED,
            finished_at=factory.LazyFunction(timezone.now),
            result=factory.LazyAttribute(_empty_result),
            readiness=factory.LazyAttribute(lambda a: a.result["readiness"]),
        )


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    assessment = factory.SubFactory(AssessmentFactory)
    item = factory.LazyFunction(lambda: Item.objects.first())
    choice = 0


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    assessment = factory.SubFactory(AssessmentFactory, quick=True)
    competency = factory.LazyFunction(lambda: Competency.objects.first())
    level = 0


class ShareFactory(factory.django.DjangoModelFactory):
    """A share as it stands after the invitation was accepted; Traits for the other states."""

    class Meta:
        model = Share

    engineer = factory.SubFactory(UserFactory)
    person = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda share: share.person.email)
    relation = Share.Relation.MENTOR
    status = Share.Status.ACTIVE
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    accepted_at = factory.LazyFunction(timezone.now)

    class Params:
        manager = factory.Trait(relation=Share.Relation.MANAGER)
        revoked = factory.Trait(status=Share.Status.REVOKED, ended_at=factory.LazyFunction(timezone.now))
        left = factory.Trait(status=Share.Status.LEFT, ended_at=factory.LazyFunction(timezone.now))
        pending = factory.Trait(status=Share.Status.PENDING, accepted_at=None)


def finished_assessment(
    owner: User | None = None,
    level: int | None = None,
    *,
    role: str | None = "ai-architect",
    levels: Mapping[str, int] | None = None,
) -> Assessment:
    """A quick-mode assessment, rated and finished through the services, as an engineer would.

    ``level`` rates every competency (``levels`` overrides some); without it only ``levels`` are rated
    and the rest stay as before, or 0: a second call for the same owner is a re-assessment, which
    starts from the previous ratings. Use with the ``framework_db`` fixture.
    """
    owner = owner or UserFactory()
    assessment = assessment_services.assessment_start(
        owner=owner, role=Role.objects.get(slug=role) if role else None, mode=Assessment.Mode.QUICK
    )
    competencies = Competency.objects.in_bulk(field_name="slug")
    wanted = dict.fromkeys(competencies, level) if level is not None else {}
    wanted.update(levels or {})
    for slug, rated in wanted.items():
        assessment_services.rating_save(assessment=assessment, competency=competencies[slug], level=rated)
    return assessment_services.assessment_finish(assessment=assessment)
