"""The city and organisation pages rendered cold (page cache emptied): what they cost in queries.

Each count is the bench's (``bench_queries``) plus the session the test client's login reads,
and the same for one item as for five.
"""

import pytest
from django.urls import reverse

from pagecache import store

from .factories import CityFactory, NetworkFactory, NetworkMembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(django_user_model):
    user = django_user_model.objects.create_user(username="o@example.org", email="o@example.org")
    # Through the reverse relation, as officers.roles reads it: partners sits below visits.
    user.programmes.create(name="Programme", organiser=OrganisationFactory())
    return user


def _cold_get(client, url):
    store.clear()
    return client.get(url)


@pytest.mark.parametrize("size", [1, 5])
def test_city_detail_cold_queries_do_not_grow(client, officer, django_assert_max_num_queries, size):
    city = CityFactory()
    for _ in range(size):
        NetworkMembershipFactory(city=city)
        OrganisationFactory(city=city)
    client.force_login(officer)

    # session, user, officer check, city (with whether anything refers to it), memberships, organisations
    with django_assert_max_num_queries(6):
        response = _cold_get(client, reverse("partners:city_detail", args=[city.pk]))

    assert response.status_code == 200
    assert len(response.context["organisations"]) == size
    assert response.context["deletable"] is False


@pytest.mark.parametrize("size", [1, 5])
def test_organisation_detail_cold_queries_do_not_grow(client, officer, django_assert_max_num_queries, size):
    network = NetworkFactory(city=CityFactory())
    for _ in range(size):
        NetworkMembershipFactory(network=network)
        OrganisationFactory(parent=network)
    client.force_login(officer)

    # session, user, officer check, organisation (with its city, parent and whether anything refers
    # to it), units, memberships
    with django_assert_max_num_queries(6):
        response = _cold_get(client, reverse("partners:organisation_detail", args=[network.pk]))

    assert response.status_code == 200
    assert len(response.context["organisation"].units.all()) == size
    assert response.context["deletable"] is False


def test_city_and_organisation_detail_offer_delete_only_when_nothing_refers_to_them(client, officer):
    lone_city, used_city = CityFactory(), CityFactory()
    lone_organisation = OrganisationFactory()
    used_organisation = OrganisationFactory(city=used_city)
    OrganisationFactory(parent=used_organisation)
    client.force_login(officer)

    pages = [
        ("city", lone_city, True),
        ("city", used_city, False),
        ("organisation", lone_organisation, True),
        ("organisation", used_organisation, False),
    ]
    for kind, obj, deletable in pages:
        response = _cold_get(client, reverse(f"partners:{kind}_detail", args=[obj.pk]))

        assert response.context["deletable"] is deletable
        assert (reverse(f"partners:{kind}_delete", args=[obj.pk]) in response.content.decode()) is deletable
