from __future__ import annotations

from django.apps import AppConfig


class TeamConfig(AppConfig):
    """The manager's and mentor's pages: the team dashboard, one engineer read-only, ratings. No models."""

    name = "team"
    verbose_name = "Team"
