"""Dates and numbers as pages show them, worked out once per value.

Django's date filter costs tens of microseconds a call (time zone, translated month names), and
the roadmap's comment threads and the team table draw the same few hundred moments on every load.
"""

from __future__ import annotations

import datetime
import functools
from typing import NamedTuple

from django.template.defaultfilters import floatformat
from django.utils import timezone, translation
from django.utils.formats import date_format


class Stamp(NamedTuple):
    iso: str  # for <time datetime>
    shown: str


def stamp(moment: datetime.datetime, shown: str) -> Stamp:
    """``moment`` in the current time zone, as ISO 8601 and in the date format ``shown``."""
    return _stamp(moment, shown, timezone.get_current_timezone_name())


@functools.lru_cache(maxsize=4096)
def _stamp(moment: datetime.datetime, shown: str, zone: str) -> Stamp:
    # The zone is part of the key because the shown time is local.
    local = timezone.localtime(moment)
    return Stamp(iso=local.isoformat(), shown=date_format(local, shown))


def fixed(value: float, places: int) -> str:
    """``value`` as ``{{ value|floatformat:places }}`` shows it in the current language, worked out once per value:
    the filter costs tens of microseconds a call, and a table of readiness figures draws hundreds."""
    return _fixed(value, places, translation.get_language())


@functools.lru_cache(maxsize=4096)
def _fixed(value: float, places: int, language: str | None) -> str:
    # The language is part of the key because the decimal mark is local.
    return floatformat(value, places)
