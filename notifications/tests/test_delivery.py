import datetime as dt

import pytest
from django.utils import timezone

from notifications.delivery import TemporaryDeliveryError, notification_claim, notification_deliver
from notifications.models import Notification
from notifications.tests.live import free_port

pytestmark = pytest.mark.django_db

Status = Notification.Status


def _row(**fields) -> Notification:
    return Notification.objects.create(
        key="row",
        kind="test",
        to_email="ana@example.org",
        to_name="Ana Example",
        subject="Hello",
        body_text="Plain",
        body_html="<p>HTML</p>",
        attachments=[{"filename": "a.ics", "mimetype": "text/calendar", "content": "BEGIN:VCALENDAR"}],
        **fields,
    )


@pytest.fixture
def smtp(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return smtp_server


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
