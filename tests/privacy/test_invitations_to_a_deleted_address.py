from __future__ import annotations

import pytest

from privacy.services import user_delete
from tests.accounts.sharing_factories import invite
from tests.factories import UserFactory
from transition.accounts.models import Email, Share

pytestmark = pytest.mark.django_db


def test_deleting_an_account_removes_other_engineers_pending_invitations_to_its_address():
    leaving = UserFactory(email="leaving@example.com")
    inviter = UserFactory()
    invite(inviter, "Leaving@Example.com")
    kept, _ = invite(inviter, "someone-else@example.com")
    user_delete(user=leaving)
    assert list(Share.objects.all()) == [kept]
    assert not Email.objects.filter(to="leaving@example.com").exists()
