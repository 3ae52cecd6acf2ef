"""The Django admin's sign-in (allauth's page, ``?next=/admin/``) is throttled per address and per username."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

ADMIN_SIGN_IN = "/accounts/login/?next=/admin/"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def _attempt(client, username="root@example.org", password="wrong", address="10.0.0.1"):  # noqa: S107
    return client.post(ADMIN_SIGN_IN, {"login": username, "password": password}, REMOTE_ADDR=address)


def test_admin_login_refuses_a_username_after_five_failures(client, superuser):
    statuses = [_attempt(client).status_code for _ in range(6)]

    assert statuses == [200, 200, 200, 200, 200, 429]
    assert _attempt(client, password="correct horse battery staple").status_code == 429


def test_admin_login_refuses_an_address_after_twenty_failures(client, superuser):
    for number in range(20):
        _attempt(client, username=f"guess{number}@example.org")

    assert _attempt(client, username="root@example.org", password="correct horse battery staple").status_code == 429
    assert _attempt(client, username="someone@example.org", address="10.0.0.2").status_code == 200


def test_admin_login_success_resets_the_username_count(client, superuser):
    for _ in range(4):
        _attempt(client)

    response = _attempt(client, password="correct horse battery staple")
    client.logout()
    statuses = [_attempt(client).status_code for _ in range(6)]

    assert response.status_code == 302
    assert statuses == [200, 200, 200, 200, 200, 429]


def test_admin_login_page_still_answers_get(client):
    response = client.get("/admin/login/", follow=True)

    assert response.status_code == 200
    assert response.request["PATH_INFO"] == "/accounts/login/"


def test_admin_refuses_a_signed_in_user_who_is_not_staff(client, django_user_model):
    django_user_model.objects.create_user(
        username="ana@example.org", email="ana@example.org", password="correct horse battery staple"
    )

    signed_in = _attempt(client, username="ana@example.org", password="correct horse battery staple")
    response = client.get("/admin/", follow=True)

    assert (signed_in.status_code, signed_in.url) == (302, "/admin/")
    assert response.status_code == 403


def test_signup_is_closed(client):
    response = client.post("/accounts/signup/", {"email": "new@example.org", "password1": "x", "password2": "x"})

    assert response.status_code == 200
    assert "closed" in response.content.decode().lower()


def test_password_reset_page_answers(client):
    assert client.get("/accounts/password/reset/").status_code == 200
