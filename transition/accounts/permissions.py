"""Who may see whose data. Decided here, in Python, before any page is built."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Model
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpRequest

from transition.accounts.models import Share, User
from transition.lib.statements import quoted


@dataclass(frozen=True)
class Access:
    """What the signed-in person may see of one engineer's data, and in which capacity."""

    engineer: User
    is_owner: bool
    relations: frozenset[str]
    include_private: bool

    @property
    def is_manager(self) -> bool:
        return Share.Relation.MANAGER in self.relations

    @property
    def is_mentor(self) -> bool:
        return Share.Relation.MENTOR in self.relations

    @property
    def sees_private(self) -> bool:
        """Free-text evidence and notes: the owner, or a share the engineer opened them to."""
        return self.is_owner or self.include_private

    @property
    def can_comment(self) -> bool:
        # Comments are a conversation between the engineer and their mentors.
        return self.is_owner or self.is_mentor

    @property
    def can_rate(self) -> bool:
        return self.is_manager


def access_to(viewer: User, engineer: User) -> Access | None:
    if viewer.pk == engineer.pk:
        return Access(engineer=engineer, is_owner=True, relations=frozenset(), include_private=True)
    shares = list(
        Share.objects.filter(engineer=engineer, person=viewer, status=Share.Status.ACTIVE).values_list(
            "relation", "include_private"
        )
    )
    if not shares:
        return None
    return Access(
        engineer=engineer,
        is_owner=False,
        relations=frozenset(relation for relation, _ in shares),
        include_private=any(private for _, private in shares),
    )


def get_access(request: HttpRequest, engineer_pk: int, relation: str | None = None) -> Access:
    """The viewer's access to this engineer, or 404 — never 403, which would confirm the person exists."""
    engineer = User.objects.filter(pk=engineer_pk, is_active=True).first()
    access = access_to(request.user, engineer) if engineer is not None else None  # type: ignore[arg-type]
    if access is None or (relation is not None and not access.is_owner and relation not in access.relations):
        raise Http404("Nothing here.")
    return access


@functools.cache
def _mentors_sql(owner_table: str, owner_pk: str, owner_column: str) -> str:
    share, quote = Share._meta, connection.ops.quote_name

    def col(name: str) -> str:
        return quoted(share, name)

    return (
        f"EXISTS(SELECT 1 FROM {quote(share.db_table)} s JOIN {quote(owner_table)} o"  # noqa: S608  # nosec B608
        f" ON o.{quote(owner_column)} = s.{col('engineer')}"
        f" WHERE o.{quote(owner_pk)} = %s AND s.{col('person')} = %s AND s.{col('status')} = %s"
        f" AND s.{col('relation')} = %s)"
    )


def is_mentor_of(viewer: User, owned_by: type[Model], pk: int, owner: str = "owner") -> RawSQL:
    """Whether ``viewer`` is an active mentor of the owner of row ``pk`` of ``owned_by``, as an expression a
    query can carry, so whether they may comment is read with what is commented on (access_to's share query
    was one of every comment post's statements). The same rule as Access.can_comment for someone who is not
    the engineer. Written out: compiled by the ORM as an EXISTS it cost more CPU than the query it saved.

    Built from the models' table and column names; only quoted names go into the text, the values are
    parameters."""
    meta = owned_by._meta
    sql = _mentors_sql(meta.db_table, meta.pk.column, meta.get_field(owner).column)  # type: ignore[union-attr]
    # The text is _mentors_sql's, names only; every value is a parameter.
    params = [pk, viewer.pk, Share.Status.ACTIVE.value, Share.Relation.MENTOR.value]
    return RawSQL(sql, params, BooleanField())  # noqa: S611  # nosec B611
