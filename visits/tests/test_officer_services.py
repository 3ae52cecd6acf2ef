"""Local time across daylight saving, and the services behind the officer pages."""

import datetime as dt
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from partners.tests.factories import CityFactory
from visits import services
from visits.localtime import NonexistentLocalTime, local_to_utc, shift_local
from visits.models import StudyVisit
from visits.tests.factories import ItineraryItemFactory, StudyVisitFactory, VisitStopFactory

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def test_local_to_utc_plain_time():
    assert local_to_utc(dt.date(2019, 11, 4), dt.time(9), CHICAGO) == (
        dt.datetime(2019, 11, 4, 15, tzinfo=dt.UTC),
        False,
    )


def test_local_to_utc_ambiguous_time_takes_the_first():
    assert local_to_utc(dt.date(2019, 11, 3), dt.time(1, 30), CHICAGO) == (
        dt.datetime(2019, 11, 3, 6, 30, tzinfo=dt.UTC),
        True,
    )


def test_local_to_utc_refuses_a_skipped_time():
    with pytest.raises(NonexistentLocalTime):
        local_to_utc(dt.date(2019, 3, 10), dt.time(2, 30), CHICAGO)


def test_shift_local_keeps_the_wall_clock_across_daylight_saving():
    before = dt.datetime(2019, 11, 1, 14, tzinfo=dt.UTC)  # 09:00 CDT

    assert shift_local(before, CHICAGO, 7).astimezone(CHICAGO).strftime("%Y-%m-%d %H:%M %Z") == "2019-11-08 09:00 CST"


@pytest.mark.django_db
def test_visit_clone_keeps_local_times_and_starts_as_requested_draft(django_user_model):
    officer = django_user_model.objects.create_user(username="o@example.org", email="o@example.org")
    nashville = CityFactory(name="Nashville", timezone="America/Chicago")
    visit = StudyVisitFactory(starts_on=dt.date(2019, 10, 30), ends_on=dt.date(2019, 11, 1), status="draft")
    VisitStopFactory(visit=visit, city=nashville)
    ItineraryItemFactory(
        visit=visit, city=nashville, status="confirmed", starts_at=dt.datetime(2019, 10, 31, 14, tzinfo=dt.UTC)
    )

    clone = services.visit_clone(visit, by=officer, title="Next", starts_on=dt.date(2019, 11, 6))

    item = clone.itinerary_items.select_related("city").get()
    assert (clone.status, clone.starts_on, clone.ends_on) == ("draft", dt.date(2019, 11, 6), dt.date(2019, 11, 8))
    assert [(s.city, s.arrives_on, s.departs_on) for s in clone.stops.all()] == [
        (nashville, dt.date(2019, 11, 6), dt.date(2019, 11, 8))
    ]
    assert (item.local_start.strftime("%Y-%m-%d %H:%M %Z"), item.status) == ("2019-11-07 09:00 CST", "requested")


@pytest.mark.django_db
def test_demo_second_officer_cannot_reach_the_2019_visit(client, settings):
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    officer2 = get_user_model().objects.get(email="officer2@example.org")
    visit = StudyVisit.objects.get(title="Belgian delegation in Nashville, Chattanooga and Washington DC")
    client.force_login(officer2)

    visit_titles = [v.title for v in client.get(reverse("visits:visit_list")).context["object_list"]]
    participants = {p.email for p in client.get(reverse("delegations:participant_list")).context["object_list"]}

    assert visit_titles == ["Strasbourg delegation in Barcelona"]
    assert participants == {"helene.fauxnom@example.org", "julien.exemplaire@example.org"}
    assert client.get(reverse("visits:visit_detail", args=[visit.pk])).status_code == 404
    assert client.get(reverse("visits:programme_detail", args=[visit.programme_id])).status_code == 404
    assert client.get(reverse("delegations:delegation_detail", args=[visit.delegation_id])).status_code == 404


@pytest.mark.django_db
def test_visit_clone_refuses_a_start_at_the_end_of_the_calendar_in_words():
    import datetime as dt

    from django.core.exceptions import ValidationError

    from visits.services import visit_clone
    from visits.tests.factories import StudyVisitFactory

    visit = StudyVisitFactory()

    with pytest.raises(ValidationError) as error:
        visit_clone(visit, by=None, title="Far future", starts_on=dt.date(9999, 12, 31))

    assert error.value.message_dict == {"starts_on": ["Choose a start date that leaves room for the whole visit."]}
