"""The delegation and participant pages rendered cold (page cache emptied): what they cost in queries.

Each count is the bench's (``bench_queries``) plus the session the test client's login reads,
and the same for one item as for five, so neither a list's N+1 nor a dropped fold can come back.
"""

import datetime as dt

import pytest
from django.urls import reverse

from pagecache import store
from partners.tests.factories import CityFactory, OrganisationFactory
from visits.tests.factories import StudyVisitFactory

from .factories import DelegationFactory, DelegationMemberFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def _delegation(officer, size):
    delegation = DelegationFactory(created_by=officer, head=ParticipantFactory(created_by=officer))
    for n in range(size):
        delegation.home_cities.add(CityFactory(name=f"Home {n}", country="FR"))
        StudyVisitFactory(
            programme=officer.programme,
            delegation=delegation,
            title=f"Trip {n}",
            starts_on=dt.date(2020, 1, 1) + dt.timedelta(days=30 * n),
            ends_on=dt.date(2020, 1, 5) + dt.timedelta(days=30 * n),
        )
        DelegationMemberFactory(
            delegation=delegation,
            participant=ParticipantFactory(organisation=OrganisationFactory(), home_city=CityFactory()),
        )
    return delegation


def _cold_get(client, url):
    store.clear()
    return client.get(url)


@pytest.mark.parametrize("size", [1, 5])
def test_delegation_detail_cold_queries_do_not_grow(client, officer, django_assert_max_num_queries, size):
    delegation = _delegation(officer, size)
    client.force_login(officer)

    # session, user, officer check, delegation, its home cities, its visits, roster,
    # two history tables, the add form's participants
    with django_assert_max_num_queries(10):
        response = _cold_get(client, reverse("delegations:delegation_detail", args=[delegation.pk]))

    assert response.status_code == 200
    assert len(response.context["roster"]) == size


def test_delegation_detail_names_home_cities_and_visits_latest_first(client, officer):
    delegation = _delegation(officer, 3)
    client.force_login(officer)

    response = _cold_get(client, reverse("delegations:delegation_detail", args=[delegation.pk]))

    page = response.content.decode()
    assert "Home cities: Home 0 (FR), Home 1 (FR), Home 2 (FR) ·" in page
    visits = list(delegation.visits.order_by("-starts_on"))
    links = ", ".join(f'<a href="{visit.get_absolute_url()}">{visit.title}</a>' for visit in visits)
    assert f"Visits: {links}</p>" in page
    assert [visit.title for visit in visits] == ["Trip 2", "Trip 1", "Trip 0"]


def test_delegation_detail_without_home_cities_or_visits(client, officer):
    delegation = DelegationFactory(created_by=officer)
    client.force_login(officer)

    response = _cold_get(client, reverse("delegations:delegation_detail", args=[delegation.pk]))

    page = response.content.decode()
    assert "Home cities: — ·" in page
    assert "Visits:" not in page


def test_delegation_detail_outside_reach_is_404(client, officer):
    delegation = DelegationFactory()
    client.force_login(officer)

    response = _cold_get(client, reverse("delegations:delegation_detail", args=[delegation.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("size", [1, 5])
def test_participant_detail_cold_queries_do_not_grow(client, officer, django_assert_max_num_queries, size):
    participant = ParticipantFactory(created_by=officer, organisation=OrganisationFactory(), home_city=CityFactory())
    for _ in range(size):
        DelegationMemberFactory(participant=participant, delegation=DelegationFactory(created_by=officer))
    client.force_login(officer)

    # session, user, officer check, participant (with whether anything refers to it), history,
    # bounced address, memberships
    with django_assert_max_num_queries(7):
        response = _cold_get(client, reverse("delegations:participant_detail", args=[participant.pk]))

    assert response.status_code == 200
    assert len(response.context["memberships"]) == size
    assert response.context["deletable"] is False


def test_participant_detail_offers_delete_only_when_nothing_refers_to_them(client, officer):
    alone = ParticipantFactory(created_by=officer)
    member = DelegationMemberFactory(delegation=DelegationFactory(created_by=officer)).participant
    client.force_login(officer)

    alone_page = _cold_get(client, reverse("delegations:participant_detail", args=[alone.pk]))
    member_page = _cold_get(client, reverse("delegations:participant_detail", args=[member.pk]))

    delete = reverse("delegations:participant_delete", args=[alone.pk])
    assert alone_page.context["deletable"] is True
    assert delete in alone_page.content.decode()
    assert member_page.context["deletable"] is False
    assert reverse("delegations:participant_delete", args=[member.pk]) not in member_page.content.decode()


def test_delegation_detail_shows_a_renamed_home_city_and_visit_at_once(client, officer):
    delegation = _delegation(officer, 1)
    client.force_login(officer)
    url = reverse("delegations:delegation_detail", args=[delegation.pk])
    _cold_get(client, url)
    assert client.get(url)["X-Page-Cache"] == "hit"

    city = delegation.home_cities.get()
    city.name = "Renamed city"
    city.save()
    visit = delegation.visits.get()
    visit.title = "Renamed trip"
    visit.save()
    page = client.get(url).content.decode()

    assert "Home cities: Renamed city (FR) ·" in page
    assert ">Renamed trip</a>" in page
