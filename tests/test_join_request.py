"""An officer meets an address of someone in another programme: a way forward that tells them nothing more."""

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from delegations.models import DelegationMember, Participant
from delegations.services import join_token_new
from notifications.models import Notification
from tests.worlds import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world()
    elsewhere = Participant.objects.get(email="o@example.org")
    elsewhere.first_name, elsewhere.last_name = "Mireille", "Dubois-Secret"
    elsewhere.position = "Undercover liaison"
    elsewhere.save()
    world.elsewhere = elsewhere
    return world


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_address_of_someone_elsewhere_says_only_that_it_is_taken(world):
    response = _client(world.officer).post(
        reverse("delegations:participant_create"),
        {
            "first_name": "M",
            "last_name": "D",
            "email": "O@example.org",
            "profession": "other",
            "preferred_language": "en",
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Someone with this email address is already in the directory" in page
    for secret in (
        "Mireille",
        "Dubois-Secret",
        "Undercover liaison",
        reverse("delegations:participant_detail", args=[world.elsewhere.pk]),
    ):
        assert secret not in page
    assert reverse("delegations:participant_join_request") + "?email=O%40example.org" in page
    assert Participant.objects.filter(email__iexact="o@example.org").count() == 1


def test_join_request_answers_the_same_whoever_owns_the_address(world):
    url = reverse("delegations:participant_join_request")
    delegation = world.visit.delegation.pk

    taken = _client(world.officer).post(url, {"email": "o@example.org", "delegation": delegation})
    unknown = _client(world.officer).post(url, {"email": "nobody@example.org", "delegation": delegation})
    on_roster = _client(world.officer).post(url, {"email": "delegate@example.org", "delegation": delegation})

    assert taken.status_code == unknown.status_code == on_roster.status_code == 302
    assert taken["Location"] == unknown["Location"] == on_roster["Location"]
    assert _said(taken) == _said(unknown) == _said(on_roster)
    assert "Mireille" not in " ".join(_said(taken))
    assert list(Notification.objects.filter(kind="join_request").values_list("to_email", flat=True)) == [
        "o@example.org"
    ]


def test_join_request_email_names_the_officer_and_links_to_joining(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        _client(world.officer).post(
            reverse("delegations:participant_join_request"),
            {"email": "o@example.org", "delegation": world.visit.delegation.pk},
        )

    notification = Notification.objects.get(kind="join_request")
    assert "officer@example.org" in notification.body_text
    assert world.visit.delegation.name in notification.subject
    assert re.search(r"/join/[^/\s]+/", notification.body_text)


def test_following_the_link_puts_the_person_on_the_roster_as_invited_once(world):
    token = join_token_new(world.elsewhere, world.visit.delegation, world.officer)
    url = reverse("delegations:join_accept", args=[token])
    anonymous = Client()

    shown = anonymous.get(url)
    joined = anonymous.post(url)
    again = anonymous.post(url)

    assert shown.status_code == 200
    assert world.visit.delegation.name in shown.content.decode()
    assert joined.status_code == again.status_code == 302
    member = DelegationMember.objects.get(delegation=world.visit.delegation, participant=world.elsewhere)
    assert member.status == DelegationMember.Status.INVITED
    record = member.history.latest("history_id")
    assert (record.history_user, record.history_change_reason) == (world.officer, "joined on request")
    assert "You are on the roster" in anonymous.get(url).content.decode()


def test_a_tampered_link_is_not_found(world):
    token = join_token_new(world.elsewhere, world.visit.delegation, world.officer)

    response = Client().get(reverse("delegations:join_accept", args=[token[:-2] + "xx"]))

    assert response.status_code == 404
