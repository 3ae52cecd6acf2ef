"""Fixtures shared by every app's tests."""

import os

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from hypothesis import settings as hypothesis_settings

# CI runs the fuzzers on a fixed sequence of examples, so a red build is reproducible;
# a developer's run explores new ones (FUZZ_MAX_EXAMPLES digs deeper).
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

# Debian's Chromium: Playwright cannot download its own browser here, and without the
# background-networking flags it keeps knocking on the closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# The outbox's real components (SMTP server, private Redis, Celery worker) for integration tests.
pytest_plugins = ["notifications.tests.live"]


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        username="root@example.org", email="root@example.org", password="correct horse battery staple"
    )


@pytest.fixture
def officer(django_user_model):
    """An officer of one programme (``officer.programme``); a test module may define its own."""
    from visits.tests.factories import ProgrammeFactory

    user = django_user_model.objects.create_user(username="officer@example.org", email="officer@example.org")
    user.programme = ProgrammeFactory()
    user.programme.officers.add(user)
    return user


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached pages live in Redis: each test starts from none of them.

    Only this run's keys (its own prefix) are deleted, never the Celery broker's.
    """
    from django.core.cache import cache

    yield
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    if hasattr(cache, "_cache") and hasattr(cache._cache, "get_client"):
        client = cache._cache.get_client(None, write=True)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _reset_language():
    """A request to a /fr/ URL leaves French active in the thread; later tests' reverse() would follow it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def chromium(monkeypatch):
    """A headless Debian Chromium driven by Playwright's sync API, closed after the test."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls stay synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()
