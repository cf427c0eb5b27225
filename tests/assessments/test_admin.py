from __future__ import annotations

import pytest

from assessments.models import Competency
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, framework_db):
    client.force_login(UserFactory(staff=True))
    return client


@pytest.mark.parametrize("model", ["competency", "item", "role", "action", "frameworkversion"])
def test_admin_shows_the_framework(admin_client, model):
    assert admin_client.get(f"/admin/assessments/{model}/").status_code == 200


def test_admin_cannot_add_change_or_delete_framework_rows(admin_client):
    comp = Competency.objects.get(slug="mentoring")
    assert admin_client.get("/admin/assessments/competency/add/").status_code == 403
    page = admin_client.get(f"/admin/assessments/competency/{comp.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    response = admin_client.post(f"/admin/assessments/competency/{comp.pk}/change/", {"name": "Changed"})
    assert response.status_code == 403
    comp.refresh_from_db()
    assert comp.name != "Changed"
    assert admin_client.post(f"/admin/assessments/competency/{comp.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Competency.objects.filter(pk=comp.pk).exists()
