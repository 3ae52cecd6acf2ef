"""Fixtures shared by every app's tests."""

import pytest
from django.contrib.auth import get_user_model

# The outbox's real components (SMTP server, private Redis, Celery worker) for integration tests.
pytest_plugins = ["notifications.tests.live"]


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        username="root@example.org", email="root@example.org", password="correct horse battery staple"
    )


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client
