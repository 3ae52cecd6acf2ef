"""The officer's visit editor, week planner and programme page rendered cold (page and fragment
caches empty): a fixed number of queries, the same for one entry of each kind as for five."""

import datetime as dt

import pytest
from django.urls import reverse

from delegations.tests.factories import DelegationMemberFactory
from pagecache import store
from partners.tests.factories import CityFactory, OrganisationFactory
from visits.tests.factories import (
    ItineraryItemFactory,
    StudyVisitFactory,
    ThemeFactory,
    TravelLegFactory,
    VisitStopFactory,
)

pytestmark = pytest.mark.django_db


def _visit(officer, size):
    """A visit like the bench's: themes, host cities, items with hosts and themes (each edited once),
    legs of a sub-group of the delegation's members."""
    visit = StudyVisitFactory(programme=officer.programme)
    visit.themes.add(ThemeFactory(), ThemeFactory())
    for position in range(1, size + 1):
        city = CityFactory(timezone="America/Chicago")
        VisitStopFactory(visit=visit, city=city, position=position)
        item = ItineraryItemFactory(
            visit=visit, city=city, starts_at=dt.datetime(2019, 11, 3 + position, 15, tzinfo=dt.UTC)
        )
        item.host_organisations.add(OrganisationFactory(), OrganisationFactory())
        item.themes.add(ThemeFactory())
        item.title = f"{item.title} (moved)"
        item.save()
        member = DelegationMemberFactory(delegation=visit.delegation)
        TravelLegFactory(
            visit=visit,
            from_city=city,
            departs_at=dt.datetime(2019, 11, 3 + position, 20, tzinfo=dt.UTC),
            members=[member],
        )
    return visit


def _signed_in_cold(client, officer):
    client.force_login(officer)
    store.clear()
    return client


# What remains, query by query: the user; the visit with its stamps; its themes; its stops; the items
# and their hosts; the legs and their travellers; the four city selects' one list; the organisations,
# themes and members the forms offer; each of the three history tables and its changed records'
# predecessors (the bench's visit, with no edits in its history and no sub-group legs: 14).
VISIT_DETAIL = 18


@pytest.mark.parametrize("size", [1, 5])
def test_visit_detail_cold_query_count(client, officer, django_assert_max_num_queries, size):
    visit = _visit(officer, size)

    client = _signed_in_cold(client, officer)
    with django_assert_max_num_queries(VISIT_DETAIL):
        response = client.get(reverse("visits:visit_detail", args=[visit.pk]))

    assert response.status_code == 200
    assert response.content.decode().count('id="id_leg-to_city"') == 1


# The user, the visit (within the officer's reach, which is the officer check), its stops, items,
# legs, and the cities, organisations and themes of the add-an-item form.
PLANNER = 8


@pytest.mark.parametrize("size", [1, 5])
def test_planner_cold_query_count(client, officer, django_assert_max_num_queries, size):
    visit = _visit(officer, size)

    client = _signed_in_cold(client, officer)
    with django_assert_max_num_queries(PLANNER):
        response = client.get(reverse("visits:planner", args=[visit.pk]))

    assert response.status_code == 200
    assert response.content.decode().count('class="form-check-input planner-check"') == 2 * size


# The user, the programme, its supporters, partner networks and officers, its visits.
PROGRAMME_DETAIL = 6


@pytest.mark.parametrize("size", [1, 5])
def test_programme_detail_cold_query_count(client, officer, django_assert_max_num_queries, size):
    programme = officer.programme
    for _ in range(size):
        programme.supporters.add(OrganisationFactory())
        StudyVisitFactory(programme=programme)

    client = _signed_in_cold(client, officer)
    with django_assert_max_num_queries(PROGRAMME_DETAIL):
        response = client.get(reverse("visits:programme_detail", args=[programme.pk]))

    assert response.status_code == 200


def test_programme_detail_outside_reach_answers_404(client, officer, django_user_model):
    stranger = django_user_model.objects.create_user(username="stranger@example.org", email="stranger@example.org")
    client.force_login(stranger)

    response = client.get(reverse("visits:programme_detail", args=[officer.programme.pk]))

    assert response.status_code == 404


def test_programme_detail_signed_out_goes_to_sign_in(client, officer):
    url = reverse("visits:programme_detail", args=[officer.programme.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"
