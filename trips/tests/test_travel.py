"""A member's own travel: what each leg is called, where its zone pickers start, and what its dates may be."""

import datetime as dt
import re

import icalendar
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from partners.tests.factories import CityFactory
from trips.forms import PersonalTravelForm
from trips.models import Accommodation, PersonalTravel
from visits.tests.factories import PublishedVisitFactory, VisitStopFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.fixture
def delegate():
    liege = CityFactory(name="Liège", timezone="Europe/Brussels")
    user = get_user_model().objects.create_user(username="camille@example.org", email="camille@example.org")
    participant = ParticipantFactory(user=user, email="camille@example.org", home_city=liege)
    visit = PublishedVisitFactory()
    DelegationMemberFactory(delegation=visit.delegation, participant=participant)
    return user, participant, visit


def _leg(visit, participant, direction):
    outbound = direction == PersonalTravel.Direction.ARRIVAL
    return PersonalTravel.objects.create(
        visit=visit,
        participant=participant,
        direction=direction,
        carrier="UA 950" if outbound else "UA 951",
        departure_place="Brussels" if outbound else "Nashville",
        departure_timezone="Europe/Brussels" if outbound else "America/Chicago",
        departs_at=dt.datetime(2019, 11, 3 if outbound else 9, 9, tzinfo=UTC),
        arrival_place="Nashville" if outbound else "Brussels",
        arrival_timezone="America/Chicago" if outbound else "Europe/Brussels",
        arrives_at=dt.datetime(2019, 11, 3 if outbound else 10, 20 if outbound else 8, tzinfo=UTC),
    )


def test_travel_legs_are_called_outbound_and_return_on_the_page_and_in_the_calendar(client, delegate):
    user, participant, visit = delegate
    _leg(visit, participant, PersonalTravel.Direction.ARRIVAL)
    _leg(visit, participant, PersonalTravel.Direction.DEPARTURE)
    client.force_login(user)

    page = client.get(reverse("my:itinerary", args=[visit.pk])).content.decode()
    ics = client.get(reverse("my:visit_ics", args=[visit.pk])).content

    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Flight · 10:00 CET Brussels → 14:00 CST Nashville Your own booking · Outbound UA 950" in text
    assert "Flight · 03:00 CST Nashville → 09:00 CET (Sun 10 Nov) Brussels Your own booking · Return UA 951" in text
    assert "Arrival" not in page
    descriptions = {
        str(event["SUMMARY"]): str(event["DESCRIPTION"]) for event in icalendar.Calendar.from_ical(ics).walk("VEVENT")
    }
    assert descriptions == {
        "Flight UA 950: Brussels → Nashville": "Outbound",
        "Flight UA 951: Nashville → Brussels": "Return",
    }


def test_travel_form_offers_outbound_and_return():
    assert list(PersonalTravelForm().fields["direction"].choices) == [
        ("", "---------"),
        ("arrival", "Outbound"),
        ("departure", "Return"),
    ]


@pytest.fixture
def two_stops(delegate):
    _user, _participant, visit = delegate
    VisitStopFactory(visit=visit, city=CityFactory(name="Nashville", timezone="America/Chicago"), position=1)
    VisitStopFactory(visit=visit, city=CityFactory(name="Washington", timezone="America/New_York"), position=2)
    return delegate


def _selected_zones(response) -> tuple:
    form = response.context["form"]
    return form["direction"].value(), form["departure_timezone"].value(), form["arrival_timezone"].value()


def test_travel_form_zones_default_from_home_to_the_first_host_city(client, two_stops):
    user, _participant, visit = two_stops
    client.force_login(user)

    response = client.get(reverse("my:travel_create", args=[visit.pk]))

    assert _selected_zones(response) == ("arrival", "Europe/Brussels", "America/Chicago")
    # A text box that searches the zones as one types (not a select of 600), filled in.
    assert 'name="arrival_timezone" value="America/Chicago"' in response.content.decode()
    assert '<datalist id="time-zones">' in response.content.decode()


