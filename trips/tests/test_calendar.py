"""The delegate's calendar across the hour that repeats when clocks go back (Chicago, 3 November 2019)."""

import datetime as dt

import icalendar
import pytest
import vobject
from django.contrib.auth import get_user_model
from django.urls import reverse

from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from partners.tests.factories import CityFactory
from trips.models import PersonalTravel
from trips.services import calendar_feed_token_create
from visits.tests.factories import ItineraryItemFactory, PublishedVisitFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# 01:30 happens twice in Chicago that night: 06:30 UTC (CDT) and 07:30 UTC (CST).
FIRST_0115, FIRST_0145 = dt.datetime(2019, 11, 3, 6, 15, tzinfo=UTC), dt.datetime(2019, 11, 3, 6, 45, tzinfo=UTC)
SECOND_0115, SECOND_0145 = dt.datetime(2019, 11, 3, 7, 15, tzinfo=UTC), dt.datetime(2019, 11, 3, 7, 45, tzinfo=UTC)
FIRST_0130, SECOND_0100 = dt.datetime(2019, 11, 3, 6, 30, tzinfo=UTC), dt.datetime(2019, 11, 3, 7, 0, tzinfo=UTC)


@pytest.fixture
def world():
    nashville = CityFactory(name="Nashville", country="US", timezone="America/Chicago")
    user = get_user_model().objects.create_user(username="camille@example.org", email="camille@example.org")
    participant = ParticipantFactory(user=user, email="camille@example.org")
    visit = PublishedVisitFactory(title="Belgians in Tennessee")
    DelegationMemberFactory(delegation=visit.delegation, participant=participant)
    items = {
        "First hour": (FIRST_0115, FIRST_0145),
        "Second hour": (SECOND_0115, SECOND_0145),
        "Across the change": (FIRST_0130, SECOND_0100),
    }
    for title, (starts_at, ends_at) in items.items():
        ItineraryItemFactory(visit=visit, city=nashville, title=title, starts_at=starts_at, ends_at=ends_at)
    PersonalTravel.objects.create(
        visit=visit,
        participant=participant,
        direction=PersonalTravel.Direction.ARRIVAL,
        carrier="Night coach",
        departure_place="Memphis",
        departure_timezone="America/Chicago",
        departs_at=FIRST_0130,
        arrival_place="Nashville",
        arrival_timezone="America/Chicago",
        arrives_at=SECOND_0100,
    )
    items["Flight Night coach: Memphis → Nashville"] = (FIRST_0130, SECOND_0100)
    return user, participant, visit, items


def _instants_by_icalendar(content: bytes) -> dict:
    return {
        str(event["SUMMARY"]): (event.decoded("DTSTART").astimezone(UTC), event.decoded("DTEND").astimezone(UTC))
        for event in icalendar.Calendar.from_ical(content).walk("VEVENT")
    }


def _instants_by_vobject(content: bytes) -> dict:
    calendar = vobject.readOne(content.decode())
    return {
        event.summary.value: (event.dtstart.value.astimezone(UTC), event.dtend.value.astimezone(UTC))
        for event in calendar.vevent_list
    }


@pytest.mark.parametrize("parse", [_instants_by_icalendar, _instants_by_vobject])
def test_feed_carries_the_stored_instants_through_the_repeated_hour(client, world, parse):
    user, participant, _visit, items = world
    _feed, token = calendar_feed_token_create(participant, by=user)

    response = client.get(reverse("my:feed", args=[token]))

    assert response.status_code == 200
    assert parse(response.content) == items


@pytest.mark.parametrize("parse", [_instants_by_icalendar, _instants_by_vobject])
def test_ics_download_carries_the_stored_instants_through_the_repeated_hour(client, world, parse):
    user, _participant, visit, items = world
    client.force_login(user)

    response = client.get(reverse("my:visit_ics", args=[visit.pk]))

    assert response.status_code == 200
    assert parse(response.content) == items


def test_feed_keeps_the_venue_zone_outside_the_repeated_hour(client, world):
    user, participant, visit, _items = world
    ItineraryItemFactory(
        visit=visit,
        city=visit.itinerary_items.first().city,
        title="Breakfast",
        starts_at=dt.datetime(2019, 11, 3, 14, tzinfo=UTC),
    )
    _feed, token = calendar_feed_token_create(participant, by=user)

    content = client.get(reverse("my:feed", args=[token])).content

    assert b"DTSTART;TZID=America/Chicago:20191103T080000" in content
    assert b"DTSTART:20191103T073000Z" not in content
    assert b"DTSTART:20191103T071500Z" in content
