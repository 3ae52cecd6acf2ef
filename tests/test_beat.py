import pytest
from django.conf import settings

from cityexchange.celery import app
from outcomes.tasks import scheduled_messages_queue_task
from visits.tasks import itinerary_digests_queue_task

pytestmark = pytest.mark.django_db


def test_every_beat_schedule_entry_names_a_registered_task():
    app.loader.import_default_modules()

    assert sorted(entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()) == sorted(
        name for name in app.tasks if name in {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    )
    assert len(settings.CELERY_BEAT_SCHEDULE) == 4


def test_beat_tasks_with_nothing_due_queue_nothing():
    assert (itinerary_digests_queue_task.delay().get(), scheduled_messages_queue_task.delay().get()) == (0, 0)
