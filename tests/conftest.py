from __future__ import annotations

import os

import pytest
from django.core.management import call_command

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Production serves hashed files from collectstatic; tests read them from the source tree.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_at_once(request, settings):
    # Most tests read mail.outbox right after the request, so their background tasks run as they are
    # queued. Tests of the queue itself (marked durable_queue) keep the database backend and run a worker.
    if request.node.get_closest_marker("durable_queue"):
        return
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _empty_cache():
    # Each test's database starts afresh (ids are reused); so does what the app keeps about it.
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture
def framework_db(db):
    """The shipped framework, loaded into the test database."""
    call_command("load_framework", verbosity=0)


@pytest.fixture
def engineer(framework_db):
    """An engineer with the framework loaded, for the assessment and roadmap tests."""
    from tests.factories import UserFactory

    return UserFactory(name="Eng Ineer")


@pytest.fixture
def engineer_client(client, engineer):
    client.force_login(engineer)
    return client


@pytest.fixture
def htmx_headers():
    return {"HTTP_HX_REQUEST": "true"}
