"""A participant whose address bounced for good: shown to officers, not mailed again until corrected."""

import pytest
from django.urls import reverse

from delegations.tests.factories import ParticipantFactory
from notifications.models import BouncedAddress, Notification
from notifications.services import notification_queue
from pagecache.tables import without_version_bumps
from visits.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(django_user_model):
    user = django_user_model.objects.create_user(username="o@example.org", email="o@example.org")
    ProgrammeFactory().officers.add(user)
    return user


def _queue(key: str, to_email: str) -> Notification:
    return notification_queue(key=key, kind="test", to_email=to_email, subject="Hello", body_text="Hello")[0]


def test_participant_page_tells_the_officer_the_address_bounced(client, officer):
    participant = ParticipantFactory(created_by=officer, email="Camille@Example.org")
    BouncedAddress.objects.create(email="camille@example.org", reason="550 5.1.1 No such mailbox here")
    client.force_login(officer)

    response = client.get(reverse("delegations:participant_detail", args=[participant.pk]))

    assert response.status_code == 200
    assert b"Mail to this address bounced on " in response.content
    assert b"550 5.1.1 No such mailbox here" in response.content


def test_participant_page_without_a_bounce_says_nothing(client, officer):
    participant = ParticipantFactory(created_by=officer, email="camille@example.org")
    client.force_login(officer)

    response = client.get(reverse("delegations:participant_detail", args=[participant.pk]))

    assert response.status_code == 200
    assert b"bounced" not in response.content


def test_queue_to_a_bounced_address_writes_a_failed_row_and_sends_nothing(django_capture_on_commit_callbacks):
    BouncedAddress.objects.create(email="camille@example.org", reason="550 5.1.1 No such mailbox here")

    with django_capture_on_commit_callbacks() as callbacks:
        bounced = _queue("one", "CAMILLE@example.org")
        corrected = _queue("two", "camille.dupont@example.org")

    assert (bounced.status, corrected.status) == ("failed", "queued")
    assert "550 5.1.1 No such mailbox here" in bounced.last_error
    assert len(without_version_bumps(callbacks)) == 1
