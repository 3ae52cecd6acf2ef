"""The contacts sheet, and what the phone is told to keep offline (whose copy, which pages)."""

import datetime as dt
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from partners.tests.factories import CityFactory, OrganisationFactory
from trips.models import Accommodation
from trips.offline import OFFLINE_COPY_HEADER, offline_copy_key
from visits.models import ItineraryItem
from visits.tests.factories import ItineraryItemFactory, PublishedVisitFactory, StudyVisitFactory

pytestmark = pytest.mark.django_db


def _delegate(email, **fields):
    user = get_user_model().objects.create_user(username=email, email=email, password="x")
    return user, ParticipantFactory(user=user, email=email, **fields)


@pytest.fixture
def nashville():
    return CityFactory(name="Nashville", country="US", timezone="America/Chicago")


@pytest.fixture
def delegate():
    return _delegate(
        "camille@example.org", emergency_contact_name="Luc Martin", emergency_contact_phone="+32 470 12 34 56"
    )


@pytest.fixture
def visit(delegate):
    visit = PublishedVisitFactory(title="Belgians in Tennessee")
    DelegationMemberFactory(delegation=visit.delegation, participant=delegate[1])
    return visit


@pytest.fixture
def signed_in(client, delegate):
    client.force_login(delegate[0])
    return client


def _offline_urls(content: str) -> list[str]:
    match = re.search(r'<script id="offline-urls" type="application/json">(.*?)</script>', content)
    return json.loads(match.group(1))


