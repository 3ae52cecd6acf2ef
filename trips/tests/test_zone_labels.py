"""The delegate's itinerary, on the page and in the PDF: each time with its own zone's abbreviation."""

import datetime as dt
import io
import re

import pypdf
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from partners.tests.factories import CityFactory
from trips.models import PersonalTravel
from visits.tests.factories import ItineraryItemFactory, PublishedVisitFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# Chicago, 3 November 2019: 01:00-02:00 happens twice, first CDT (06:00-07:00 UTC), then CST (07:00-08:00 UTC).
ITEMS = {
    "Second hour": (dt.datetime(2019, 11, 3, 7, 15, tzinfo=UTC), dt.datetime(2019, 11, 3, 7, 45, tzinfo=UTC)),
    "Across": (dt.datetime(2019, 11, 3, 6, 30, tzinfo=UTC), dt.datetime(2019, 11, 3, 7, 0, tzinfo=UTC)),
}
EXPECTED = ["01:15–01:45 CST", "01:30 CDT–01:00 CST"]


def _text(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))


@pytest.fixture
def delegate():
    nashville = CityFactory(name="Nashville", country="US", timezone="America/Chicago")
    user = get_user_model().objects.create_user(username="camille@example.org", email="camille@example.org")
    participant = ParticipantFactory(user=user, email="camille@example.org", home_city=nashville)
    visit = PublishedVisitFactory()
    DelegationMemberFactory(delegation=visit.delegation, participant=participant)
    for title, (starts_at, ends_at) in ITEMS.items():
        ItineraryItemFactory(visit=visit, city=nashville, title=title, starts_at=starts_at, ends_at=ends_at)
    PersonalTravel.objects.create(
        visit=visit,
        participant=participant,
        direction=PersonalTravel.Direction.ARRIVAL,
        departure_place="Memphis",
        departure_timezone="America/Chicago",
        departs_at=dt.datetime(2019, 11, 3, 6, 30, tzinfo=UTC),
        arrival_place="Nashville",
        arrival_timezone="America/Chicago",
        arrives_at=dt.datetime(2019, 11, 3, 7, 30, tzinfo=UTC),
    )
    return user, visit


def test_itinerary_page_gives_each_time_its_own_abbreviation(client, delegate):
    user, visit = delegate
    client.force_login(user)

    text = _text(client.get(reverse("my:itinerary", args=[visit.pk])).content.decode())

    assert [label for label in EXPECTED if label in text] == EXPECTED
    assert "Flight · 01:30 CDT Memphis → 01:30 CST Nashville" in text


def test_itinerary_pdf_gives_each_time_its_own_abbreviation(client, delegate):
    user, visit = delegate
    client.force_login(user)

    response = client.get(reverse("my:visit_pdf", args=[visit.pk]))

    text = _text(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages))
    assert [label for label in EXPECTED if label in text] == EXPECTED
    assert "01:30 CDT Memphis" in text
    assert "01:30 CST Nashville" in text


@pytest.mark.parametrize(
    ("home_zone", "starts_at", "expected"),
    [
        # 19:00 CST on Sunday is 02:00 CET on Monday in Liège.
        ("Europe/Brussels", dt.datetime(2019, 11, 4, 1, tzinfo=UTC), "(home 02:00–03:00 CET, the next day, Mon 4 Nov)"),
        # 01:00 CST on Monday is 21:00 HST on Sunday in Honolulu.
        (
            "Pacific/Honolulu",
            dt.datetime(2019, 11, 4, 7, tzinfo=UTC),
            "(home 21:00–22:00 HST, the day before, Sun 3 Nov)",
        ),
        ("Europe/Brussels", dt.datetime(2019, 11, 4, 15, tzinfo=UTC), "(home 16:00–17:00 CET)"),
    ],
)
def test_itinerary_marks_a_home_time_on_another_day(client, home_zone, starts_at, expected):
    nashville = CityFactory(name="Nashville", country="US", timezone="America/Chicago")
    home = CityFactory(name="Home", timezone=home_zone)
    user = get_user_model().objects.create_user(username="camille@example.org", email="camille@example.org")
    visit = PublishedVisitFactory()
    DelegationMemberFactory(delegation=visit.delegation, participant=ParticipantFactory(user=user, home_city=home))
    ItineraryItemFactory(visit=visit, city=nashville, starts_at=starts_at)
    client.force_login(user)

    text = _text(client.get(reverse("my:itinerary", args=[visit.pk])).content.decode())

    assert expected in text


def test_itinerary_marks_a_home_time_on_another_day_in_french(client):
    nashville = CityFactory(name="Nashville", country="US", timezone="America/Chicago")
    liege = CityFactory(name="Liège", timezone="Europe/Brussels")
    user = get_user_model().objects.create_user(username="camille@example.org", email="camille@example.org")
    visit = PublishedVisitFactory()
    DelegationMemberFactory(delegation=visit.delegation, participant=ParticipantFactory(user=user, home_city=liege))
    ItineraryItemFactory(visit=visit, city=nashville, starts_at=dt.datetime(2019, 11, 4, 1, tzinfo=UTC))
    client.force_login(user)

    text = _text(client.get("/fr" + reverse("my:itinerary", args=[visit.pk])).content.decode())

    assert "02:00–03:00 CET, le lendemain, lun 4 Nov" in text
