"""The benchmark behind ``make bench``: realistic data, query counts, the engine's speed and HTTP load.

``seed`` and ``queries`` run inside Django (through the management commands ``seed_bench``,
``bench_queries`` and ``bench_targets`` in roadmaps/); ``run`` (``python -m bench``) drives
them, gunicorn and wrk from outside, one process per database.
"""
