import pytest
from django.core import mail
from django.core.management import call_command

from notifications.models import Notification
from visits.models import StudyVisit
from visits.services import visit_publish

pytestmark = pytest.mark.django_db

RETURN_VISIT = "Return visit: American practitioners in Liège and Verviers"


@pytest.fixture
def demo(settings):
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return StudyVisit.objects.get(title=RETURN_VISIT)


def test_visit_publish_queues_one_message_per_confirmed_member(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        visit_publish(demo, by=None)

    rows = list(Notification.objects.order_by("to_email"))
    assert [row.to_email for row in rows] == ["morgan.testcase@example.org", "taylor.example@example.org"]
    assert len(callbacks) == 2
    assert [row.status for row in rows] == ["sent", "sent"]
    assert len(mail.outbox) == 2
