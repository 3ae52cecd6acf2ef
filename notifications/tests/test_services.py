import datetime as dt

import pytest
from django.conf import settings as project_settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification
from notifications.services import (
    TemporaryDeliveryError,
    notification_cancel,
    notification_claim,
    notification_deliver,
    notification_queue,
    notification_render,
    notification_resend,
    notification_sweep,
)
from notifications.tests.live import free_port

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


@pytest.fixture
def smtp(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return smtp_server


def test_notification_queue_writes_a_row_and_hands_it_over_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification, created = _queue()

    notification.refresh_from_db()
    assert (created, len(callbacks), notification.status) == (True, 1, Status.SENT)
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


def test_notification_claim_marks_a_queued_row_sending_once():
    notification = _row()

    claimed = notification_claim(notification.pk)
    again = notification_claim(notification.pk)

    assert (claimed.status, claimed.attempts, again) == (Status.SENDING, 1, None)


def test_notification_claim_skips_a_row_waiting_for_its_next_attempt():
    notification = _row(next_attempt_at=timezone.now() + dt.timedelta(minutes=1))

    assert notification_claim(notification.pk) is None


def test_notification_claim_of_a_missing_row_is_none():
    assert notification_claim(987654) is None


def test_notification_deliver_sends_text_html_and_attachment(smtp):
    notification = notification_claim(_row().pk)

    notification_deliver(notification)

    [message] = smtp.handler.messages
    assert notification.status == Status.SENT and notification.sent_at is not None
    assert message["Message-ID"] == f"<notification-{notification.pk}@127.0.0.1>"
    assert [part.get_content_type() for part in message.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
    ]


def test_notification_deliver_4xx_puts_the_row_back_with_backoff(smtp, settings):
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 60
    smtp.handler.answers = {"ana@example.org": ["451 4.3.0 Try later"]}
    notification = notification_claim(_row().pk)
    before = timezone.now()

    with pytest.raises(TemporaryDeliveryError) as error:
        notification_deliver(notification)

    notification.refresh_from_db()
    assert (error.value.retry_in, notification.status, notification.last_error) == (
        60,
        Status.QUEUED,
        "451 4.3.0 Try later",
    )
    assert before + dt.timedelta(seconds=59) < notification.next_attempt_at < before + dt.timedelta(seconds=62)


def test_notification_deliver_5xx_marks_the_row_failed_with_the_reason(smtp):
    smtp.handler.answers = {"ana@example.org": ["554 5.7.1 Rejected as spam"]}
    notification = notification_claim(_row().pk)

    notification_deliver(notification)

    notification.refresh_from_db()
    assert (notification.status, notification.last_error) == (Status.FAILED, "554 5.7.1 Rejected as spam")


def test_notification_deliver_connection_refused_is_temporary(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    notification = notification_claim(_row().pk)

    with pytest.raises(TemporaryDeliveryError):
        notification_deliver(notification)

    notification.refresh_from_db()
    assert notification.status == Status.QUEUED
    assert "Connection refused" in notification.last_error


def test_notification_deliver_gives_up_after_the_last_attempt(smtp, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    smtp.handler.answers = {"ana@example.org": ["421 4.7.0 Too busy"]}
    notification = notification_claim(_row(attempts=2).pk)

    notification_deliver(notification)

    notification.refresh_from_db()
    assert (notification.status, notification.last_error) == (
        Status.FAILED,
        "Gave up after 3 attempts: 421 4.7.0 Too busy",
    )


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

    assert (copy.resend_of, copy.status, copy.subject, len(callbacks)) == (original, Status.QUEUED, "Hello", 1)
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