def test_contacts_sheet_lists_officers_head_venues_hotels_and_emergency_contact(signed_in, visit, delegate, nashville):
    officer = get_user_model().objects.create_user(
        username="anna@example.org", email="anna@example.org", first_name="Anna", last_name="Officer"
    )
    visit.programme.officers.add(officer)
    head = ParticipantFactory(
        first_name="Jean",
        last_name="Chef",
        phone="+32 4 221 11 11",
        email="jean@example.org",
        position="Chief of police",
        organisation=OrganisationFactory(name="Police de Liège"),
    )
    visit.delegation.head = head
    visit.delegation.save()
    venue = {"venue": "Metro Police HQ", "address": "600 Murfreesboro Pike", "city": nashville}
    ItineraryItemFactory(visit=visit, title="Briefing", **venue)
    ItineraryItemFactory(
        visit=visit, title="Debriefing", starts_at=dt.datetime(2019, 11, 5, 15, tzinfo=dt.UTC), **venue
    )
    ItineraryItemFactory(
        visit=visit, title="Called off", venue="Gone Hall", city=nashville, status=ItineraryItem.Status.CANCELLED
    )
    Accommodation.objects.create(
        visit=visit,
        participant=delegate[1],
        name="Hotel Preston",
        address="733 Briley Pkwy",
        city=nashville,
        phone="+1 615 361 5900",
        check_in=dt.date(2019, 11, 3),
        check_out=dt.date(2019, 11, 5),
    )

    response = signed_in.get(reverse("my:visit_contacts", args=[visit.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'href="mailto:anna@example.org"' in content
    assert "Anna Officer" in content
    assert "Jean Chef" in content
    assert "Chief of police · Police de Liège" in content
    assert 'href="tel:+32 4 221 11 11"' in content
    assert 'href="mailto:jean@example.org"' in content
    assert [venue.name for venue in response.context["contacts"].venues] == ["Metro Police HQ"]
    assert [item.title for item in response.context["contacts"].venues[0].items] == ["Briefing", "Debriefing"]
    assert "Gone Hall" not in content
    assert 'href="geo:0,0?q=600%20Murfreesboro%20Pike%2C%20Nashville"' in content
    assert 'href="https://www.openstreetmap.org/search?query=600%20Murfreesboro%20Pike%2C%20Nashville"' in content
    assert "Mon 4 Nov, 03:00 CST · Briefing" in content
    assert "Hotel Preston" in content
    assert 'href="tel:+1 615 361 5900"' in content
    assert 'href="geo:0,0?q=733%20Briley%20Pkwy%2C%20Nashville"' in content
    assert "Luc Martin" in content
    assert 'href="tel:+32 470 12 34 56"' in content


def test_contacts_sheet_without_emergency_contact_points_to_my_details(client, visit):
    user, participant = _delegate("noone@example.org")
    DelegationMemberFactory(delegation=visit.delegation, participant=participant)
    client.force_login(user)

    content = client.get(reverse("my:visit_contacts", args=[visit.pk])).content.decode()

    assert "You have not recorded an emergency contact." in content
    assert f'href="{reverse("my:profile")}"' in content


def test_contacts_sheet_in_french(signed_in, visit):
    response = signed_in.get("/fr" + reverse("my:visit_contacts", args=[visit.pk]))

    content = response.content.decode()
    assert "<h1>Contacts</h1>" in content
    assert "En cas d’urgence" in content
    assert "Enregistré {when} — vous êtes hors ligne." in content


def test_contacts_sheet_of_another_persons_visit_is_404(signed_in):
    _user, other = _delegate("other@example.org")
    theirs = PublishedVisitFactory()
    DelegationMemberFactory(delegation=theirs.delegation, participant=other)

    assert signed_in.get(reverse("my:visit_contacts", args=[theirs.pk])).status_code == 404


def test_contacts_sheet_of_an_unpublished_visit_is_404(signed_in, delegate):
    draft = StudyVisitFactory()
    DelegationMemberFactory(delegation=draft.delegation, participant=delegate[1])

    assert signed_in.get(reverse("my:visit_contacts", args=[draft.pk])).status_code == 404


@pytest.mark.parametrize("size", [1, 5])
def test_contacts_sheet_query_count(signed_in, visit, delegate, nashville, size, django_assert_num_queries):
    visit.delegation.head = ParticipantFactory(organisation=OrganisationFactory())
    visit.delegation.save()
    for number in range(size):
        visit.programme.officers.add(
            get_user_model().objects.create_user(username=f"o{number}@example.org", email=f"o{number}@example.org")
        )
        ItineraryItemFactory(visit=visit, city=CityFactory(), venue=f"Venue {number}", address=f"{number} Main St")
        Accommodation.objects.create(
            visit=visit,
            participant=delegate[1],
            name=f"Hotel {number}",
            city=nashville,
            check_in=dt.date(2019, 11, 3),
            check_out=dt.date(2019, 11, 4),
        )

    # The user, their participant, the visit with its head; officers, items with their cities, hotels.
    with django_assert_num_queries(6):
        response = signed_in.get(reverse("my:visit_contacts", args=[visit.pk]))

    assert response.status_code == 200
    assert len(response.context["contacts"].venues) == size


def test_visit_list_lists_the_persons_own_pages_to_keep_and_links_the_contacts_sheet(signed_in, visit):
    other = PublishedVisitFactory()
    DelegationMemberFactory(delegation=other.delegation, participant=_delegate("other@example.org")[1])

    content = signed_in.get(reverse("my:visit_list")).content.decode()

    assert _offline_urls(content) == [
        reverse("my:visit_list"),
        reverse("my:itinerary", args=[visit.pk]),
        reverse("my:visit_pdf", args=[visit.pk]),
        reverse("my:visit_contacts", args=[visit.pk]),
    ]
    assert f'href="{reverse("my:visit_contacts", args=[visit.pk])}"' in content
    assert 'data-offline-saved-at=""' in content
    assert "data-offline-complete" in content  # the whole list: the phone drops copies it no longer names


def test_itinerary_and_contacts_list_their_visits_pages_to_keep(signed_in, visit):
    expected = [
        reverse("my:visit_list"),
        reverse("my:itinerary", args=[visit.pk]),
        reverse("my:visit_pdf", args=[visit.pk]),
        reverse("my:visit_contacts", args=[visit.pk]),
    ]

    for name in ("my:itinerary", "my:visit_contacts"):
        content = signed_in.get(reverse(name, args=[visit.pk])).content.decode()
        assert _offline_urls(content) == expected
        assert "data-offline-complete" not in content


def test_delegate_pages_name_whose_copy_they_are(signed_in, visit, delegate):
    key = offline_copy_key(delegate[0])

    for url in (
        reverse("my:visit_list"),
        reverse("my:itinerary", args=[visit.pk]),
        reverse("my:visit_pdf", args=[visit.pk]),
        reverse("my:visit_contacts", args=[visit.pk]),
    ):
        response = signed_in.get(url)
        assert (response.status_code, response[OFFLINE_COPY_HEADER]) == (200, key), url
        assert "private" in response["Cache-Control"]
    assert OFFLINE_COPY_HEADER not in signed_in.get(reverse("my:calendar"))


def test_offline_copy_key_differs_per_person_and_names_nobody(delegate):
    other = _delegate("other@example.org")[0]

    key = offline_copy_key(delegate[0])

    assert key != offline_copy_key(other)
    assert re.fullmatch(r"[0-9a-f]{32}", key)
    assert str(delegate[0].pk) != key


def test_pages_outside_reach_carry_no_owner(signed_in, client):
    assert OFFLINE_COPY_HEADER not in signed_in.get(reverse("my:itinerary", args=[999_999]))
    client.logout()
    assert OFFLINE_COPY_HEADER not in client.get(reverse("my:visit_list"))


def test_signing_out_tells_the_browser_to_clear_the_sites_storage(signed_in):
    response = signed_in.post(reverse("account_logout"))

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"storage"'


def test_an_ordinary_page_clears_nothing(signed_in, client):
    assert "Clear-Site-Data" not in signed_in.get(reverse("my:visit_list"))
    client.logout()
    assert "Clear-Site-Data" not in client.get(reverse("account_login"))


def test_a_session_past_its_lifetime_clears_the_sites_storage(signed_in, settings):
    settings.SESSION_IDLE_TIMEOUT = -1

    response = signed_in.get(reverse("my:visit_list"))

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"storage"'


def test_contacts_sheet_shows_a_host_contact_only_when_the_officer_shares_it(signed_in, visit, nashville):
    shared = dict(host_contact_role="Community liaison", host_contact_phone="+1 615 862 8600")
    ItineraryItemFactory(
        visit=visit,
        city=nashville,
        title="Briefing",
        venue="Metro Police HQ",
        host_contact="Ann Lee",
        host_contact_shared=True,
        **shared,
    )
    ItineraryItemFactory(
        visit=visit,
        city=nashville,
        title="Debriefing",
        venue="Metro Police HQ",
        host_contact="Bo Private",
        host_contact_phone="+1 615 000 0000",
        host_contact_shared=False,
    )

    content = signed_in.get(reverse("my:visit_contacts", args=[visit.pk])).content.decode()

    assert "Ann Lee · Community liaison" in content
    assert 'class="btn btn-outline-primary btn-touch tel-link" href="tel:' in content
    assert "Bo Private" not in content
    assert "615 000 0000" not in content
