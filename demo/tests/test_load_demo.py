import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from delegations.models import Delegation, DelegationMember, Participant
from outcomes.models import FollowUp
from partners.models import City, NetworkMembership, Organisation
from visits.models import ItineraryItem, StudyVisit, Theme

pytestmark = pytest.mark.django_db

NOVEMBER_2019 = "Belgian delegation in Nashville, Chattanooga and Washington DC"


@pytest.fixture
def demo(settings, tmp_path):
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in ("partners", "delegations", "visits", "notifications", "auth")
        for model in apps.get_app_config(app).get_models()
    }


def test_load_demo_twice_gives_the_same_rows(demo):
    before = _row_counts()
    visit_ids = sorted(StudyVisit.objects.values_list("pk", flat=True))

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert _row_counts() == before
    assert sorted(StudyVisit.objects.values_list("pk", flat=True)) == visit_ids


def test_load_demo_on_a_later_day_keeps_the_upcoming_visit_dates(demo, monkeypatch):
    upcoming = StudyVisit.objects.get(status=StudyVisit.Status.DRAFT, programme__name__startswith="City Pair")
    later = timezone.localdate() + dt.timedelta(days=10)
    monkeypatch.setattr(timezone, "localdate", lambda: later)

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert list(StudyVisit.objects.filter(status=StudyVisit.Status.DRAFT, programme=upcoming.programme)) == [upcoming]
    upcoming.refresh_from_db()
    assert upcoming.starts_on == timezone.localdate() - dt.timedelta(days=10) + dt.timedelta(days=30)


def test_demo_cities_have_their_real_time_zones(demo):
    zones = dict(City.objects.values_list("name", "timezone"))

    assert zones["Liège"] == "Europe/Brussels"
    assert zones["Verviers"] == "Europe/Brussels"
    assert zones["Nashville"] == "America/Chicago"
    assert zones["Chattanooga"] == "America/New_York"
    assert zones["Washington"] == "America/New_York"


def test_demo_has_the_organisations_the_article_names(demo):
    names = set(Organisation.objects.values_list("name", flat=True))

    assert {
        "European Forum for Urban Security",
        "Strong Cities Network",
        "Meridian International Center",
        "Office for Education & Culture, US Embassy in Belgium",
        "Department of Homeland Security",
        "Bureau of Counterterrorism and Countering Violent Extremism, US Department of State",
        "City of Liège",
        "City of Verviers",
    } <= names
    assert Organisation.objects.get(acronym="Efus").kind == Organisation.Kind.NETWORK
    assert Organisation.objects.get(acronym="SCN").kind == Organisation.Kind.NETWORK


def test_demo_has_the_five_themes(demo):
    assert sorted(Theme.objects.values_list("slug", flat=True)) == [
        "citizen-participation",
        "crime-prevention",
        "restorative-justice",
        "urban-development",
        "violent-extremism",
    ]


def test_demo_liege_standing_in_efus_and_the_strong_cities_network(demo):
    standings = list(
        NetworkMembership.objects.filter(city__name="Liège")
        .order_by("network__acronym", "since")
        .values_list("network__acronym", "status", "until")
    )

    assert standings == [
        ("Efus", "member", None),
        ("SCN", "contributing", dt.date(2019, 11, 14)),
        ("SCN", "applying", None),
    ]


def test_demo_2019_visit_matches_the_article(demo):
    visit = StudyVisit.objects.get(title=NOVEMBER_2019)

    assert (visit.starts_on, visit.ends_on) == (dt.date(2019, 11, 3), dt.date(2019, 11, 9))
    assert [stop.city.name for stop in visit.stops.order_by("position")] == ["Nashville", "Chattanooga", "Washington"]
    assert visit.themes.count() == 5
    assert visit.delegation.head.full_name == "Willy Demeyer"
    assert set(visit.delegation.home_cities.values_list("name", flat=True)) == {"Liège", "Verviers"}
    professions = set(visit.delegation.members.values_list("participant__profession", flat=True))
    assert {Participant.Profession.POLICE, Participant.Profession.SOCIAL_WORK, Participant.Profession.PREVENTION} <= (
        professions
    )
    for item in visit.itinerary_items.select_related("city"):
        item.full_clean()
    first = visit.itinerary_items.earliest("starts_at")
    assert first.local_start.strftime("%Y-%m-%d %H:%M %Z") == "2019-11-03 19:00 CST"
    assert not visit.itinerary_items.filter(kind=ItineraryItem.Kind.TRAVEL).exists()


