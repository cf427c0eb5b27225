"""transition.lib.statements: the written statements hot requests use instead of the ORM must read and
write what the ORM does, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from assessments.models import Action
from tests.factories import UserFactory
from transition.accounts.models import Notification
from transition.lib import statements


@pytest.mark.django_db
def test_insert_writes_what_save_writes(engineer):
    before = timezone.now()
    written = statements.insert(Notification(recipient=engineer, actor=None, kind="comment", text="Hello", url="/x"))
    assert written.pk is not None
    assert not written._state.adding
    saved = Notification.objects.create(recipient=engineer, actor=None, kind="comment", text="Hello", url="/x")
    read = Notification.objects.get(pk=written.pk)
    for field in Notification._meta.concrete_fields:
        if field.attname not in {"id", "created_at"}:
            assert getattr(read, field.attname) == getattr(saved, field.attname), field.name
    # auto_now_add stamped as save() stamps it, and read back unchanged.
    assert before <= read.created_at <= timezone.now()
    assert read.created_at == written.created_at
    assert read.read_at is None


@pytest.mark.django_db
def test_insert_refuses_a_model_with_database_defaults():
    # save() reads database defaults back; insert() does not, so it must not be used for such a model.
    with pytest.raises(TypeError, match="defaults"):
        statements.insert(Action(slug="x"))


@pytest.mark.django_db
def test_exists_and_a_row_read_by_one_with(engineer):
    assert not statements.exists(Notification, "recipient", engineer.pk)
    made = Notification.objects.create(recipient=engineer, actor=engineer, kind="comment", text="Hi")
    assert statements.exists(Notification, "recipient", engineer.pk)
    read = statements.OneWith(Notification, related=["recipient", "actor"], where=["id"]).get([made.pk])
    orm = Notification.objects.select_related("recipient", "actor").get(pk=made.pk)
    assert read.created_at == orm.created_at
    assert isinstance(read.created_at, datetime.datetime)
    assert read.recipient.email == orm.recipient.email
    assert read.actor.pk == engineer.pk
    assert statements.OneWith(Notification, related=[], where=["id"]).get([made.pk + 1000]) is None


@pytest.mark.django_db
def test_count_matches_the_orm_with_and_without_nulls(engineer):
    Notification.objects.create(recipient=engineer, actor=None, kind="comment", text="a")
    Notification.objects.create(recipient=engineer, actor=engineer, kind="comment", text="b")
    assert statements.count(Notification, recipient=engineer.pk) == 2
    assert statements.count(Notification, recipient=engineer.pk, actor=None) == 1
    assert statements.count(Notification, recipient=engineer.pk, actor=engineer.pk) == 1
    assert statements.count(Notification, recipient=engineer.pk + 1000) == 0


@pytest.mark.django_db
def test_every_row_read_by_one_with_in_order_with_empty_keys(engineer):
    manager = UserFactory()
    mine = [Notification.objects.create(recipient=engineer, actor=None, kind="comment", text=t) for t in "ba"]
    Notification.objects.create(recipient=engineer, actor=manager, kind="comment", text="from a person")
    Notification.objects.create(recipient=manager, actor=None, kind="comment", text="someone else's")
    rows = statements.OneWith(
        Notification, related=["recipient", "actor"], where=["recipient"], null=["actor"], order=["text"]
    ).all([engineer.pk])
    orm = Notification.objects.filter(recipient=engineer, actor=None).select_related("recipient").order_by("text")
    assert [r.pk for r in rows] == [n.pk for n in orm] == [mine[1].pk, mine[0].pk]
    assert all(r.actor is None for r in rows)
    assert all(r.recipient.email == engineer.email for r in rows)
    assert statements.OneWith(Notification, related=[], where=["recipient"]).all([statements.BIGGEST_ID + 1]) == []
