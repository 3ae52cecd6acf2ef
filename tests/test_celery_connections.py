"""The Celery worker keeps its database connection between tasks, and drops it by Django's rules."""

from types import SimpleNamespace

import pytest
from django.db import connection

from cityexchange.celery import app, close_old_database_connections

pytestmark = pytest.mark.django_db


def test_celery_reuses_database_connections_between_tasks():
    assert app.conf.get("CELERY_DB_REUSE_MAX") >= 100


def test_closing_after_a_task_leaves_an_eager_tasks_connection_alone():
    connection.ensure_connection()
    opened = connection.connection

    close_old_database_connections(task=SimpleNamespace(request=SimpleNamespace(is_eager=True)))

    assert connection.connection is opened
