"""Delivery faults through a real Celery worker process, a private Redis and a real SMTP server."""

from collections import Counter

import pytest
from django.db import transaction

from notifications.models import BouncedAddress, Notification
from notifications.services import notification_queue, notification_sweep
from notifications.tests.live import wait_for

pytestmark = pytest.mark.integration

Status = Notification.Status


def _queue(count: int, *, prefix: str = "batch") -> list[Notification]:
    with transaction.atomic():
        return [
            notification_queue(
                key=f"{prefix}:{number}",
                kind="test",
                to_email=f"person{number}@example.org",
                subject=f"Message {number}",
                body_text=f"Body {number}",
                body_html=f"<p>Body {number}</p>",
            )[0]
            for number in range(count)
        ]


def _statuses() -> dict[str, str]:
    return dict(Notification.objects.values_list("to_email", "status"))


def test_temporary_refusal_is_retried_with_backoff_and_delivered_once(celery_worker, smtp_server):
    smtp_server.handler.answers = {"person0@example.org": ["451 4.3.0 Mailbox busy, try again later"]}

    [row] = _queue(1)

    wait_for(lambda: _statuses() == {"person0@example.org": "sent"}, message="the retried message to be sent")
    row.refresh_from_db()
    assert smtp_server.handler.refused == ["person0@example.org: 451 4.3.0 Mailbox busy, try again later"]
    assert smtp_server.handler.recipients() == ["person0@example.org"]
    assert (row.attempts, row.last_error) == (2, "")


def test_permanent_refusal_marks_the_row_failed_with_the_reason(celery_worker, smtp_server):
    smtp_server.handler.answers = {"person0@example.org": ["550 5.1.1 No such mailbox here"]}

    [row] = _queue(1)

    wait_for(lambda: _statuses() == {"person0@example.org": "failed"}, message="the refused message to fail")
    row.refresh_from_db()
    assert row.last_error == "550 5.1.1 No such mailbox here"
    assert (row.attempts, smtp_server.handler.messages) == (1, [])
    assert list(BouncedAddress.objects.values_list("email", "reason", "notification")) == [
        ("person0@example.org", "550 5.1.1 No such mailbox here", row.pk)
    ]


def test_an_address_that_bounced_is_not_mailed_again(celery_worker, smtp_server):
    smtp_server.handler.answers = {"person0@example.org": ["550 5.1.1 No such mailbox here"]}
    _queue(1, prefix="first")
    wait_for(lambda: BouncedAddress.objects.exists(), message="the bounce to be recorded")
    smtp_server.handler.answers = {}

    [again] = _queue(1, prefix="second")
    [other] = _queue(2, prefix="third")[1:]

    wait_for(lambda: Notification.objects.get(pk=other.pk).status == "sent", message="the other address's message")
    again.refresh_from_db()
    assert (again.status, again.attempts) == ("failed", 0)
    assert again.last_error.startswith("Not sent: this address bounced on ")
    assert smtp_server.handler.recipients() == ["person1@example.org"]


def test_worker_killed_mid_batch_and_restarted_delivers_each_message_exactly_once(celery_worker, smtp_server, settings):
    smtp_server.handler.delay = 0.4
    _queue(8)

    # The third message is in the server's hands, not yet accepted, when the worker dies.
    wait_for(lambda: smtp_server.handler.started >= 3, interval=0.02, message="the third SMTP transaction")
    celery_worker.kill()

    statuses = Counter(_statuses().values())
    assert statuses == {"sent": 2, "sending": 1, "queued": 5}
    # The sweep (beat) recovers the row the dead worker held and re-dispatches every queued row.
    settings.NOTIFICATION_SENDING_TIMEOUT_SECONDS = 0
    settings.NOTIFICATION_SWEEP_AFTER_SECONDS = 0
    assert notification_sweep() == 6
    smtp_server.handler.delay = 0
    celery_worker.start()

    wait_for(lambda: Counter(_statuses().values()) == {"sent": 8}, message="every row to be sent")
    assert smtp_server.handler.recipients() == [f"person{number}@example.org" for number in range(8)]
    assert Counter(message["Message-ID"] for message in smtp_server.handler.messages).most_common(1)[0][1] == 1
