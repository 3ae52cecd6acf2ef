import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from partners.models import City
from partners.tests.factories import CityFactory, NetworkFactory, NetworkMembershipFactory, OrganisationFactory
from visits.tests.factories import ItineraryItemFactory, StudyVisitFactory, VisitStopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def nashville():
    return CityFactory(name="Nashville", country="US", timezone="America/Chicago")


def test_item_outside_visit_dates_is_refused_by_validation(nashville):
    visit = StudyVisitFactory(starts_on=dt.date(2019, 11, 3), ends_on=dt.date(2019, 11, 9))
    # 10 Nov 01:00 UTC is still 9 Nov in Nashville, so this one is inside...
    inside = ItineraryItemFactory.build(
        visit=visit,
        city=nashville,
        starts_at=dt.datetime(2019, 11, 10, 1, tzinfo=dt.UTC),
        ends_at=dt.datetime(2019, 11, 10, 2, tzinfo=dt.UTC),
    )
    inside.full_clean()
    # ...and 10 Nov 09:00 local is outside.
    outside = ItineraryItemFactory.build(
        visit=visit,
        city=nashville,
        starts_at=dt.datetime(2019, 11, 10, 15, tzinfo=dt.UTC),
        ends_at=dt.datetime(2019, 11, 10, 16, tzinfo=dt.UTC),
    )

    with pytest.raises(ValidationError) as error:
        outside.full_clean()

    assert list(error.value.message_dict) == ["starts_at"]
    assert "outside the visit's dates" in error.value.message_dict["starts_at"][0]


def test_item_local_time_across_the_us_daylight_saving_change(nashville):
    # 3 Nov 2019: Central time falls back from CDT (UTC-5) to CST (UTC-6) at 02:00.
    before = ItineraryItemFactory(
        city=nashville,
        starts_at=dt.datetime(2019, 11, 3, 6, 30, tzinfo=dt.UTC),
        ends_at=dt.datetime(2019, 11, 3, 7, tzinfo=dt.UTC),
    )
    after = ItineraryItemFactory(
        city=nashville,
        starts_at=dt.datetime(2019, 11, 3, 20, 5, tzinfo=dt.UTC),
        ends_at=dt.datetime(2019, 11, 3, 22, tzinfo=dt.UTC),
    )

    assert before.local_start.strftime("%H:%M %Z") == "01:30 CDT"
    assert after.local_start.strftime("%H:%M %Z") == "14:05 CST"


def test_stop_outside_visit_dates_is_refused_by_validation():
    stop = VisitStopFactory.build(
        visit=StudyVisitFactory(), city=CityFactory(), arrives_on=dt.date(2019, 11, 1), departs_on=dt.date(2019, 11, 4)
    )

    with pytest.raises(ValidationError, match="must lie within the visit"):
        stop.full_clean()


def test_city_with_unknown_time_zone_is_refused_by_validation():
    city = City(name="Atlantis", country="XX", timezone="Atlantic/Atlantis")

    with pytest.raises(ValidationError) as error:
        city.full_clean()

    assert list(error.value.message_dict) == ["timezone"]


def test_membership_in_an_organisation_that_is_not_a_network_is_refused():
    membership = NetworkMembershipFactory.build(city=CityFactory(), network=OrganisationFactory())

    with pytest.raises(ValidationError) as error:
        membership.full_clean()

    assert list(error.value.message_dict) == ["network"]


def test_membership_in_a_network_is_valid():
    NetworkMembershipFactory.build(city=CityFactory(), network=NetworkFactory(), since=dt.date(2019, 1, 1)).full_clean()
