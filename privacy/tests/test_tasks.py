"""The personal-data purge runs from beat."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_sensitive_data_purge_runs_daily_from_beat():
    from celery.schedules import crontab

    from privacy.tasks import sensitive_data_purge_task

    entry = settings.CELERY_BEAT_SCHEDULE["sensitive-data-purge"]
    assert (entry["task"], entry["schedule"]) == ("privacy.tasks.sensitive_data_purge_task", crontab(hour=3, minute=15))
    assert sensitive_data_purge_task.delay().get() == 0
