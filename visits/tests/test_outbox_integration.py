"""Publishing and itinerary digests through a real Celery worker, Redis and SMTP server."""

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notification_sweep
from notifications.tests.live import wait_for
from visits.models import StudyVisit
from visits.services import itinerary_digests_queue, itinerary_item_cancel, itinerary_item_update, visit_publish

pytestmark = pytest.mark.integration

RETURN_VISIT = "Return visit: American practitioners in Liège and Verviers"
CONFIRMED = ["morgan.testcase@example.org", "taylor.example@example.org"]


@pytest.fixture
def upcoming_visit(transactional_db, settings):
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return StudyVisit.objects.get(title=RETURN_VISIT)


def _sent_count() -> int:
    return Notification.objects.filter(status=Notification.Status.SENT).count()


def test_publishing_the_demo_visit_delivers_one_message_per_confirmed_member(
    upcoming_visit, celery_worker, smtp_server
):
    visit_publish(upcoming_visit, by=None)

    wait_for(lambda: _sent_count() == 2, message="two sent rows")
    messages = smtp_server.handler.messages
    assert smtp_server.handler.recipients() == CONFIRMED
    assert [message["Subject"].strip() for message in messages] == [f"Your itinerary: {RETURN_VISIT}"] * 2
    items = upcoming_visit.itinerary_items.exclude(status="cancelled").order_by("starts_at", "ends_at", "pk")
    invitations = [f"invitation-item-{pk}.ics" for pk in items.values_list("pk", flat=True)]
    attachments = [[part.get_filename() for part in message.walk() if part.get_filename()] for message in messages]
    assert attachments == [invitations] * 2
    assert {part.get_content_type() for message in messages for part in message.walk() if part.get_filename()} == {
        "text/calendar"
    }
    assert [message["Auto-Submitted"] for message in messages] == ["auto-generated"] * 2


def test_ten_quick_edits_give_one_digest_per_confirmed_member(upcoming_visit, celery_worker, smtp_server, settings):
    visit_publish(upcoming_visit, by=None)
    wait_for(lambda: _sent_count() == 2, message="the published itinerary")
    items = list(upcoming_visit.itinerary_items.order_by("starts_at"))

    for minutes in range(1, 9):  # eight moves of the first item
        itinerary_item_update(
            items[0], by=None, starts_at=items[0].starts_at + dt.timedelta(minutes=minutes), ends_at=items[0].ends_at
        )
    itinerary_item_update(items[1], by=None, title="Restorative justice in practice")
    itinerary_item_cancel(items[2], by=None)
    quiet = dt.timedelta(minutes=settings.ITINERARY_DIGEST_QUIET_MINUTES)

    assert itinerary_digests_queue(now=timezone.now()) == 0  # still being edited
    assert itinerary_digests_queue(now=timezone.now() + quiet) == 2
    assert itinerary_digests_queue(now=timezone.now() + quiet * 2) == 0

    wait_for(lambda: _sent_count() == 4, message="two digests")
    digests = [message for message in smtp_server.handler.messages if "changes" in message["Subject"]]
    assert sorted(address for message in digests for address in [message["To"].addresses[0].addr_spec]) == CONFIRMED
    body = digests[0].get_body(preferencelist=("plain",)).get_content()
    assert "Moved: Welcome by the Mayor of Liège · Liège · " in body
    assert "10:00–12:00 CET → " in body and "10:08–12:00 CET" in body
    assert "Changed: Restorative justice in practice (was “Restorative justice in Liège”)" in body
    assert "Cancelled: Preventing violent extremism locally" in body
    assert body.count("\n- ") == 3


def test_redis_stopped_during_publish_delivers_every_message_through_the_sweep(
    upcoming_visit, celery_worker, smtp_server, broker, settings
):
    broker.stop()
    try:
        visit_publish(upcoming_visit, by=None)  # commits; the hand-over to Celery fails quietly
        assert Counter(Notification.objects.values_list("status", flat=True)) == {"queued": 2}
    finally:
        broker.start()
    settings.NOTIFICATION_SWEEP_AFTER_SECONDS = 0

    def swept_and_sent():
        notification_sweep()  # what beat does every minute
        return _sent_count() == 2

    wait_for(swept_and_sent, interval=1, message="the sweep to deliver both messages")
    assert smtp_server.handler.recipients() == CONFIRMED
