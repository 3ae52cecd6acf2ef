"""The delegate's one timeline and calendar: items, group legs, own travel and hotel, each in its zone."""

import datetime as dt
import re

import icalendar
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from partners.tests.factories import CityFactory
from trips.models import Accommodation, PersonalTravel
from trips.services import calendar_feed_token_create
from trips.timeline import ClockChange, clock_change_text, timeline_days
from visits.tests.factories import ItineraryItemFactory, PublishedVisitFactory, TravelLegFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def cities():
    return {
        "liege": CityFactory(name="Liège", timezone="Europe/Brussels"),
        "nashville": CityFactory(name="Nashville", country="US", timezone="America/Chicago"),
        "chattanooga": CityFactory(name="Chattanooga", country="US", timezone="America/New_York"),
    }


@pytest.fixture
def trip(cities):
    """A published visit; Camille (signed in) and Marc travel in it."""
    visit = PublishedVisitFactory(title="Belgians in Tennessee")
    user = get_user_model().objects.create_user(username="c@example.org", email="c@example.org")
    camille = DelegationMemberFactory(
        delegation=visit.delegation,
        participant=ParticipantFactory(user=user, email="c@example.org", home_city=cities["liege"]),
    )
    marc = DelegationMemberFactory(delegation=visit.delegation)
    return {"visit": visit, "user": user, "camille": camille, "marc": marc, **cities}


def _coach(trip, **fields):
    return TravelLegFactory(
        visit=trip["visit"],
        from_city=trip["nashville"],
        to_city=trip["chattanooga"],
        departs_at=at("2019-11-05 17:00"),  # 11:00 CST
        arrives_at=at("2019-11-05 19:15"),  # 14:15 EST
        **fields,
    )


def _page(client, trip) -> str:
    client.force_login(trip["user"])
    return client.get(reverse("my:itinerary", args=[trip["visit"].pk])).content.decode()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_clock_change_says_how_the_clocks_move_in_words():
    from zoneinfo import ZoneInfo

    central, eastern = ZoneInfo("America/Chicago"), ZoneInfo("America/New_York")
    brussels = ZoneInfo("Europe/Brussels")

    assert clock_change_text(
        at("2019-11-05 17:00").astimezone(central), at("2019-11-05 19:15").astimezone(eastern)
    ) == ("The clocks move forward one hour: Central to Eastern.")
    assert clock_change_text(
        at("2019-11-03 09:00").astimezone(brussels), at("2019-11-03 22:00").astimezone(central)
    ) == ("The clocks move back 7 hours: Central European to Central.")
    # The night the United States leave daylight saving time, in one zone.
    assert clock_change_text(
        at("2019-11-02 14:00").astimezone(central), at("2019-11-03 15:00").astimezone(central)
    ) == ("The clocks move back one hour (Central winter time).")
    assert (
        clock_change_text(at("2019-11-05 17:00").astimezone(eastern), at("2019-11-05 19:00").astimezone(eastern)) == ""
    )


def test_timeline_orders_each_local_day_and_marks_the_zone_change(trip):
    stay = Accommodation.objects.create(
        visit=trip["visit"],
        participant=trip["camille"].participant,
        name="Nashville Hotel",
        city=trip["nashville"],
        check_in=dt.date(2019, 11, 3),
        check_out=dt.date(2019, 11, 5),
    )
    morning = ItineraryItemFactory(visit=trip["visit"], city=trip["nashville"], starts_at=at("2019-11-05 14:30"))
    afternoon = ItineraryItemFactory(visit=trip["visit"], city=trip["chattanooga"], starts_at=at("2019-11-05 20:00"))
    coach = _coach(trip)

    days = timeline_days([afternoon, morning], [coach], [], [stay])

    assert [day for day, _entries in days] == [dt.date(2019, 11, 3), dt.date(2019, 11, 5)]
    shown = [getattr(entry, "timeline_kind", None) for entry in days[1][1]]
    assert shown == ["check_out", "item", "leg", "clocks", "item"]
    assert days[1][1][1] is morning and days[1][1][2].record == coach and days[1][1][4] is afternoon
    assert days[1][1][3] == ClockChange("The clocks move forward one hour: Central to Eastern.")
    assert [entry.timeline_kind for entry in days[0][1]] == ["check_in"]


def test_delegate_page_shows_a_leg_with_both_times_and_the_zone_change(client, trip):
    _coach(trip, carrier="Example Coaches")

    text = _text(_page(client, trip))

    assert "Coach · 11:00 CST Nashville → 14:15 EST Chattanooga" in text
    assert "The clocks move forward one hour: Central to Eastern." in text
    assert "Example Coaches" in text


