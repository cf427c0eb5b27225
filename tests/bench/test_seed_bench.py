"""seed_bench writes thousands of accounts with a published password: only into the bench's own databases."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from bench.management.commands import seed_bench
from transition.accounts.models import User


@pytest.mark.django_db
def test_it_refuses_a_database_that_is_not_the_benchs_own(settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", "transition")
    with pytest.raises(CommandError) as refused:
        call_command("seed_bench", "--size", "small", verbosity=0)
    message = str(refused.value)
    assert "\n" not in message
    assert "only seeds the bench's own databases (transition_bench_*)" in message
    assert "'transition'" in message
    assert not User.objects.exists(), "nothing is written before the refusal"


@pytest.mark.parametrize(("name", "debug"), [("transition_bench_small", False), ("transition_bench_large", False)])
def test_the_benchs_own_databases_are_seeded(settings, monkeypatch, name, debug):
    settings.DEBUG = debug
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", name)
    assert seed_bench._refusal() == ""


def test_a_local_database_under_debug_is_seeded(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", "db.sqlite3")
    assert seed_bench._refusal() == ""
