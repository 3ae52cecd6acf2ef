import datetime as dt

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
    assert first.local_start.strftime("%Y-%m-%d %H:%M %Z") == "2019-11-03 14:05 CST"


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
