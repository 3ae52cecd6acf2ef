"""Cold query counts of the delegate's pages and the officer's delegate access page.

Each page is rendered with the page cache emptied (its first render), at two sizes with the
same ceiling, so that neither a query coming back nor an N+1 can creep in. The bench's data
has no group legs, own travel or hotels; ``full`` adds them, each costing its one query.
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from delegations.services import delegation_member_invite
from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from pagecache import store
from partners.tests.factories import CityFactory, OrganisationFactory
from trips.models import Accommodation, InvitationLetterTemplate, PersonalTravel
from trips.services import calendar_feed_token_create
from visits.tests.factories import (
    ItineraryItemFactory,
    PublishedVisitFactory,
    ThemeFactory,
    TravelLegFactory,
    VisitStopFactory,
)

pytestmark = pytest.mark.django_db

SIZES = [1, 5]


def _travel(visit, participant):
    return PersonalTravel.objects.create(
        visit=visit,
        participant=participant,
        direction="arrival",
        departure_place="BRU",
        departure_timezone="Europe/Brussels",
        departs_at=dt.datetime(2019, 11, 3, 9, tzinfo=dt.UTC),
        arrival_place="BNA",
        arrival_timezone="America/Chicago",
        arrives_at=dt.datetime(2019, 11, 3, 20, tzinfo=dt.UTC),
    )


def _stay(visit, participant, city):
    return Accommodation.objects.create(
        visit=visit,
        participant=participant,
        name="Hotel Preston",
        city=city,
        check_in=dt.date(2019, 11, 3),
        check_out=dt.date(2019, 11, 9),
    )


def _world(size: int, *, full: bool):
    """A delegate (signed in by the caller) on a visit like the bench's: two stops, ``3 * size``
    items with hosts and themes, ``size`` co-delegates; with ``full``, group and sub-group legs,
    their own travel and hotels too."""
    home = CityFactory(name="Liège", timezone="Europe/Brussels")
    nashville = CityFactory(name="Nashville", country="US", timezone="America/Chicago")
    user = get_user_model().objects.create_user(username="camille@example.org", email="camille@example.org")
    participant = ParticipantFactory(user=user, email="camille@example.org", home_city=home)
    visit = PublishedVisitFactory(title="Belgians in Tennessee")
    member = DelegationMemberFactory(delegation=visit.delegation, participant=participant)
    VisitStopFactory(visit=visit, city=nashville, position=1)
    VisitStopFactory(
        visit=visit, city=CityFactory(name="Chattanooga", country="US", timezone="America/New_York"), position=2
    )
    themes = [ThemeFactory(), ThemeFactory()]
    for number in range(3 * size):
        item = ItineraryItemFactory(
            visit=visit,
            city=nashville,
            venue=f"Venue {number}",
            starts_at=dt.datetime(2019, 11, 4, 9, tzinfo=dt.UTC) + dt.timedelta(hours=2 * number),
        )
        item.host_organisations.add(OrganisationFactory(), OrganisationFactory())
        item.themes.add(*themes)
    for _ in range(size):
        DelegationMemberFactory(delegation=visit.delegation)
        if full:
            TravelLegFactory(visit=visit, from_city=nashville)
            TravelLegFactory(visit=visit, from_city=nashville).members.add(member)
            _travel(visit, participant)
            _stay(visit, participant, nashville)
    _link, token = calendar_feed_token_create(participant, by=user)
    store.clear()
    return user, visit, token


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("full", "most"), [(False, 9), (True, 12)])
def test_itinerary_cold_queries(client, size, full, most, django_assert_max_num_queries):
    user, visit, _token = _world(size, full=full)
    client.force_login(user)

    # The user, participant, visit with its stamps, stops, the last look (INSERT), items, their
    # hosts and themes, co-delegates; with full, the legs, own travel and stays.
    with django_assert_max_num_queries(most):
        response = client.get(reverse("my:itinerary", args=[visit.pk]))

    assert response.status_code == 200
    assert len(response.context["agenda"]) == 3 * size + (3 * size if full else 0)  # hotels are no agenda entry


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("full", "most"), [(False, 6), (True, 9)])
def test_itinerary_ics_cold_queries(client, size, full, most, django_assert_max_num_queries):
    user, visit, _token = _world(size, full=full)
    client.force_login(user)

    # The user, participant, visit with its stamps, items, their hosts and themes; with full,
    # the legs, own travel and stays.
    with django_assert_max_num_queries(most):
        response = client.get(reverse("my:visit_ics", args=[visit.pk]))

    assert response.status_code == 200
    assert response.content.count(b"BEGIN:VEVENT") == 3 * size + (4 * size if full else 0)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("full", "most"), [(False, 5), (True, 8)])
def test_feed_cold_queries(client, size, full, most, django_assert_max_num_queries):
    _user, _visit, token = _world(size, full=full)

    # The link with its participant, the stamps, items, their hosts and themes; with full, the
    # legs, own travel and stays.
    with django_assert_max_num_queries(most):
        response = client.get(reverse("my:feed", args=[token]))

    assert response.status_code == 200
    assert response.content.count(b"BEGIN:VEVENT") == 3 * size + (4 * size if full else 0)


@pytest.mark.parametrize("size", SIZES)
def test_contacts_cold_queries(client, size, django_assert_max_num_queries):
    user, visit, _token = _world(size, full=True)
    visit.delegation.head = visit.delegation.members.first().participant
    visit.delegation.save()
    store.clear()
    client.force_login(user)

    # The user, participant, visit with the delegation's head, officers, items, hotels.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("my:visit_contacts", args=[visit.pk]))

    assert response.status_code == 200
    assert len(response.context["contacts"].venues) == 3 * size
    assert response.context["contacts"].head == visit.delegation.head


@pytest.mark.parametrize("size", SIZES)
def test_delegate_access_cold_queries(client, size, django_assert_max_num_queries):
    officer = get_user_model().objects.create_user(username="officer@example.org", email="officer@example.org")
    _user, visit, _token = _world(size, full=True)
    visit.programme.officers.add(officer)
    InvitationLetterTemplate.objects.create(programme=visit.programme, language="fr", subject="Lettre", body="…")
    for member in visit.delegation.members.all():
        delegation_member_invite(member, by=officer)
        calendar_feed_token_create(member.participant, by=officer)
        _travel(visit, member.participant)
    store.clear()
    client.force_login(officer)

    # The user, visit with its letter languages, members with their active links, invitations,
    # own travel, stays (the navigation's officer check is answered by the visit).
    with django_assert_max_num_queries(6):
        response = client.get(reverse("delegate_access:visit_delegates", args=[visit.pk]))

    assert response.status_code == 200
    assert len(response.context["rows"]) == size + 1
    assert response.context["letter_languages"] == ["fr"]
    assert all(row["member"].has_active_feed for row in response.context["rows"])


@pytest.mark.parametrize("url_name", ["my:itinerary", "my:visit_ics"])
def test_a_first_leg_shows_on_a_page_cached_when_none_was_counted(client, url_name):
    user, visit, _token = _world(1, full=False)
    client.force_login(user)
    url = reverse(url_name, args=[visit.pk])
    client.get(url)
    client.get(url)  # the itinerary's first look wrote its mark: this answer is the one kept

    TravelLegFactory(visit=visit, from_city=visit.stops.first().city, carrier="Greyhound 1234")

    assert b"Greyhound 1234" in client.get(url).content
