"""Signing in with a password, and reading the signed-in person on every request.

Every signed-in page reads the person and, for the header, their unread notifications and whether
anyone shares with them (only then is there a Team page). Django's ModelBackend reads the person with
one ORM query and the header took a second: here one statement, written once per process, brings both.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import connection

from transition.accounts.models import Notification, Share, User
from transition.lib.statements import quoted

# The backend a password (or an identity provider) signs people in with: its path is kept in the session.
PASSWORD_BACKEND = "transition.accounts.backends.UserBackend"  # noqa: S105  # nosec B105: a dotted path


@functools.cache
def _user_sql() -> str:
    """The person, with ``header_unread`` and ``header_follows`` beside their columns.

    Built from the models' table and column names; only quoted names go into the text, the values are
    parameters. Compiled by the ORM (two subqueries, two annotations) it cost more CPU than the rest of
    the smallest page to draw, for the same SQL every time.
    """
    notification, share, user = Notification._meta, Share._meta, User._meta
    quote = connection.ops.quote_name

    col = quoted

    return (
        f"SELECT u.*,"  # noqa: S608  # nosec B608
        f" (SELECT COUNT(*) FROM {quote(notification.db_table)} n"
        f" WHERE n.{col(notification, 'recipient')} = u.{col(user, 'id')}"
        f" AND n.{col(notification, 'read_at')} IS NULL) AS header_unread,"
        f" EXISTS(SELECT 1 FROM {quote(share.db_table)} s JOIN {quote(user.db_table)} e"
        f" ON e.{col(user, 'id')} = s.{col(share, 'engineer')}"
        f" WHERE s.{col(share, 'person')} = u.{col(user, 'id')} AND s.{col(share, 'status')} = %s"
        f" AND e.{col(user, 'is_active')}) AS header_follows"
        f" FROM {quote(user.db_table)} u WHERE u.{col(user, 'id')} = %s"
    )


class UserBackend(ModelBackend):
    """Django's ModelBackend, reading the signed-in person and what the header shows in one query."""

    def get_user(self, user_id: Any) -> User | None:  # type: ignore[override]
        found = list(User._default_manager.raw(_user_sql(), [Share.Status.ACTIVE.value, user_id]))
        if not found:
            return None
        user = found[0]
        return user if self.user_can_authenticate(user) else None
