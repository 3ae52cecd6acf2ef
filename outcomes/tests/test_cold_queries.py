"""The outcomes pages rendered cold (the page cache emptied), with data shaped like the bench's: the
same number of queries for one row of every list as for five."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from outcomes.tests.factories import FollowUpFactory, ItemNoteFactory, LessonFactory
from pagecache import store
from partners.tests.factories import CityFactory, NetworkFactory, NetworkMembershipFactory, OrganisationFactory
from visits.models import ItineraryItem
from visits.tests.factories import (
    ItineraryItemFactory,
    PublishedVisitFactory,
    StudyVisitFactory,
    ThemeFactory,
    VisitStopFactory,
)

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def officer():
    return User.objects.create_user(username="o@example.org", email="o@example.org")


@pytest.fixture
def delegate():
    return User.objects.create_user(username="d@example.org", email="d@example.org")


def _visit(officer, delegate, size: int, *, networks: bool = True):
    """A published visit of the officer's programme with ``size`` rows in every list the pages show
    and ``delegate`` (a user, or None) among its members."""
    visit = PublishedVisitFactory()
    programme = visit.programme
    programme.officers.add(officer)
    programme.supporters.set(OrganisationFactory.create_batch(size))
    if networks:
        for network in NetworkFactory.create_batch(size):
            programme.partner_networks.add(network)
            NetworkMembershipFactory(network=network, since=dt.date(2018, 1, 1))
    visit.delegation.home_cities.set(CityFactory.create_batch(size))
    themes = ThemeFactory.create_batch(2)
    visit.themes.set(themes)
    if delegate is not None:
        DelegationMemberFactory(delegation=visit.delegation, participant=ParticipantFactory(user=delegate))
    for position in range(1, size + 1):
        VisitStopFactory(visit=visit, position=position)
        DelegationMemberFactory(delegation=visit.delegation, participant=ParticipantFactory(home_city=CityFactory()))
        meeting = ItineraryItemFactory(visit=visit, starts_at=dt.datetime(2019, 11, 3 + position, 9, tzinfo=dt.UTC))
        meeting.host_organisations.set([OrganisationFactory(city=CityFactory()), OrganisationFactory()])
        meeting.themes.set(themes)
        ItemNoteFactory(item=meeting, author=officer)
        ItemNoteFactory(item=meeting, author=delegate)
        LessonFactory(visit=visit, theme=themes[position % 2], item=meeting, author=delegate)
        FollowUpFactory(visit=visit).themes.set(themes)
        ItineraryItemFactory(visit=visit, kind=ItineraryItem.Kind.TRAVEL)
        ItineraryItemFactory(visit=visit, status=ItineraryItem.Status.CANCELLED)
    return visit


def _cold_get(client, path):
    store.clear()
    return client.get(path)


# The user; the visit with the reach check (programme, organiser, delegation, head); the stop and home
# cities; the themes of the visit, items and follow-ups; the supporters and networks; the members; the
# items; their hosts; their notes; the lessons; the follow-ups.
REPORT = 11


@pytest.mark.parametrize("size", [1, 5])
def test_report_page_cold(client, django_assert_max_num_queries, officer, delegate, size):
    visit = _visit(officer, delegate, size)
    client.force_login(officer)

    with django_assert_max_num_queries(REPORT):
        response = _cold_get(client, reverse("outcomes:visit_report", args=[visit.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert all(stop.city.name in page for stop in visit.stops.all())
    assert all(city.name in page for city in visit.delegation.home_cities.all())
    assert all(str(network) in page for network in visit.programme.partner_networks.all())


@pytest.mark.parametrize("size", [1, 5])
def test_report_pdf_cold(client, django_assert_max_num_queries, officer, delegate, size):
    visit = _visit(officer, delegate, size)
    client.force_login(officer)

    with django_assert_max_num_queries(REPORT):
        response = _cold_get(client, reverse("outcomes:visit_report_pdf", args=[visit.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_report_of_a_visit_without_delegation_cold(client, django_assert_max_num_queries, officer):
    visit = StudyVisitFactory(delegation=None)
    visit.programme.officers.add(officer)
    VisitStopFactory(visit=visit, city=CityFactory(name="Chattanooga"))
    client.force_login(officer)

    with django_assert_max_num_queries(REPORT - 1):  # no members to read
        response = _cold_get(client, reverse("outcomes:visit_report", args=[visit.pk]))

    assert response.status_code == 200
    assert "Chattanooga" in response.content.decode()
    assert "No delegation has been chosen for this visit." in response.content.decode()


# The user; the visit with the reach check (and, for a delegate, whether they are an officer too);
# the items (listed, and offered by both forms); their notes; the lessons; the themes the lesson form offers.
NOTES = 6


@pytest.mark.parametrize("size", [1, 5])
def test_officer_notes_page_cold(client, django_assert_max_num_queries, officer, delegate, size):
    visit = _visit(officer, delegate, size)
    client.force_login(officer)

    with django_assert_max_num_queries(NOTES):
        response = _cold_get(client, reverse("outcomes:visit_notes", args=[visit.pk]))

    assert response.status_code == 200
    assert response.content.decode().count('class="report-note"') == 2 * size


@pytest.mark.parametrize("size", [1, 5])
def test_delegate_notes_page_cold(client, django_assert_max_num_queries, officer, delegate, size):
    visit = _visit(officer, delegate, size)
    client.force_login(delegate)

    with django_assert_max_num_queries(NOTES):
        response = _cold_get(client, reverse("outcomes:my_visit_notes", args=[visit.pk]))

    assert response.status_code == 200
    assert reverse("outcomes:charts") not in response.content.decode()  # the delegate's menu


def test_delegate_who_is_an_officer_too_gets_the_officers_menu_on_their_notes(client, officer, delegate):
    visit = _visit(officer, delegate, 1)
    PublishedVisitFactory().programme.officers.add(delegate)
    client.force_login(delegate)

    response = _cold_get(client, reverse("outcomes:my_visit_notes", args=[visit.pk]))

    assert response.status_code == 200
    assert reverse("outcomes:charts") in response.content.decode()


# The user; the programmes (the officer check and the scope's choices); visits and follow-ups per year
# and programme (and the scope's years); themes per year; participants by profession and by city; the
# partner networks; their members (only where there are networks).
CHARTS = 7


@pytest.mark.parametrize("size", [1, 5])
def test_charts_cold(client, django_assert_max_num_queries, officer, delegate, size):
    for number in range(size):
        _visit(officer, delegate if number == 0 else None, size)
    client.force_login(officer)

    with django_assert_max_num_queries(CHARTS):
        response = _cold_get(client, reverse("outcomes:charts"))

    assert response.status_code == 200
    assert response.content.decode().count('<svg class="chart"') == 4 + size * size  # and one timeline a network


def test_charts_without_partner_networks_cold(client, django_assert_max_num_queries, officer, delegate):
    _visit(officer, delegate, 5, networks=False)
    client.force_login(officer)

    with django_assert_max_num_queries(CHARTS - 1):
        response = _cold_get(client, reverse("outcomes:charts"))

    assert response.status_code == 200
