"""Guessing one user's password from many addresses is throttled per user name, slower than
the lock per user name and address, and only for a while."""

import datetime as dt

from axes.models import AccessFailureLog
from django.conf import settings
from django.test import Client

PASSWORD = "the right password"


def attempt(address: str, username: str, password: str):
    return Client(REMOTE_ADDR=address).post(
        "/accounts/login/", {"username": username, "password": password}
    )


def guess_from_many_addresses(username: str) -> None:
    for n in range(settings.FREMDRIFT_LOGIN_USERNAME_LIMIT):
        response = attempt(f"203.0.113.{n + 1}", username, f"guess {n}")
        assert response.status_code == 200  # a wrong password, said as always


def test_guesses_from_many_addresses_against_one_user_name_are_throttled(world):
    world.caseworker.set_password(PASSWORD)
    world.caseworker.save()
    guess_from_many_addresses("caseworker")

    # Even the right password, from an address never seen, is refused for now: the answer
    # must not tell a guesser that the guess was right.
    refused = attempt("198.51.100.20", "caseworker", PASSWORD)
    assert refused.status_code == 429
    assert (
        "Der har været for mange forkerte forsøg på at logge ind som denne bruger"
        in refused.content.decode()
    )
    assert "_auth_user_id" not in refused.client.session

    # Other users are not affected.
    world.colleague.set_password(PASSWORD)
    world.colleague.save()
    assert attempt("198.51.100.20", "colleague", PASSWORD).status_code == 302


def test_the_throttle_ends_when_the_guesses_are_older_than_the_window(world):
    world.caseworker.set_password(PASSWORD)
    world.caseworker.save()
    guess_from_many_addresses("caseworker")
    assert attempt("198.51.100.20", "caseworker", PASSWORD).status_code == 429

    window = dt.timedelta(minutes=settings.FREMDRIFT_LOGIN_USERNAME_WINDOW_MINUTES)
    for failure in AccessFailureLog.objects.filter(username="caseworker"):
        failure.attempt_time -= window
        failure.save()
    assert attempt("198.51.100.20", "caseworker", PASSWORD).status_code == 302


def test_fewer_guesses_than_the_limit_do_not_throttle(world):
    world.caseworker.set_password(PASSWORD)
    world.caseworker.save()
    for n in range(settings.FREMDRIFT_LOGIN_USERNAME_LIMIT - 1):
        attempt(f"203.0.113.{n + 1}", "caseworker", "wrong")
    assert attempt("198.51.100.20", "caseworker", PASSWORD).status_code == 302
