"""Production settings, headers, sessions and brute-force limits."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT

ROOT = Path(settings.BASE_DIR)


def _ours(app) -> bool:
    path = Path(app.path).resolve()
    return path.is_relative_to(ROOT.resolve()) and not path.is_relative_to(ROOT.resolve() / ".venv")


PASSWORD = "Lantern-Quarry-41-Meadow"


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(
        username="camille@example.org", email="camille@example.org", password=PASSWORD
    )


def _login(client: Client, password: str = PASSWORD, email: str = "camille@example.org", **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def test_check_deploy_is_clean_with_production_settings():
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "false",
        "SECRET_KEY": "p9Zr!x2Lq$7vN#4kT8mW@1cY6bH^3gJ&5dF*0sA(eU)iO-oP_lK=jQ+hR",
        "ALLOWED_HOSTS": "exchange.example.org",
        "DATABASE_URL": "sqlite:////tmp/cityexchange-check-deploy.sqlite3",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {"PATH": os.environ["PATH"], "DEBUG": "false", "SECRET_KEY": ""}

    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


@pytest.mark.django_db
def test_every_response_carries_a_strict_content_security_policy(client):
    response = client.get(reverse("account_login"))

    policy = response.headers["Content-Security-Policy"]
    assert "object-src 'none'" in policy
    assert "base-uri 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_no_template_or_script_uses_inline_script_or_style():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    inline_style = re.compile(r"\sstyle\s*=|<style[\s>]", re.IGNORECASE)
    event_handler = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
    offenders = []
    paths = list((ROOT / "templates").rglob("*.html"))
    local_apps = [Path(app.path) for app in apps.get_app_configs() if _ours(app)]
    paths += [p for app in local_apps for p in app.rglob("*.html")]
    for path in paths:
        text = path.read_text()
        for pattern in (inline_script, inline_style, event_handler):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(ROOT)}: {pattern.pattern}")

    assert offenders == []


def test_a_run_of_wrong_passwords_locks_the_account_even_for_the_right_one(client, user):
    for _ in range(5):
        assert _login(client, password="wrong-password").status_code == 200

    response = _login(client)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


def test_a_flood_of_logins_from_one_address_answers_429(client, user):
    statuses = [_login(client, email=f"nobody{n}@example.org", password="x").status_code for n in range(40)]

    assert statuses[0] == 200
    assert statuses[-1] == 429


def test_session_ends_after_its_absolute_lifetime(client, user):
    _login(client)
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - settings.SESSION_ABSOLUTE_LIFETIME - 1
    session.save()

    response = client.get(reverse("my:visit_list"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_session_ends_after_its_idle_timeout(client, user):
    _login(client)
    assert client.get(reverse("my:visit_list")).status_code == 200
    session = client.session
    session[LAST_SEEN_AT] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 1
    session.save()

    response = client.get(reverse("my:visit_list"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_activity_keeps_a_session_alive_without_a_write_per_request(client, user):
    _login(client)
    client.get(reverse("my:visit_list"))
    session = client.session
    session[LAST_SEEN_AT] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT + 60
    session.save()

    assert client.get(reverse("my:visit_list")).status_code == 200
    assert int(time.time()) - client.session[LAST_SEEN_AT] < 5


def test_password_change_ends_the_other_sessions(user):
    phone, laptop = Client(), Client()
    _login(phone)
    _login(laptop)

    response = laptop.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "Another-Quarry-42-Lantern", "password2": "Another-Quarry-42-Lantern"},
    )

    assert response.status_code == 302
    assert phone.get(reverse("my:visit_list")).status_code == 302
    assert "_auth_user_id" not in phone.session
    assert laptop.get(reverse("my:visit_list")).status_code == 200


def test_users_see_and_end_their_sessions(user):
    phone, laptop = Client(), Client()
    _login(phone)
    _login(laptop)
    laptop.get(reverse("my:visit_list"))

    page = laptop.get(reverse("usersessions_list"))
    response = laptop.post(reverse("usersessions_list"), {"action": "end"})

    assert page.status_code == 200
    assert response.status_code == 302
    assert phone.get(reverse("my:visit_list")).status_code == 302
    assert laptop.get(reverse("my:visit_list")).status_code == 200
