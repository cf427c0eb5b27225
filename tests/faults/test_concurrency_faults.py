"""Twenty clients at once on PostgreSQL, each with its own connection: autosaves racing Finish, and a
double-submitted invitation. Counts lost and duplicated writes and 500s; all must be 0."""

from __future__ import annotations

import random
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connections
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from assessments import content, scoring
from assessments.models import Answer, Assessment, Item
from assessments.selectors import answers_of
from tests.factories import AssessmentFactory, UserFactory
from tests.faults.conftest import report
from transition.accounts.models import Share
from transition.lib.http import INVALID

CLIENTS = 20
ROUNDS = 8


def _together(calls) -> list:
    """Run the calls in threads that start together (a barrier, then 0–20 ms of jitter)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(n: int, call) -> None:
        try:
            barrier.wait()
            time.sleep(random.random() * 0.02)
            results[n] = call()
        except Exception as exc:  # a crash in a thread is counted, not lost
            results[n] = exc
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def _autosave(client: Client, assessment: Assessment, item: Item):
    field = f"item-{item.slug}"
    url = reverse("assessments:section", args=[assessment.pk, item.competency.slug])
    return item, client.post(url, {field: "1"}, headers={"HX-Request": "true", "HX-Trigger-Name": field})


def _finish(client: Client, assessment: Assessment):
    return None, client.post(reverse("assessments:finish", args=[assessment.pk]))


def test_twenty_clients_autosaving_while_one_finishes_lose_nothing(postgres):
    call_command("load_framework", verbosity=0)
    engineer = UserFactory()
    items = list(Item.objects.filter(retired=False).select_related("competency").order_by("?")[: CLIENTS - 1])
    errors = lost = saved_after_freeze = refused = saved = inconsistent = duplicates = 0
    for _ in range(ROUNDS):
        assessment = AssessmentFactory(owner=engineer)
        clients = []
        for _ in range(CLIENTS):
            client = Client()
            client.force_login(engineer)
            clients.append(client)

        calls = [lambda c=c, i=i, a=assessment: _autosave(c, a, i) for c, i in zip(clients, items, strict=False)]
        calls.append(lambda c=clients[-1], a=assessment: _finish(c, a))
        results = _together(calls)

        assessment.refresh_from_db()
        stored = {a.item_id: a for a in Answer.objects.filter(assessment=assessment)}
        for result in results:
            if isinstance(result, Exception) or result[1].status_code >= 500:
                errors += 1
                continue
            item, response = result
            if item is None:
                continue
            body = response.content.decode()
            if response.status_code == 200 and "Saved" in body:
                saved += 1
                answer = stored.get(item.pk)
                if answer is None:
                    lost += 1
                elif answer.answered_at > assessment.finished_at:
                    saved_after_freeze += 1
            elif response.status_code == INVALID and "assessment is finished" in body:
                refused += 1
                if item.pk in stored:
                    lost += 1  # refused, yet written: the person was told something untrue
            else:
                errors += 1
        assert assessment.status == Assessment.Status.FINISHED
        rescored = scoring.score(content.get_framework(), answers_of(assessment), assessment.role.slug)
        inconsistent += rescored.model_dump(mode="json") != assessment.result
        duplicates += (
            Answer.objects.filter(assessment=assessment).values("item").annotate(n=Count("pk")).filter(n__gt=1).count()
        )
    report(
        "autosave vs finish",
        rounds=ROUNDS,
        clients=CLIENTS,
        saved=saved,
        refused_as_finished=refused,
        lost=lost,
        saved_after_freeze=saved_after_freeze,
        results_inconsistent=inconsistent,
        duplicates=duplicates,
        errors_500=errors,
    )
    assert saved + refused == ROUNDS * (CLIENTS - 1)
    assert (lost, saved_after_freeze, inconsistent, duplicates, errors) == (0, 0, 0, 0, 0)


def test_a_double_submitted_invitation_leaves_one_pending_link(postgres):
    engineer = UserFactory()
    clients = []
    for _ in range(10):
        client = Client()
        client.force_login(engineer)
        clients.append(client)
    results = _together(
        [
            lambda c=c: c.post(reverse("sharing:list"), {"email": "boss@example.com", "relation": "manager"})
            for c in clients
        ]
    )
    errors = sum(1 for r in results if isinstance(r, Exception) or r.status_code >= 500)
    pending = Share.objects.filter(engineer=engineer, email="boss@example.com", status=Share.Status.PENDING).count()
    report("double-submitted invitation", requests=len(results), pending=pending, errors_500=errors)
    assert errors == 0
    assert pending == 1


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    # These tests are about the writes; their emails are the mail tests' business.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
