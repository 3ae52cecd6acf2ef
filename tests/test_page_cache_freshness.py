"""Whole pages served from the page cache (pagecache/) are never stale: what changes shows on the next request.

Each test warms a page (the second request is answered from Redis: ``X-Page-Cache: hit``),
changes one thing the way the portal or a shell would (the ORM, ``QuerySet.update()``, raw
SQL), and asks again once.
"""

import datetime as dt

import pytest
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.urls import reverse

from delegations.models import DelegationMember
from delegations.services import delegation_member_remove
from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from pagecache.pages import STATUS_HEADER
from partners.models import City, Organisation
from partners.tests.factories import CityFactory, OrganisationFactory
from trips.services import calendar_feed_token_create
from visits.tests.factories import ItineraryItemFactory, ProgrammeFactory, PublishedVisitFactory, VisitStopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(django_user_model):
    user = django_user_model.objects.create_user(username="o@example.org", email="o@example.org")
    user.programme = ProgrammeFactory()
    user.programme.officers.add(user)
    return user


@pytest.fixture
def visit(officer):
    visit = PublishedVisitFactory(programme=officer.programme)
    city = CityFactory(name="Nashville", timezone="America/Chicago")
    VisitStopFactory(visit=visit, city=city)
    item = ItineraryItemFactory(
        visit=visit, city=city, title="Meeting at the precinct", starts_at=dt.datetime(2019, 11, 4, 15, tzinfo=dt.UTC)
    )
    item.host_organisations.add(OrganisationFactory(name="Metro Nashville Police"))
    return visit


@pytest.fixture
def delegate(visit):
    user = get_user_model().objects.create_user(username="d@example.org", email="d@example.org")
    participant = ParticipantFactory(user=user, email="d@example.org", preferred_language="en")
    DelegationMemberFactory(delegation=visit.delegation, participant=participant, status="confirmed")
    return user


def _warm(client, url):
    """Ask until the page is served from the cache (a delegate's first look writes its mark)."""
    for _attempt in range(3):
        response = client.get(url)
        if response[STATUS_HEADER] == "hit":
            return response
    raise AssertionError(f"{url} never came from the cache: {response[STATUS_HEADER]}")


def test_an_edited_item_shows_on_the_next_request(client, officer, visit):
    client.force_login(officer)
    url = reverse("visits:visit_detail", args=[visit.pk])
    _warm(client, url)

    item = visit.itinerary_items.get()
    item.title = "Meeting moved to the town hall"
    item.save()
    response = client.get(url)

    assert response[STATUS_HEADER] == "stored"
    assert "Meeting moved to the town hall" in response.content.decode()


def test_a_renamed_city_shows_on_every_cached_page(client, officer, delegate, visit):
    client.force_login(officer)
    officer_pages = [reverse("visits:visit_detail", args=[visit.pk]), reverse("partners:city_list")]
    for url in officer_pages:
        _warm(client, url)
    delegate_client = client.__class__()
    delegate_client.force_login(delegate)
    itinerary = reverse("my:itinerary", args=[visit.pk])
    _warm(delegate_client, itinerary)

    City.objects.filter(name="Nashville").update(name="Music City")  # QuerySet.update(): no save(), no signal

    for url in officer_pages:
        assert "Music City" in client.get(url).content.decode(), url
    assert "Music City" in delegate_client.get(itinerary).content.decode()


def test_a_renamed_organisation_shows_on_the_next_request(client, officer, visit):
    client.force_login(officer)
    url = reverse("visits:visit_detail", args=[visit.pk])
    _warm(client, url)

    with connection.cursor() as cursor:  # raw SQL through Django counts too
        cursor.execute(
            "UPDATE partners_organisation SET name = %s WHERE name = %s", ["Nashville PD", "Metro Nashville Police"]
        )
    content = client.get(url).content.decode()

    assert "Nashville PD" in content
    assert "Metro Nashville Police" not in content


def test_a_citys_new_time_zone_shows_on_the_next_request(client, delegate, visit):
    client.force_login(delegate)
    url = reverse("my:itinerary", args=[visit.pk])
    assert "09:00–10:00 CST" in _warm(client, url).content.decode()

    city = City.objects.get(name="Nashville")
    city.timezone = "America/New_York"
    city.save()
    content = client.get(url).content.decode()

    assert "10:00–11:00 EST" in content
    assert "CST" not in content