def test_travel_form_zones_default_from_the_last_host_city_home_for_the_way_home(client, two_stops):
    user, _participant, visit = two_stops
    client.force_login(user)

    response = client.get(reverse("my:travel_create", args=[visit.pk]) + "?direction=departure")

    assert _selected_zones(response) == ("departure", "America/New_York", "Europe/Brussels")


def test_officers_travel_form_for_a_member_defaults_the_same_way(client, two_stops, django_user_model):
    _user, participant, visit = two_stops
    officer = django_user_model.objects.create_user(username="o@example.org", email="o@example.org")
    visit.programme.officers.add(officer)
    member = visit.delegation.members.get(participant=participant)
    client.force_login(officer)

    response = client.get(reverse("delegate_access:travel_create", args=[visit.pk, member.pk]) + "?direction=departure")

    assert _selected_zones(response) == ("departure", "America/New_York", "Europe/Brussels")


def test_travel_form_without_a_zone_to_suggest_asks_instead_of_picking_the_first(client, delegate):
    user, participant, visit = delegate
    participant.home_city = None
    participant.save()
    client.force_login(user)

    response = client.get(reverse("my:travel_create", args=[visit.pk]))

    assert _selected_zones(response) == ("arrival", "", "")
    assert 'Africa/Abidjan" selected' not in response.content.decode()
    assert 'name="departure_timezone" value=' not in response.content.decode()
    assert 'name="arrival_timezone" value=' not in response.content.decode()


OUT_OF_RANGE = "Enter a date between the years 1900 and 2100."
TRAVEL = {
    "direction": "arrival",
    "mode": "flight",
    "departure_place": "Brussels",
    "departure_timezone": "Europe/Brussels",
    "departs_local": "2019-11-03T10:00",
    "arrival_place": "Nashville",
    "arrival_timezone": "America/Chicago",
    "arrives_local": "2019-11-03T14:05",
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("arrives_local", "9999-12-31T23:00"),
        ("departs_local", "0001-01-01T00:00"),
        ("arrives_local", "9999-12-31"),
        ("departs_local", "0001-01-01"),
    ],
)
def test_travel_with_a_date_out_of_range_is_refused_in_words(client, delegate, field, value):
    user, _participant, visit = delegate
    client.force_login(user)

    response = client.post(reverse("my:travel_create", args=[visit.pk]), {**TRAVEL, field: value})

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [OUT_OF_RANGE]}
    assert PersonalTravel.objects.count() == 0


@pytest.mark.parametrize(("field", "value"), [("check_out", "9999-12-31"), ("check_in", "0001-01-01")])
def test_hotel_with_a_date_out_of_range_is_refused_in_words(client, delegate, field, value):
    user, _participant, visit = delegate
    city = CityFactory(name="Nashville", timezone="America/Chicago")
    stay = {"name": "Hotel", "city": city.pk, "check_in": "2019-11-03", "check_out": "2019-11-05"}
    client.force_login(user)

    response = client.post(reverse("my:stay_create", args=[visit.pk]), {**stay, field: value})

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [OUT_OF_RANGE]}
    assert Accommodation.objects.count() == 0


def test_travel_form_refuses_a_zone_that_is_not_one_in_words(client, delegate):
    user, _participant, visit = delegate
    client.force_login(user)
    url = reverse("my:travel_create", args=[visit.pk])

    response = client.post(
        url,
        {
            "direction": "arrival",
            "mode": "flight",
            "departure_place": "Brussels",
            "departure_timezone": "Mars/Olympus",
            "departs_local": "2019-11-03T10:05",
            "arrival_place": "Nashville",
            "arrival_timezone": "America/Chicago",
            "arrives_local": "2019-11-03T16:40",
        },
    )

    assert "“Mars/Olympus” is not an IANA time zone, such as Europe/Brussels." in response.content.decode()
    assert visit.personal_travel.count() == 0
