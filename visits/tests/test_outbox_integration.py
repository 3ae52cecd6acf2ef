"""Publishing and itinerary digests through a real Celery worker, Redis and SMTP server."""

import pytest
from django.core.management import call_command

from notifications.models import Notification
from notifications.tests.live import wait_for
from visits.models import StudyVisit
from visits.services import visit_publish

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
    attachments = [part.get_filename() for message in messages for part in message.walk() if part.get_filename()]
    assert attachments == [f"itinerary-{upcoming_visit.pk}.ics"] * 2
