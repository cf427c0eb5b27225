from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from transition.accounts.models import Share, User
from transition.identity.models import Organisation, ShareSuggestion

pytestmark = pytest.mark.django_db


def test_a_csv_provisions_people_and_suggests_managers(tmp_path):
    Organisation.objects.create(name="Example", domain="example.com")
    path = tmp_path / "people.csv"
    path.write_text(
        "user_name,email,name,manager,active\n"
        "ann@example.com,ann@example.com,Ann Example,boss@example.com,1\n"
        "boss@example.com,boss@example.com,Big Boss,,1\n"
    )
    call_command("import_directory", "example.com", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    ann = User.objects.get(email="ann@example.com")
    assert ShareSuggestion.objects.get(engineer=ann).manager.email == "boss@example.com"
    assert not Share.objects.exists()

    path.write_text("user_name,email,name,manager,active\nann@example.com,ann@example.com,Ann Example,,0\n")
    call_command("import_directory", "example.com", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    ann.refresh_from_db()
    assert not ann.is_active


def test_a_row_of_another_domain_is_refused(tmp_path):
    Organisation.objects.create(name="Example", domain="example.com")
    path = tmp_path / "people.csv"
    path.write_text("user_name,email,name\neve@other.test,eve@other.test,Eve\n")
    with pytest.raises(CommandError, match="line 2"):
        call_command("import_directory", "example.com", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not User.objects.filter(email="eve@other.test").exists()
