"""Officer pages show who changed what and when, from the history tables, in a fixed number of queries."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tests.worlds import build_world
from visits.tests.factories import ItineraryItemFactory, TravelLegFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def officer_client(world) -> Client:
    client = Client()
    client.force_login(world.officer)
    return client


def _history(response) -> str:
    content = response.content.decode()
    return content[content.index('id="history"') :]


def test_visit_page_shows_who_moved_an_item_and_from_where_to_where(world, officer_client):
    item = world.item
    data = {
        "edit-title": "Meeting at Metro Police",
        "edit-kind": item.kind,
        "edit-status": item.status,
        "edit-city": item.city_id,
        "edit-day": "2019-11-04",
        "edit-start_time": "10:00",
        "edit-end_time": "11:00",
    }
    response = officer_client.post(reverse("visits:item_edit", args=[world.visit.pk, item.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]

    history = _history(officer_client.get(reverse("visits:visit_detail", args=[world.visit.pk])))

    assert "officer@example.org" in history
    assert "itinerary item: Meeting at Metro Police" in history
    assert f"title: {item.title} → Meeting at Metro Police" in history
    assert "starts at: 4 Nov 2019 09:00 CST → 4 Nov 2019 10:00 CST" in history


def test_visit_page_history_shows_item_times_in_the_items_zone_through_the_repeated_hour(world, officer_client):
    item = world.item
    item.starts_at, item.ends_at = (
        dt.datetime(2019, 11, 3, 6, 30, tzinfo=dt.UTC),
        dt.datetime(2019, 11, 3, 7, tzinfo=dt.UTC),
    )
    item.save()
    item.starts_at, item.ends_at = (
        dt.datetime(2019, 11, 3, 7, 30, tzinfo=dt.UTC),
        dt.datetime(2019, 11, 3, 8, tzinfo=dt.UTC),
    )
    item.save()

    history = _history(officer_client.get(reverse("visits:visit_detail", args=[world.visit.pk])))

    assert "starts at: 3 Nov 2019 01:30 CDT → 3 Nov 2019 01:30 CST" in history
    assert "ends at: 3 Nov 2019 01:00 CST → 3 Nov 2019 02:00 CST" in history
    assert "2019-11-03 06:30:00+00:00" not in history


def test_delegation_page_shows_roster_changes(world, officer_client):
    url = reverse("delegations:member_edit", args=[world.visit.delegation_id, world.member.pk])
    officer_client.post(url, {f"m{world.member.pk}-role": "expert", f"m{world.member.pk}-status": "declined"})

    history = _history(officer_client.get(reverse("delegations:delegation_detail", args=[world.visit.delegation_id])))

    assert f"delegation member: {world.member.participant.full_name}" in history
    assert "role: member → expert" in history
    assert "status: confirmed → declined" in history


def test_participant_page_shows_their_changes(world, officer_client):
    participant = world.member.participant
    officer_client.post(
        reverse("delegations:participant_edit", args=[participant.pk]),
        {
            "first_name": participant.first_name,
            "last_name": participant.last_name,
            "email": participant.email,
            "profession": participant.profession,
            "preferred_language": "fr",
            "position": "Commissioner",
        },
    )

    history = _history(officer_client.get(reverse("delegations:participant_detail", args=[participant.pk])))

    assert "officer@example.org" in history
    assert "position: — → Commissioner" in history
    assert "preferred language: en → fr" in history


def test_follow_up_page_shows_its_status_changes(world, officer_client):
    officer_client.post(reverse("outcomes:follow_up_status", args=[world.follow_up.pk]), {"status": "done"})

    history = _history(officer_client.get(reverse("outcomes:follow_up_edit", args=[world.follow_up.pk])))

    assert "status: open → done" in history


@pytest.mark.parametrize("size", [1, 5])
def test_visit_history_query_count_does_not_grow_with_changed_items(
    world, officer_client, size, django_assert_num_queries
):
    starts_at = dt.datetime(2019, 11, 5, 15, tzinfo=dt.UTC)
    for index in range(size):
        leg = TravelLegFactory(visit=world.visit, departs_at=starts_at + dt.timedelta(hours=index))
        leg.reference = f"Coach {index}"
        leg.save()
    for index in range(size):
        item = ItineraryItemFactory(visit=world.visit, city=world.city, starts_at=starts_at)
        item.title = f"Moved {index}"
        item.save()
    url = reverse("visits:visit_detail", args=[world.visit.pk])

    with django_assert_num_queries(17):
        response = officer_client.get(url)

    assert _history(response).count("title: Meeting") == size
    assert "travel leg: Coach City" in _history(response)
