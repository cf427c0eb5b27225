from __future__ import annotations

from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark and the demo data: management commands only, no models. No other app imports it."""

    name = "bench"
    verbose_name = "Benchmark and demo data"
