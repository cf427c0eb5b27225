from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from assessments import content, results, services
from assessments.forms import StartForm
from assessments.models import Assessment, Role
from assessments.permissions import get_assessment_for_user
from assessments.selectors import (
    Questionnaire,
    Section,
    finished_assessments,
    latest_assessments,
    prefill_source,
    questionnaire,
)
from transition.accounts.http import AuthenticatedHttpRequest
from transition.accounts.models import User
from transition.lib.http import INVALID, is_partial
from transition.lib.statements import exists
from transition.lib.text import lead_and_rest

# The answer to an htmx save: the field's status and, out of band, the progress bar.
FIELD_STATUS = "assessments/includes/questionnaire.html#field_status"


MODES = [
    (
        Assessment.Mode.FULL,
        "Full questionnaire",
        "about 30 minutes",
        "What you have done, and work scenarios that test judgement. The most reliable result, blind spots included.",
    ),
    (
        Assessment.Mode.QUICK,
        "Quick self-rating",
        "about 3 minutes",
        "Pick your level on each of the 21 competencies. Fast, but it rests on your own view alone.",
    ),
]


@require_GET
@login_not_required
def sources(request: HttpRequest) -> HttpResponse:
    """The five articles the framework cites; each citation on the site links to its entry here."""
    framework = content.get_framework()
    cited_by: dict[str, list[str]] = {slug: [] for slug in content.SOURCE_SLUGS}
    for role in framework.roles:
        for citation in role.sources:
            if role.name not in cited_by[citation.source]:
                cited_by[citation.source].append(role.name)
    entries = [(source, cited_by[source.slug]) for source in content.get_sources().values()]
    return render(request, "assessments/sources.html", {"entries": entries, "version": framework.version})


@require_GET
@login_not_required
def framework_changelog(request: HttpRequest) -> HttpResponse:
    """The framework's version and what changed in each version, newest first."""
    framework = content.get_framework()
    return render(request, "assessments/framework.html", {"framework": framework})


@require_http_methods(["GET", "POST"])
def assessment_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    roles = list(Role.objects.all())
    in_progress, finished = latest_assessments(request.user)
    initial = {}
    if finished is not None:
        initial = {"role": finished.role.slug if finished.role else "not-sure", "mode": finished.mode}
    form = StartForm(request.POST or None, roles=roles, initial=initial)
    if request.method == "POST" and form.is_valid():
        assessment = services.assessment_start(
            owner=request.user, role=form.chosen_role(), mode=form.cleaned_data["mode"]
        )
        # Said only when something was copied: a mode's first run starts blank whatever came before.
        filled = (assessment.answers if assessment.mode == Assessment.Mode.FULL else assessment.ratings).count()
        if filled:
            said = "1 answer from last time is" if filled == 1 else f"{filled} answers from last time are"
            messages.info(request, f"{said} filled in: change what is different now.")
        return redirect("assessments:resume", pk=assessment.pk)
    # Each mode says whether it starts from earlier answers: the two modes copy different kinds.
    modes = [
        (
            mode,
            title,
            minutes,
            text,
            prefill_source(request.user, mode, finished),
        )
        for mode, title, minutes, text in MODES
    ]
    cards = [(role, *lead_and_rest(role.summary)) for role in roles]
    context = {
        "form": form,
        "role_cards": cards,
        "in_progress": in_progress,
        "finished": finished,
        "modes": modes,
    }
    return render(request, "assessments/start.html", context, status=INVALID if form.errors else 200)