def test_delegate_sees_the_sub_group_legs_that_list_them_only(client, trip):
    _coach(trip, members=[trip["camille"]], reference="FOR-CAMILLE")
    _coach(trip, members=[trip["marc"]], reference="FOR-MARC")

    page = _page(client, trip)

    assert "FOR-CAMILLE" in page
    assert "FOR-MARC" not in page


def test_own_travel_sits_in_its_day_like_a_leg_and_an_overnight_arrival_says_its_date(client, trip):
    PersonalTravel.objects.create(
        visit=trip["visit"],
        participant=trip["camille"].participant,
        direction=PersonalTravel.Direction.DEPARTURE,
        carrier="UA 950",
        departure_place="Washington Dulles",
        departure_timezone="America/New_York",
        departs_at=at("2019-11-09 22:45"),
        arrival_place="Brussels Airport",
        arrival_timezone="Europe/Brussels",
        arrives_at=at("2019-11-10 06:45"),
    )

    text = _text(_page(client, trip))

    assert "Saturday 9 November 2019" in text
    assert "Flight · 17:45 EST Washington Dulles → 07:45 CET (Sun 10 Nov) Brussels Airport" in text
    assert "The clocks move forward 6 hours: Eastern to Central European." in text


def test_delegate_page_shows_an_edited_leg_at_once(client, trip):
    coach = _coach(trip)
    assert "11:00 CST" in _page(client, trip)

    coach.departs_at = at("2019-11-05 18:00")
    coach.save()

    assert "12:00 CST" in _page(client, trip)


def _events(content: bytes) -> dict:
    return {str(event["UID"]): event for event in icalendar.Calendar.from_ical(content).walk("VEVENT")}


def test_feed_carries_a_leg_from_its_departure_zone_to_its_arrival_zone(client, trip):
    coach = _coach(trip)
    _feed, token = calendar_feed_token_create(trip["camille"].participant, by=None)

    content = client.get(reverse("my:feed", args=[token])).content

    event = _events(content)[f"leg-{coach.pk}@cityexchange"]
    assert b"DTSTART;TZID=America/Chicago:20191105T110000" in content
    assert b"DTEND;TZID=America/New_York:20191105T141500" in content
    assert b"TZID:America/Chicago" in content and b"TZID:America/New_York" in content
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (coach.departs_at, coach.arrives_at)
    assert str(event["SUMMARY"]) == "Coach Nashville → Chattanooga"


def test_feed_and_ics_carry_a_sub_group_leg_only_to_its_members(client, trip):
    theirs = _coach(trip, members=[trip["marc"]])
    everyone = _coach(trip)
    _feed, token = calendar_feed_token_create(trip["camille"].participant, by=None)

    feed = _events(client.get(reverse("my:feed", args=[token])).content)
    client.force_login(trip["user"])
    ics = _events(client.get(reverse("my:visit_ics", args=[trip["visit"].pk])).content)

    assert sorted(feed) == sorted(ics) == [f"leg-{everyone.pk}@cityexchange"]
    assert f"leg-{theirs.pk}@cityexchange" not in feed


def test_feed_follows_a_moved_leg(client, trip):
    coach = _coach(trip)
    _feed, token = calendar_feed_token_create(trip["camille"].participant, by=None)
    client.get(reverse("my:feed", args=[token]))

    coach.departs_at = at("2019-11-05 18:00")
    coach.save()

    event = _events(client.get(reverse("my:feed", args=[token])).content)[f"leg-{coach.pk}@cityexchange"]
    assert event.decoded("DTSTART") == at("2019-11-05 18:00")


def test_hotel_in_another_city_and_year_is_shown_with_a_warning_not_refused(client, trip):
    from visits.tests.factories import VisitStopFactory

    VisitStopFactory(visit=trip["visit"], city=trip["nashville"])
    Accommodation.objects.create(
        visit=trip["visit"],
        participant=trip["camille"].participant,
        name="Hôtel Liège",
        city=trip["liege"],
        check_in=dt.date(2020, 11, 3),
        check_out=dt.date(2020, 11, 5),
    )

    text = _text(_page(client, trip))

    assert "Hotel check-in · Hôtel Liège · Liège" in text
    assert "This hotel is in none of the visit's host cities." in text
    assert "This stay does not overlap the visit's dates." in text
