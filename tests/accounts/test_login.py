from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory
from transition.accounts.models import Email

pytestmark = pytest.mark.django_db


def _login(client, email, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_it_signs_in_by_email_ignoring_case(client):
    UserFactory(email="kim@example.com")
    response = _login(client, "KIM@example.com", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_a_wrong_password_says_so_in_place(client):
    UserFactory(email="kim@example.com")
    response = _login(client, "kim@example.com", "wrong")
    assert response.status_code == 200
    assert "Please enter a correct email address and password" in response.content.decode()


def test_logout_is_a_post(client):
    client.force_login(UserFactory())
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.url == reverse("landing")
    assert client.get(reverse("home")).status_code == 302


def test_password_change(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-passphrase",
            "new_password2": "another-long-passphrase",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-passphrase")


def test_password_reset_sends_a_working_link(client):
    UserFactory(email="kim@example.com")
    client.post(reverse("password_reset"), {"email": "kim@example.com"})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert response.context["validlink"]


def test_password_reset_does_not_reveal_unknown_addresses(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert not mail.outbox


def test_repeated_failures_lock_that_username_from_that_address(client, settings):
    UserFactory(email="kim@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "kim@example.com", "wrong", ip="10.0.0.9")
    locked = _login(client, "kim@example.com", PASSWORD, ip="10.0.0.9")
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()


def test_a_lockout_does_not_spread_to_colleagues_behind_the_same_address(client, settings):
    UserFactory(email="kim@example.com")
    UserFactory(email="lee@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "kim@example.com", "wrong", ip="10.0.0.9")
    assert _login(client, "lee@example.com", PASSWORD, ip="10.0.0.9").status_code == 302


def test_the_real_user_can_still_sign_in_from_another_address(client, settings):
    UserFactory(email="kim@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "kim@example.com", "wrong", ip="10.0.0.9")
    assert _login(client, "kim@example.com", PASSWORD, ip="192.0.2.7").status_code == 302


def test_the_lockout_has_a_finite_cool_off(settings):
    assert settings.AXES_COOLOFF_TIME.total_seconds() > 0


def test_changing_the_case_of_the_email_does_not_reset_the_count(client, settings):
    UserFactory(email="kim@example.com")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "kim@example.com" if n % 2 else "KIM@Example.com", "wrong", ip="10.0.0.9")
    assert _login(client, "Kim@example.com", PASSWORD, ip="10.0.0.9").status_code == 429


def test_an_attacker_spreading_guesses_over_many_addresses_is_slowed_per_account(client, settings):
    UserFactory(email="kim@example.com")
    for n in range(settings.ACCOUNT_FAILURE_LIMIT):
        # a fresh address for every guess stays under the per-address lockout
        _login(client, "kim@example.com", "wrong", ip=f"198.51.100.{n}")
    response = _login(client, "kim@example.com", PASSWORD, ip="203.0.113.5")
    assert response.status_code == 200
    assert "too many failed sign-ins to this account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_below_the_account_limit_the_real_user_signs_in_from_elsewhere(client, settings):
    UserFactory(email="kim@example.com")
    for n in range(settings.ACCOUNT_FAILURE_LIMIT - 1):
        _login(client, "kim@example.com", "wrong", ip=f"198.51.100.{n}")
    assert _login(client, "kim@example.com", PASSWORD, ip="203.0.113.5").status_code == 302


def test_the_account_limit_forgets_failures_after_the_cool_off(client, settings):
    UserFactory(email="kim@example.com")
    for n in range(settings.ACCOUNT_FAILURE_LIMIT):
        _login(client, "kim@example.com", "wrong", ip=f"198.51.100.{n}")
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
    assert _login(client, "kim@example.com", PASSWORD, ip="203.0.113.5").status_code == 302


def _spray(client, email: str, addresses: int = 6, each: int = 4) -> None:
    """24 wrong passwords over 6 addresses: each address stays under its own lockout."""
    for a in range(addresses):
        for _ in range(each):
            Client().post(
                reverse("login"), {"username": email, "password": "wrong"}, REMOTE_ADDR=f"198.51.100.{a + 10}"
            )


def test_the_owner_signs_in_from_a_known_device_during_a_distributed_attack(client, settings):
    UserFactory(email="kim@example.com")
    assert _login(client, "kim@example.com", PASSWORD, ip="203.0.113.5").status_code == 302  # marks this browser
    client.post(reverse("logout"))
    _spray(client, "kim@example.com")
    # The attacker, from a fresh address and with the right password even, stays paused:
    attacker = _login(Client(), "kim@example.com", PASSWORD, ip="198.51.100.99")
    assert attacker.status_code == 200
    assert "too many failed sign-ins to this account" in attacker.content.decode()
    # The owner, from their own browser (on another network today), gets in.
    assert _login(client, "kim@example.com", PASSWORD, ip="192.0.2.44").status_code == 302


def test_a_known_device_mark_for_another_account_or_an_old_password_does_not_help(client, settings):
    kim = UserFactory(email="kim@example.com")
    UserFactory(email="lee@example.com")
    assert _login(client, "lee@example.com", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    _spray(client, "kim@example.com")
    assert _login(client, "kim@example.com", PASSWORD, ip="192.0.2.44").status_code == 200

    other = Client()
    assert _login(other, "kim@example.com", PASSWORD, ip="192.0.2.45").status_code == 200  # still paused
    AccessAttempt.objects.all().delete()
    assert _login(other, "kim@example.com", PASSWORD, ip="192.0.2.45").status_code == 302
    other.post(reverse("logout"))
    kim.set_password("a-new-long-passphrase")
    kim.save()
    _spray(other, "kim@example.com")
    # The browser was marked under the old password: after a change, it is a stranger again.
    assert _login(other, "kim@example.com", "a-new-long-passphrase", ip="192.0.2.45").status_code == 200


def test_a_completed_password_reset_lifts_the_pause(client, settings):
    UserFactory(email="kim@example.com")
    _spray(client, "kim@example.com")
    assert _login(client, "kim@example.com", PASSWORD, ip="192.0.2.44").status_code == 200
    client.post(reverse("password_reset"), {"email": "kim@example.com"})
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/password/reset/" in line)
    form_page = client.get(link.split("testserver", 1)[1], follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert not AccessAttempt.objects.filter(username="kim@example.com").exists()
    _spray(client, "kim@example.com")  # the attacker carries on
    assert _login(client, "kim@example.com", "a-new-long-passphrase", ip="192.0.2.44").status_code == 302
    assert _login(Client(), "kim@example.com", "a-new-long-passphrase", ip="192.0.2.46").status_code == 200


def test_the_account_limit_keeps_an_attacker_under_100_failures_an_hour(settings):
    per_hour = settings.ACCOUNT_FAILURE_LIMIT * 3600 / settings.AXES_COOLOFF_TIME.total_seconds()
    assert per_hour <= 100  # ASVS 2.2.1


@pytest.mark.durable_queue
def test_a_password_reset_answers_without_waiting_for_the_mail_server(client, monkeypatch):
    def refused(self, messages):
        raise AssertionError("the reset page must not talk to the mail server")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refused)
    UserFactory(email="kim@example.com")
    response = client.post(reverse("password_reset"), {"email": "kim@example.com"})
    assert response.status_code == 302
    assert Email.objects.filter(to="kim@example.com", key__startswith="password-reset:").count() == 1
