"""Every officer list and detail page costs the same number of queries for 1 item as for 5."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from delegations.tests.factories import DelegationFactory, DelegationMemberFactory, ParticipantFactory
from outcomes.tests.factories import FollowUpFactory
from partners.tests.factories import CityFactory, NetworkMembershipFactory, OrganisationFactory
from trips.models import CheckIn, CheckInRequest, DelegationMessage, PersonalTravel
from visits.tests.factories import (
    ItineraryItemFactory,
    ProgrammeFactory,
    StudyVisitFactory,
    ThemeFactory,
    TravelLegFactory,
    VisitStopFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(django_user_model):
    user = django_user_model.objects.create_user(username="o@example.org", email="o@example.org")
    programme = ProgrammeFactory()
    programme.officers.add(user)
    user.programme = programme
    return user


def _visit(officer, **kwargs):
    visit = StudyVisitFactory(programme=officer.programme, **kwargs)
    visit.themes.add(ThemeFactory())
    return visit


def _visits(officer, n):
    for _ in range(n):
        visit = _visit(officer)
        VisitStopFactory(visit=visit)
        FollowUpFactory(visit=visit, due_on=dt.date(2019, 12, 1))
    return reverse("visits:visit_list")


def _dashboard(officer, n):
    today = timezone.localdate()
    for _ in range(n):
        visit = _visit(officer, starts_on=today, ends_on=today + dt.timedelta(days=3))
        FollowUpFactory(visit=visit, due_on=today - dt.timedelta(days=1))
        FollowUpFactory(visit=visit, due_on=today + dt.timedelta(days=9))
        ItineraryItemFactory(
            visit=visit, starts_at=dt.datetime.combine(today, dt.time(9), tzinfo=dt.UTC), city=CityFactory()
        )
    return reverse("home")


def _visit_detail(officer, n):
    visit = _visit(officer)
    organisation = OrganisationFactory()
    for position in range(1, n + 1):
        city = CityFactory(timezone="America/Chicago")
        VisitStopFactory(visit=visit, city=city, position=position)
        item = ItineraryItemFactory(
            visit=visit, city=city, starts_at=dt.datetime(2019, 11, 3 + position, 15, tzinfo=dt.UTC)
        )
        item.host_organisations.add(organisation)
        item.themes.add(ThemeFactory())
        leg = TravelLegFactory(
            visit=visit, from_city=city, departs_at=dt.datetime(2019, 11, 3 + position, 20, tzinfo=dt.UTC)
        )
        leg.members.add(DelegationMemberFactory(delegation=visit.delegation))
    return reverse("visits:visit_detail", args=[visit.pk])


def _planner(officer, n):
    visit_url = _visit_detail(officer, n)
    return visit_url + "planner/"


def _programmes(officer, n):
    for _ in range(n - 1):
        ProgrammeFactory().officers.add(officer)
    return reverse("visits:programme_list")


def _programme_detail(officer, n):
    officer.programme.supporters.add(OrganisationFactory())
    for _ in range(n):
        _visit(officer)
    return reverse("visits:programme_detail", args=[officer.programme.pk])


def _themes(officer, n):
    for _ in range(n):
        ThemeFactory()
    return reverse("visits:theme_list")


def _follow_ups(officer, n):
    for _ in range(n):
        FollowUpFactory(visit=_visit(officer), owner_city=CityFactory())
    return reverse("outcomes:follow_up_board")


def _participants(officer, n):
    for _ in range(n):
        ParticipantFactory(created_by=officer, organisation=OrganisationFactory(), home_city=CityFactory())
    return reverse("delegations:participant_list")


def _participant_detail(officer, n):
    participant = ParticipantFactory(created_by=officer, organisation=OrganisationFactory())
    for _ in range(n):
        DelegationMemberFactory(participant=participant, delegation=DelegationFactory(created_by=officer))
    return reverse("delegations:participant_detail", args=[participant.pk])


def _delegations(officer, n):
    for _ in range(n):
        delegation = DelegationFactory(created_by=officer, head=ParticipantFactory())
        delegation.home_cities.add(CityFactory())
        DelegationMemberFactory(delegation=delegation)
    return reverse("delegations:delegation_list")


def _delegation_detail(officer, n):
    delegation = DelegationFactory(created_by=officer)
    delegation.home_cities.add(CityFactory())
    _visit(officer, delegation=delegation)
    for _ in range(n):
        DelegationMemberFactory(
            delegation=delegation, participant=ParticipantFactory(organisation=OrganisationFactory())
        )
    return reverse("delegations:delegation_detail", args=[delegation.pk])


def _cities(officer, n):
    for _ in range(n):
        OrganisationFactory(city=CityFactory())
    return reverse("partners:city_list")


def _city_detail(officer, n):
    city = CityFactory()
    for _ in range(n):
        NetworkMembershipFactory(city=city)
        OrganisationFactory(city=city)
    return reverse("partners:city_detail", args=[city.pk])


def _organisations(officer, n):
    for _ in range(n):
        OrganisationFactory(city=CityFactory(), parent=OrganisationFactory())
    return reverse("partners:organisation_list")


def _organisation_detail(officer, n):
    network = OrganisationFactory(kind="network", city=CityFactory())
    for _ in range(n):
        NetworkMembershipFactory(network=network)
        OrganisationFactory(parent=network)
    return reverse("partners:organisation_detail", args=[network.pk])


def _memberships(officer, n):
    for _ in range(n):
        NetworkMembershipFactory()
    return reverse("partners:membership_list")


def _check_in_board(officer, n):
    visit = _visit(officer)
    city = VisitStopFactory(visit=visit).city
    ItineraryItemFactory(visit=visit, city=city)
    CheckInRequest.objects.create(visit=visit, by=officer, expires_at=timezone.now())
    leg = TravelLegFactory(visit=visit, to_city=city, whole_delegation=False)
    for _ in range(n):
        participant = DelegationMemberFactory(delegation=visit.delegation, participant=ParticipantFactory()).participant
        PersonalTravel.objects.create(
            visit=visit,
            participant=participant,
            direction="arrival",
            departure_place="Brussels",
            departure_timezone="Europe/Brussels",
            departs_at=dt.datetime(2019, 11, 3, 9, tzinfo=dt.UTC),
            arrival_place=city.name,
            arrival_timezone=city.timezone,
            arrives_at=dt.datetime(2019, 11, 3, 20, tzinfo=dt.UTC),
        )
        CheckIn.objects.create(visit=visit, participant=participant, status="needs_help", place=city.name)
        leg.members.add(participant.memberships.get())
    return reverse("check_ins:board", args=[visit.pk])


def _delegation_messages(officer, n):
    visit = _visit(officer)
    for number in range(n):
        DelegationMessage.objects.create(
            visit=visit,
            by=officer,
            audience="city",
            city=CityFactory(),
            subject_en=f"Message {number}",
            body_en="Text",
            recipient_count=3,
            skipped=[{"name": "Noe", "email": "", "reason": "no email address"}],
        )
    return reverse("delegation_messages:list", args=[visit.pk])


# page: (build the page's data for n items and return its URL, queries)
PAGES = {
    "dashboard": (_dashboard, 6),  # with the programme choices of its scope
    "visit_list": (_visits, 6),
    "visit_detail": (_visit_detail, 18),  # cold cache; served again from the cache: 5 (test_page_caching)
    "planner": (_planner, 8),
    "programme_list": (_programmes, 4),
    "programme_detail": (_programme_detail, 6),
    "theme_list": (_themes, 4),
    "follow_up_board": (_follow_ups, 5),
    "participant_list": (_participants, 6),
    "participant_detail": (_participant_detail, 6),  # with the bounced-address check
    "delegation_list": (_delegations, 6),
    "delegation_detail": (_delegation_detail, 10),
    "city_list": (_cities, 4),
    "city_detail": (_city_detail, 5),
    "organisation_list": (_organisations, 5),
    "organisation_detail": (_organisation_detail, 5),
    "membership_list": (_memberships, 6),
    "check_in_board": (_check_in_board, 11),
    "delegation_messages": (_delegation_messages, 4),
}


@pytest.mark.parametrize("size", [1, 5])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_query_count_does_not_grow(client, officer, django_assert_num_queries, page, size):
    build, queries = PAGES[page]
    url = build(officer, size)
    client.force_login(officer)

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200