def test_demo_2019_travel_is_four_legs_in_both_zones_across_the_3_november_change(demo):
    visit = StudyVisit.objects.get(title=NOVEMBER_2019)
    legs = visit.legs.select_related("from_city", "to_city").order_by("departs_at")

    def local(moment, zone):
        return moment.astimezone(ZoneInfo(zone)).strftime("%a %d %b %H:%M %Z")

    shown = [
        (
            leg.get_kind_display(),
            leg.from_city.name,
            local(leg.departs_at, leg.from_city.timezone),
            leg.to_city.name,
            local(leg.arrives_at, leg.to_city.timezone),
            leg.members.exists(),
        )
        for leg in legs
    ]
    assert shown == [
        ("Flight", "Brussels", "Sun 03 Nov 10:05 CET", "Nashville", "Sun 03 Nov 16:40 CST", False),
        ("Coach", "Nashville", "Tue 05 Nov 11:00 CST", "Chattanooga", "Tue 05 Nov 14:15 EST", False),
        ("Flight", "Chattanooga", "Wed 06 Nov 18:10 EST", "Washington", "Wed 06 Nov 20:05 EST", False),
        ("Flight", "Washington", "Sat 09 Nov 17:45 EST", "Brussels", "Sun 10 Nov 07:45 CET", False),
    ]
    # The same instants in UTC: Brussels is UTC+1 and Nashville UTC-6 after both changes.
    assert [(leg.departs_at, leg.arrives_at) for leg in legs] == [
        (dt.datetime(2019, 11, 3, 9, 5, tzinfo=dt.UTC), dt.datetime(2019, 11, 3, 22, 40, tzinfo=dt.UTC)),
        (dt.datetime(2019, 11, 5, 17, 0, tzinfo=dt.UTC), dt.datetime(2019, 11, 5, 19, 15, tzinfo=dt.UTC)),
        (dt.datetime(2019, 11, 6, 23, 10, tzinfo=dt.UTC), dt.datetime(2019, 11, 7, 1, 5, tzinfo=dt.UTC)),
        (dt.datetime(2019, 11, 9, 22, 45, tzinfo=dt.UTC), dt.datetime(2019, 11, 10, 6, 45, tzinfo=dt.UTC)),
    ]
    arrival, _coach, _flight, home = legs
    # Outside the visit's days on one end only: the flight home lands on 10 November.
    assert (arrival.outside_visit_days(), home.outside_visit_days()) == (False, True)


def test_load_demo_turns_the_old_travel_items_into_legs(demo):
    visit = StudyVisit.objects.get(title=NOVEMBER_2019)
    nashville = City.objects.get(name="Nashville")
    ItineraryItem.objects.create(
        visit=visit,
        city=nashville,
        kind=ItineraryItem.Kind.TRAVEL,
        title="Coach to Chattanooga",
        starts_at=dt.datetime(2019, 11, 5, 17, tzinfo=dt.UTC),
        ends_at=dt.datetime(2019, 11, 5, 19, 15, tzinfo=dt.UTC),
    )

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert not visit.itinerary_items.filter(kind=ItineraryItem.Kind.TRAVEL).exists()
    assert visit.legs.count() == 4


def test_demo_2018_visit_and_follow_ups(demo):
    visit_2018 = StudyVisit.objects.get(title="American experts in Liège")
    follow_ups = set(FollowUp.objects.filter(visit__title=NOVEMBER_2019).values_list("title", flat=True))

    assert (visit_2018.starts_on.year, visit_2018.starts_on.month) == (2018, 9)
    assert {"Liège joins the Strong Cities Network", "Partnership between Efus and a network of American cities"} <= (
        follow_ups
    )


def test_demo_upcoming_return_visit_is_a_draft_about_a_month_ahead(demo):
    upcoming = StudyVisit.objects.get(title__startswith="Return visit")

    assert upcoming.status == StudyVisit.Status.DRAFT
    assert upcoming.starts_on - timezone.localdate() == dt.timedelta(days=30)
    assert upcoming.delegation.members.count() == 3
    assert ItineraryItem.objects.filter(visit=upcoming).count() == 4


def test_demo_accounts(demo):
    delegate = Participant.objects.get(user__email="delegate@example.org")

    assert DelegationMember.objects.filter(participant=delegate, delegation__visits__title=NOVEMBER_2019).exists()
    assert Delegation.objects.filter(members__participant=delegate).count() == 1


def test_demo_separates_the_two_officers(demo):
    from visits.selectors import visits_for_officer

    officer = Participant.objects.model._meta.apps.get_model("auth", "User").objects.get(email="officer@example.org")
    officer2 = officer.__class__.objects.get(email="officer2@example.org")

    titles = set(visits_for_officer(officer).values_list("title", flat=True))
    titles2 = set(visits_for_officer(officer2).values_list("title", flat=True))

    assert NOVEMBER_2019 in titles
    assert titles2 == {"Strasbourg delegation in Barcelona"}
    assert not titles & titles2
