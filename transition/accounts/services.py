from __future__ import annotations

from django.db import transaction

from transition.accounts.models import User


@transaction.atomic
def user_create(*, email: str, name: str, password: str | None, is_staff: bool = False) -> User:
    return User.objects.create_user(email=email, name=name, password=password, is_staff=is_staff)
