from __future__ import annotations

import pytest

from tests.factories import UserFactory


@pytest.fixture
def engineer(framework_db):
    return UserFactory(name="Eng Ineer")


@pytest.fixture
def engineer_client(client, engineer):
    client.force_login(engineer)
    return client


def htmx(field: str = "") -> dict[str, str]:
    """Headers htmx sends when a form field triggers the request."""
    headers = {"HX-Request": "true"}
    if field:
        headers["HX-Trigger-Name"] = field
    return headers