def test_a_delegate_taken_off_the_delegation_loses_the_page_at_once(client, officer, delegate, visit):
    client.force_login(delegate)
    url = reverse("my:itinerary", args=[visit.pk])
    _warm(client, url)

    member = DelegationMember.objects.get(participant__user=delegate)
    delegation_member_remove(member, by=officer)

    assert client.get(url).status_code == 404


def test_an_officer_taken_off_the_programme_loses_the_page_at_once(client, officer, visit):
    client.force_login(officer)
    url = reverse("visits:visit_detail", args=[visit.pk])
    _warm(client, url)
    other = ProgrammeFactory()
    other.officers.add(officer)  # still an officer, of another programme

    officer.programme.officers.remove(officer)

    assert client.get(url).status_code == 404


def test_a_change_of_language_shows_on_the_next_request(client, delegate, visit):
    client.force_login(delegate)
    english = _warm(client, reverse("my:visit_list"))

    client.cookies["django_language"] = "fr"
    french = client.get("/fr/my/")

    assert english["Content-Language"] == "en"
    assert french["Content-Language"] == "fr"
    assert french.content != english.content


def test_the_feed_follows_the_persons_preferred_language(client, delegate, visit):
    participant = delegate.participant
    _feed, token = calendar_feed_token_create(participant, by=delegate)
    url = reverse("my:feed", args=[token])
    assert _warm(client, url)["Content-Language"] == "en"

    participant.preferred_language = "fr"
    participant.save()

    assert client.get(url)["Content-Language"] == "fr"


def test_a_rolled_back_change_leaves_the_cached_page_valid(client, officer, visit):
    client.force_login(officer)
    url = reverse("visits:visit_detail", args=[visit.pk])
    _warm(client, url)

    with pytest.raises(RuntimeError), transaction.atomic():
        Organisation.objects.filter(name="Metro Nashville Police").update(name="Never committed")
        raise RuntimeError

    response = client.get(url)
    assert response[STATUS_HEADER] == "hit"
    assert "Never committed" not in response.content.decode()


def test_cached_pages_answer_304_to_their_etag_and_date(client, officer, visit):
    client.force_login(officer)
    url = reverse("delegations:delegation_list")
    first = _warm(client, url)

    by_tag = client.get(url, headers={"If-None-Match": first["ETag"]})
    by_date = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    OrganisationFactory()
    visit.delegation.name = "Renamed delegation"
    visit.delegation.save()
    after_change = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert (by_tag.status_code, by_tag.content) == (304, b"")
    assert by_date.status_code == 304
    assert "Cookie" in first["Vary"] and "Accept-Language" in first["Vary"]
    assert first["Cache-Control"] == "private, no-cache"
    assert after_change.status_code == 200
    assert after_change["ETag"] != first["ETag"]
    assert after_change["Last-Modified"] != first["Last-Modified"]


def test_a_page_with_a_waiting_message_is_rendered_with_it_and_not_stored(client, officer, visit, rf):
    client.force_login(officer)
    url = reverse("visits:visit_list")
    _warm(client, url)
    # The message as the next response would carry it (FallbackStorage keeps it in a cookie first).
    client.cookies["messages"] = CookieStorage(rf.get("/"))._encode([Message(messages.SUCCESS, "Saved, really.")])

    response = client.get(url)

    assert response[STATUS_HEADER] != "hit"
    assert "Saved, really." in response.content.decode()
    assert "Saved, really." not in client.get(url).content.decode()


def test_pages_are_served_uncached_without_error_when_redis_is_unreachable(client, officer, visit, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "health.cache.FailSoftRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing listens
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    client.force_login(officer)
    url = reverse("visits:visit_detail", args=[visit.pk])

    answers = [client.get(url) for _ in range(3)]

    assert [(answer.status_code, answer[STATUS_HEADER]) for answer in answers] == [(200, "miss")] * 3
    assert all("Meeting at the precinct" in answer.content.decode() for answer in answers)


@pytest.mark.parametrize("url_name", ["visits:visit_list", "outcomes:follow_up_board"])
def test_a_cached_bare_list_still_leads_back_to_the_remembered_filters(client, officer, visit, url_name):
    client.force_login(officer)
    url = reverse(url_name)
    _warm(client, url)

    client.get(f"{url}?q=precinct")
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{url}?q=precinct"
