import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from delegations.models import Participant
from notifications.models import Notification
from tests.worlds import build_world
from trips.models import CalendarFeedToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world()
    participant = world.member.participant
    participant.first_name, participant.last_name = "Camille", "Exemple"
    participant.dietary_needs = "Vegetarian"
    participant.save()
    return world


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _outbox_row(world, *, status, key):
    return Notification.objects.create(
        key=key,
        kind="visit_reminder",
        to_email="Delegate@Example.org",
        to_name="Camille Exemple",
        subject="In 7 days: Belgians in Tennessee",
        body_text="Dear Camille, ...",
        body_html="<p>Dear Camille</p>",
        attachments=[{"filename": "a.ics", "mimetype": "text/calendar", "content": "BEGIN:VCALENDAR"}],
        status=status,
        sent_at=dt.datetime(2019, 10, 27, tzinfo=dt.UTC) if status == Notification.Status.SENT else None,
        about=world.visit,
    )


def test_participant_page_offers_export_and_erasure(world):
    url = reverse("delegations:participant_detail", args=[world.member.participant_id])

    response = _signed_in(world.officer).get(url)

    content = response.content.decode()
    assert reverse("privacy:participant_export", args=[world.member.participant_id]) in content
    assert reverse("privacy:participant_erase", args=[world.member.participant_id]) in content


def test_participant_export_downloads_their_data_as_json(world):
    response = _signed_in(world.officer).get(reverse("privacy:participant_export", args=[world.member.participant_id]))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="personal-data-camille-exemple-{world.member.participant_id}.json"'
    )
    data = json.loads(response.content)
    assert (data["participant"]["first_name"], data["participant"]["dietary_needs"]) == ("Camille", "Vegetarian")
    assert [visit["title"] for visit in data["visits"]] == ["Belgians in Tennessee"]


def test_participant_erase_with_the_wrong_name_says_so_and_erases_nothing(world):
    url = reverse("privacy:participant_erase", args=[world.member.participant_id])

    response = _signed_in(world.officer).post(url, {"confirm_name": "Someone Else"})

    assert response.status_code == 400
    assert response.context["form"].errors["confirm_name"] == [
        "This is not the person's full name; nothing was erased."
    ]
    assert Participant.objects.get(pk=world.member.participant_id).first_name == "Camille"


def test_participant_erase_blanks_the_person_revokes_feeds_and_anonymises_their_mail(world):
    queued = _outbox_row(world, status=Notification.Status.QUEUED, key="privacy:queued")
    sent = _outbox_row(world, status=Notification.Status.SENT, key="privacy:sent")
    url = reverse("privacy:participant_erase", args=[world.member.participant_id])

    response = _signed_in(world.officer).post(url, {"confirm_name": "  camille   EXEMPLE "})

    assert response.status_code == 302
    participant = Participant.objects.get(pk=world.member.participant_id)
    assert (participant.first_name, participant.email, participant.dietary_needs, participant.user) == (
        "Erased",
        "",
        "",
        None,
    )
    assert CalendarFeedToken.objects.filter(participant=participant, revoked_at__isnull=True).count() == 0
    assert Client().get(reverse("my:feed", args=[world.feed_token])).status_code == 410
    queued.refresh_from_db()
    sent.refresh_from_db()
    assert queued.status == Notification.Status.CANCELLED
    assert sent.status == Notification.Status.SENT
    for row in (queued, sent):
        assert (row.to_email, row.to_name, row.body_text, row.body_html, row.attachments) == ("", "", "", "", [])
        assert row.subject == "In 7 days: Belgians in Tennessee"
    assert Notification.objects.get(pk=world.notification.pk).to_email == ""


def test_participant_erase_leaves_other_peoples_mail_alone(world):
    other = Notification.objects.create(
        key="privacy:other", kind="visit_reminder", to_email="o@example.org", subject="S", body_text="B"
    )

    _signed_in(world.officer).post(
        reverse("privacy:participant_erase", args=[world.member.participant_id]), {"confirm_name": "Camille Exemple"}
    )

    other.refresh_from_db()
    assert (other.to_email, other.body_text, other.status) == ("o@example.org", "B", Notification.Status.QUEUED)