@require_GET
def assessment_resume(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for_user(request, pk)
    if assessment.is_finished:
        return redirect("assessments:results", pk=pk)
    if assessment.mode == Assessment.Mode.QUICK:
        return redirect("assessments:quick", pk=pk)
    slug = questionnaire(assessment).first_open_section().competency.slug
    return redirect("assessments:section", pk=pk, slug=slug)


def _save_field(
    assessment: Assessment, q: Questionnaire, sections: list[Section], name: str, value: str
) -> Questionnaire:
    """Save one form field and return the questionnaire as it now stands; raise AssessmentError
    with a message for the person."""
    kind, _, slug = name.partition("-")
    # Each mode's page shows one kind of answer. A question answered through the quick page (or a
    # rating through a section) would be invisible there, yet items outrank ratings in the score.
    quick = assessment.mode == Assessment.Mode.QUICK
    if kind == "item":
        item = None if quick else next((i for s in sections for i in s.items if i.slug == slug), None)
        if item is None:
            raise services.AssessmentError("That question is not part of this page.")
        try:
            choice = int(value)
        except ValueError:
            raise services.AssessmentError("Choose one of the options given.") from None
        services.answer_save(assessment=assessment, item=item, choice=choice)
        return q.with_saved(item=item, choice=choice)
    section = next((s for s in sections if s.competency.slug == slug), None)
    if section is None:
        raise services.AssessmentError("That competency is not part of this page.")
    if kind == "rating" and quick:
        try:
            level = int(value)
        except ValueError:
            raise services.AssessmentError("Choose a level from 0 to 4.") from None
        services.rating_save(assessment=assessment, competency=section.competency, level=level)
        return q.with_saved(competency=section.competency, level=level)
    if kind == "evidence":
        services.evidence_save(assessment=assessment, competency=section.competency, text=value)
        return q
    raise services.AssessmentError("That field is not part of this page.")


def _save_page(
    request: AuthenticatedHttpRequest, assessment: Assessment, q: Questionnaire, sections: list[Section]
) -> dict:
    """Save every field the form sent (a plain post, without JavaScript); return errors by field."""
    errors: dict[str, str] = {}
    for name in request.POST:
        if name.startswith(("item-", "rating-", "evidence-")):
            try:
                _save_field(assessment, q, sections, name, request.POST[name])
            except services.AssessmentError as exc:
                errors[name] = str(exc)
    return errors


def _questionnaire_page(
    request: AuthenticatedHttpRequest,
    assessment: Assessment,
    q: Questionnaire,
    sections: list[Section],
    template: str,
    **extra,
) -> HttpResponse:
    if request.method == "POST" and assessment.is_finished:
        message = "This assessment is finished, so its answers can no longer change. Start a re-assessment instead."
        if request.htmx:
            context = {"q": q, "field": request.htmx.trigger_name or "", "error": message, "oob": True}
            return render(request, FIELD_STATUS, context, status=INVALID)
        messages.error(request, message)
        return redirect("assessments:results", pk=assessment.pk)
    if request.method == "POST" and request.htmx:
        # One answer per request: only the field that changed is saved, so two tabs never overwrite each other.
        field = request.htmx.trigger_name or ""
        try:
            # Only this answer changed: the counts are updated in memory, not read again.
            q = _save_field(assessment, q, sections, field, request.POST.get(field, ""))
        except services.AssessmentError as exc:
            context = {"q": q, "field": field, "error": str(exc), "oob": True}
            return render(request, FIELD_STATUS, context, status=INVALID)
        # In the full questionnaire the section's count in the side navigation changes too.
        s = q.section(sections[0].competency.slug) if len(sections) == 1 else None
        return render(request, FIELD_STATUS, {"q": q, "field": field, "oob": True, "s": s})
    errors = {}
    if request.method == "POST":
        errors = _save_page(request, assessment, q, sections)
        if not errors:
            target = extra.get("after_save") or reverse("assessments:resume", args=[assessment.pk])
            go = request.POST.get("go", "")
            if go == "prev" and extra.get("prev"):
                target = extra["prev"]
            elif go == "next" and extra.get("next"):
                target = extra["next"]
            elif go == "review":
                target = reverse("assessments:review", args=[assessment.pk])
            messages.success(request, "Your answers are saved.")
            return redirect(target)
        q = questionnaire(assessment)
    context = {"assessment": assessment, "q": q, "errors": errors, "fields": _fields(q, sections, errors), **extra}
    return render(request, template, context, status=INVALID if errors else 200)


def _fields(q: Questionnaire, sections: list[Section], errors: dict[str, str]) -> list[dict]:
    """What each section shows: its questions with the chosen option and any error, by form field name."""
    shown = []
    for section in sections:
        slug = section.competency.slug
        shown.append(
            {
                "section": section,
                "rating": {"field": f"rating-{slug}", "chosen": section.rating, "error": errors.get(f"rating-{slug}")},
                "evidence": {"field": f"evidence-{slug}", "error": errors.get(f"evidence-{slug}")},
                "items": [
                    {
                        "item": item,
                        "field": f"item-{item.slug}",
                        "chosen": (chosen := q.choices.get(item.pk)),
                        # Each option's value and whether it is checked, worked out here: the template's
                        # loop drew them with a localised number and a comparison per option.
                        "options": [(str(n), n == chosen, option["label"]) for n, option in enumerate(item.options)],
                        "error": errors.get(f"item-{item.slug}"),
                    }
                    for item in section.items
                ],
            }
        )
    return shown


@require_http_methods(["GET", "POST"])
def assessment_section(request: AuthenticatedHttpRequest, pk: int, slug: str) -> HttpResponse:
    assessment = get_assessment_for_user(request, pk)
    if assessment.mode == Assessment.Mode.QUICK:
        return redirect("assessments:quick", pk=pk)
    if assessment.is_finished and request.method == "GET":
        return redirect("assessments:results", pk=pk)
    # An htmx autosave answers with counts only, never the evidence texts; a section shows no ratings.
    q = questionnaire(assessment, evidence=not (request.method == "POST" and request.htmx), ratings=False)
    section = q.section(slug)
    if section is None:
        raise Http404("No such section.")
    index = q.sections.index(section)
    prev = q.sections[index - 1] if index > 0 else None
    nxt = q.sections[index + 1] if index + 1 < len(q.sections) else None
    return _questionnaire_page(
        request,
        assessment,
        q,
        [section],
        "assessments/section.html",
        section=section,
        number=index + 1,
        prev=reverse("assessments:section", args=[pk, prev.competency.slug]) if prev else None,
        next=reverse("assessments:section", args=[pk, nxt.competency.slug]) if nxt else None,
        after_save=reverse("assessments:review", args=[pk]) if nxt is None else None,
        level_names=content.LEVEL_NAMES,
        nav=_sections_nav(pk, q, section),
    )


@dataclass(frozen=True)
class NavSection:
    name: str
    slug: str
    url: str
    current: bool
    complete: bool
    count: str  # "3/5": answered of the section's questions


def _sections_nav(pk: int, q: Questionnaire, current: Section) -> list[NavSection]:
    """The side navigation's sections: one address reversed for all of them, counts as text."""
    head, tail = reverse("assessments:section", args=[pk, _SLUG]).split(_SLUG)
    return [
        NavSection(
            name=s.competency.name,
            slug=s.competency.slug,
            url=f"{head}{s.competency.slug}{tail}",  # slugs are [a-z0-9-]: nothing to quote
            current=s is current,
            complete=s.complete,
            count=f"{s.answered}/{len(s.items)}",
        )
        for s in q.sections
    ]


_SLUG = "section-slug"


@require_http_methods(["GET", "POST"])
def assessment_quick(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for_user(request, pk)
    if assessment.mode != Assessment.Mode.QUICK:
        return redirect("assessments:resume", pk=pk)
    if assessment.is_finished and request.method == "GET":
        return redirect("assessments:results", pk=pk)
    q = questionnaire(assessment, evidence=not (request.method == "POST" and request.htmx))
    return _questionnaire_page(
        request,
        assessment,
        q,
        q.sections,
        "assessments/quick.html",
        after_save=reverse("assessments:review", args=[pk]),
        level_names=content.LEVEL_NAMES,
    )


@require_GET
def assessment_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Before finishing: what is answered, what is not, and the finish button."""
    assessment = get_assessment_for_user(request, pk)
    if assessment.is_finished:
        return redirect("assessments:results", pk=pk)
    q = questionnaire(assessment)
    return render(request, "assessments/review.html", {"assessment": assessment, "q": q})


@require_POST
def assessment_finish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = services.assessment_finish(assessment=get_assessment_for_user(request, pk))
    url = reverse("assessments:results", args=[assessment.pk])
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@require_GET
def assessment_results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for_user(request, pk)
    if not assessment.is_finished:
        messages.info(request, "Finish the assessment to see your results.")
        return redirect("assessments:review", pk=pk)
    template = "assessments/results.html"
    role_view_only = is_partial(request)
    context = results.results_context(assessment, request.GET.get("role"), role_view_only=role_view_only)
    if role_view_only:
        template += "#role_view"
    else:
        # The roadmap link sits outside the role view, so the role switch does not need it. It goes to the
        # roadmap app's "new" page, which opens the re-plan when there is a roadmap; only its label asks.
        context["has_roadmap"] = exists(_roadmaps(), "owner", request.user.pk)
    return render(request, template, context)


def _roadmaps() -> Any:
    # The roadmaps app sits above this one (tests/test_layout.py): its model is reached through the
    # person's relation to it, as the ORM's roadmap__isnull did, not imported.
    return User._meta.get_field("roadmap").related_model


@require_GET
def assessment_scenarios(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Each scenario answered, with the option chosen and the strongest one: fetched by htmx when the results
    page's closed list is first opened, and a page of its own without JavaScript. Which option was picked
    stays between the engineer and the app, so only the owner reaches it, as with the results."""
    assessment = get_assessment_for_user(request, pk)
    if not assessment.is_finished:
        messages.info(request, "Finish the assessment to see your results.")
        return redirect("assessments:review", pk=pk)
    template = "assessments/scenarios.html"
    if is_partial(request):
        template += "#review"
    context = {"assessment": assessment, "scenarios": results.scenario_review(assessment, content.get_framework())}
    return render(request, template, context)


@require_GET
def assessment_history(request: AuthenticatedHttpRequest) -> HttpResponse:
    assessments = Assessment.objects.filter(owner=request.user).select_related("role")
    finished = finished_assessments([request.user.pk], levels=True).get(request.user.pk, [])
    context = {"assessments": assessments, "history": results.history_charts(finished), "who": "you"}
    return render(request, "assessments/history.html", context)
