"""Optional mail: one-click unsubscribe (RFC 8058) without signing in, and the delegate's mail choices."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from delegations.models import Participant
from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from delegations.tokens import unsubscribe_token
from notifications.delivery import _message
from notifications.models import Notification
from visits.services import participant_message_queue
from visits.tests.factories import PublishedVisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def delegate():
    user = get_user_model().objects.create_user(username="camille@example.org", email="camille@example.org")
    participant = ParticipantFactory(user=user, email="camille@example.org")
    visit = PublishedVisitFactory()
    DelegationMemberFactory(delegation=visit.delegation, participant=participant)
    return user, participant, visit


def _queue(participant, visit, kind: str) -> bool:
    context = {"visit": visit, "days_before": 3, "days": []}
    return participant_message_queue(
        participant, key=f"{kind}:{participant.pk}", kind=kind, about=visit, context=context
    )


def test_optional_mail_carries_a_one_click_unsubscribe(delegate):
    _user, participant, visit = delegate
    _queue(participant, visit, "visit_reminder")

    message = _message(Notification.objects.get()).message()

    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message["List-Unsubscribe"].strip("<>")
    assert url.startswith("http://127.0.0.1:8000/my/mail/unsubscribe/")
    response = Client().post(url.removeprefix("http://127.0.0.1:8000"), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    participant.refresh_from_db()
    assert (participant.reminders_mail, participant.lessons_requests_mail) == (False, True)


def test_unsubscribed_optional_mail_is_not_queued_but_the_itinerary_still_is(delegate):
    _user, participant, visit = delegate
    Participant.objects.filter(pk=participant.pk).update(reminders_mail=False)
    participant.refresh_from_db()

    assert _queue(participant, visit, "visit_reminder") is False
    assert participant_message_queue(
        participant,
        key="digest",
        kind="itinerary_digest",
        about=visit,
        context={"visit": visit, "lines": []},
    )
    row = Notification.objects.get()
    assert row.kind == "itinerary_digest"
    assert "List-Unsubscribe" not in row.headers


def test_unsubscribe_link_opened_changes_nothing_until_posted(delegate):
    _user, participant, _visit = delegate
    url = reverse("my:mail_unsubscribe", args=[unsubscribe_token(participant, "lessons_requests_mail")])

    response = Client().get(url)

    assert response.status_code == 200
    participant.refresh_from_db()
    assert participant.lessons_requests_mail is True


def test_unsubscribe_link_tampered_answers_404(delegate):
    _user, participant, _visit = delegate
    token = unsubscribe_token(participant, "reminders_mail")

    assert Client().post(reverse("my:mail_unsubscribe", args=[token[:-2] + "xx"])).status_code == 404
    assert (
        Client().post(reverse("my:mail_unsubscribe", args=[unsubscribe_token(participant, "email")])).status_code == 404
    )


def test_mail_choices_page_saves_the_delegates_choice(client, delegate):
    user, participant, _visit = delegate
    client.force_login(user)

    assert client.get(reverse("my:mail")).status_code == 200
    response = client.post(reverse("my:mail"), {"reminders_mail": "on"})

    assert response.status_code == 302
    participant.refresh_from_db()
    assert (participant.reminders_mail, participant.lessons_requests_mail) == (True, False)
