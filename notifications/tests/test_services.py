import datetime as dt

import pytest
from django.conf import settings as project_settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from notifications.delivery import notification_claim
from notifications.models import Notification
from notifications.services import (
    notification_cancel,
    notification_queue,
    notification_render,
    notification_resend,
    notification_sweep,
)
from pagecache.tables import without_version_bumps

pytestmark = pytest.mark.django_db

Status = Notification.Status


def _queue(key: str = "k1", **fields) -> tuple[Notification, bool]:
    return notification_queue(
        key=key,
        kind="test",
        to_email="ana@example.org",
        to_name="Ana Example",
        subject="Hello",
        body_text="Plain",
        body_html="<p>HTML</p>",
        attachments=[{"filename": "a.ics", "mimetype": "text/calendar", "content": "BEGIN:VCALENDAR"}],
        **fields,
    )


def _row(status=Status.QUEUED, **fields) -> Notification:
    notification, _created = _queue(key=fields.pop("key", "row"))
    Notification.objects.filter(pk=notification.pk).update(status=status, **fields)
    notification.refresh_from_db()
    return notification


def test_notification_queue_writes_a_row_and_hands_it_over_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification, created = _queue()

    notification.refresh_from_db()
    assert (created, len(without_version_bumps(callbacks)), notification.status) == (True, 1, Status.SENT)
    assert [message.to for message in mail.outbox] == [['"Ana Example" <ana@example.org>']]


def test_notification_queue_with_an_existing_key_changes_nothing(django_capture_on_commit_callbacks):
    first, _created = _queue()

    with django_capture_on_commit_callbacks() as callbacks:
        again, created = _queue()

    assert (again, created, callbacks) == (first, False, [])


def test_notification_queue_rolled_back_leaves_no_row_and_no_task(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        with transaction.atomic():
            _queue()
            raise RuntimeError("the change failed")

    assert (Notification.objects.count(), callbacks) == (0, [])


def test_notification_queue_with_no_broker_keeps_the_row_for_the_sweep(django_capture_on_commit_callbacks, monkeypatch):
    from notifications import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(tasks.notification_send, "apply_async", broker_down)

    with django_capture_on_commit_callbacks(execute=True):
        notification, _created = _queue()

    notification.refresh_from_db()
    assert notification.status == Status.QUEUED


def test_notification_render_uses_the_language_and_the_template_kind():
    rendered = notification_render("visit_lessons_request", language="fr", context={"visit": None, "participant": None})

    assert set(rendered) == {"subject", "body_text", "body_html"}
    assert '<html lang="fr">' in rendered["body_html"]


def test_notification_sweep_recovers_rows_stuck_sending_and_redispatches_old_queued_rows(settings, monkeypatch):
    from notifications import services

    settings.NOTIFICATION_SENDING_TIMEOUT_SECONDS = 600
    settings.NOTIFICATION_SWEEP_AFTER_SECONDS = 120
    now = timezone.now()
    stuck = _row(Status.SENDING, key="stuck", updated_at=now - dt.timedelta(seconds=601))
    in_flight = _row(Status.SENDING, key="in-flight", updated_at=now - dt.timedelta(seconds=30))
    lost = _row(key="lost", updated_at=now - dt.timedelta(seconds=121))
    fresh = _row(key="fresh", updated_at=now - dt.timedelta(seconds=5))
    _row(key="backing-off", updated_at=now - dt.timedelta(hours=1), next_attempt_at=now + dt.timedelta(minutes=5))
    _row(Status.SENT, key="sent", updated_at=now - dt.timedelta(hours=1), sent_at=now)
    dispatched = []
    monkeypatch.setattr(services, "notification_dispatch", lambda pk: dispatched.append(pk) or True)

    assert notification_sweep(now=now) == 2

    assert sorted(dispatched) == sorted([stuck.pk, lost.pk])
    assert dict(Notification.objects.values_list("key", "status")) == {
        "stuck": Status.QUEUED,
        "in-flight": Status.SENDING,
        "lost": Status.QUEUED,
        "fresh": Status.QUEUED,
        "backing-off": Status.QUEUED,
        "sent": Status.SENT,
    }
    assert in_flight.pk not in dispatched and fresh.pk not in dispatched


def test_notification_cancel_cancels_a_queued_row():
    notification = notification_cancel(_row(), by=None)

    assert notification.status == Status.CANCELLED
    assert notification_claim(notification.pk) is None


def test_notification_cancel_of_a_sent_row_is_refused():
    with pytest.raises(ValidationError, match="Only a queued message can be cancelled"):
        notification_cancel(_row(Status.SENT, sent_at=timezone.now()), by=None)


def test_notification_resend_queues_a_linked_copy_after_commit(django_capture_on_commit_callbacks):
    original = _row(Status.SENT, sent_at=timezone.now())
    user = get_user_model().objects.create_user(username="officer")

    with django_capture_on_commit_callbacks() as callbacks:
        copy = notification_resend(original, by=user)

    queued = len(without_version_bumps(callbacks))
    assert (copy.resend_of, copy.status, copy.subject, queued) == (original, Status.QUEUED, "Hello", 1)
    assert copy.key.startswith(f"resend:{original.pk}:")


def test_notification_resend_of_a_queued_row_is_refused():
    with pytest.raises(ValidationError):
        notification_resend(_row(), by=None)


def test_celery_settings_keep_delivery_exactly_once_in_the_normal_path():
    visibility = project_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]

    assert project_settings.CELERY_TASK_ACKS_LATE and project_settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert project_settings.CELERY_TASK_TIME_LIMIT < project_settings.NOTIFICATION_SENDING_TIMEOUT_SECONDS < visibility
    assert project_settings.NOTIFICATION_RETRY_MAX_SECONDS < visibility
    assert project_settings.EMAIL_TIMEOUT * 3 < project_settings.CELERY_TASK_TIME_LIMIT
