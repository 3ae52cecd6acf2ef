"""Pages made cheap for the benchmark: cached parts under their data's version, and fewer, faster queries."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from outcomes.selectors import recent_changes_for_officer
from outcomes.tests.factories import FollowUpFactory
from partners.tests.factories import CityFactory, OrganisationFactory
from trips.models import ItineraryLastSeen
from trips.services import calendar_feed_token_create
from visits.models import ItineraryItem
from visits.pagecache import CSRF_PLACEHOLDER
from visits.tests.factories import (
    ItineraryItemFactory,
    ProgrammeFactory,
    PublishedVisitFactory,
    StudyVisitFactory,
    VisitStopFactory,
)

pytestmark = pytest.mark.django_db


def _visit_with_items(n: int, **kwargs):
    visit = PublishedVisitFactory(**kwargs)
    city = CityFactory(timezone="America/Chicago")
    VisitStopFactory(visit=visit, city=city)
    for day in range(n):
        item = ItineraryItemFactory(
            visit=visit, city=city, title=f"Meeting {day}", starts_at=dt.datetime(2019, 11, 4 + day, 15, tzinfo=dt.UTC)
        )
        item.host_organisations.add(OrganisationFactory())
    return visit


@pytest.fixture
def officer(django_user_model):
    user = django_user_model.objects.create_user(username="o@example.org", email="o@example.org")
    user.programme = ProgrammeFactory()
    user.programme.officers.add(user)
    return user


@pytest.fixture
def delegate():
    user = get_user_model().objects.create_user(username="d@example.org", email="d@example.org", password="x")
    return user, ParticipantFactory(user=user, email="d@example.org")


@pytest.mark.parametrize("size", [1, 5])
def test_visit_editor_served_again_costs_one_query(client, officer, size, django_assert_num_queries):
    visit = _visit_with_items(size, programme=officer.programme)
    client.force_login(officer)
    first = client.get(reverse("visits:visit_detail", args=[visit.pk]))

    with django_assert_num_queries(1):  # the user; the page comes whole from Redis
        again = client.get(reverse("visits:visit_detail", args=[visit.pk]))

    assert again.content.decode().count("Meeting ") == first.content.decode().count("Meeting ") >= size


def test_visit_editor_shows_an_added_item_and_a_new_organisation_at_once(client, officer):
    visit = _visit_with_items(1, programme=officer.programme)
    client.force_login(officer)
    client.get(reverse("visits:visit_detail", args=[visit.pk]))
    ItineraryItemFactory(visit=visit, title="Late addition", starts_at=dt.datetime(2019, 11, 6, 15, tzinfo=dt.UTC))
    OrganisationFactory(name="Brand new host")

    content = client.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode()

    assert "Late addition" in content
    assert "Brand new host" in content


def test_cached_visit_editor_carries_the_requests_csrf_token(officer):
    visit = _visit_with_items(1, programme=officer.programme)
    item = visit.itinerary_items.get()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    browser.get(reverse("visits:visit_detail", args=[visit.pk]))  # renders and caches the fragments

    content = browser.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode()
    token = re.search(
        rf'action="{reverse("visits:item_delete", args=[visit.pk, item.pk])}"[^>]*>'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"',
        content,
    )
    response = browser.post(
        reverse("visits:item_delete", args=[visit.pk, item.pk]), {"csrfmiddlewaretoken": token.group(1)}
    )

    assert CSRF_PLACEHOLDER not in content
    assert response.status_code == 302
    assert not ItineraryItem.objects.filter(pk=item.pk).exists()


def test_a_lost_version_hash_makes_every_stored_page_stale(client, officer):
    from django.core.cache import cache

    visit = _visit_with_items(1, programme=officer.programme)
    url = reverse("visits:visit_detail", args=[visit.pk])
    client.force_login(officer)
    assert [client.get(url)["X-Page-Cache"], client.get(url)["X-Page-Cache"]] == ["stored", "hit"]

    # Redis evicts or loses the versions (every table back at "version 0"): a new epoch, so no old entry holds.
    cache._cache.get_client(write=True).delete(cache.make_key("pagecache:versions"))

    assert [client.get(url)["X-Page-Cache"], client.get(url)["X-Page-Cache"]] == ["stored", "hit"]


def test_a_304_to_a_page_with_forms_neither_masks_a_token_nor_sends_the_csrf_cookie_again(officer):
    visit = _visit_with_items(1, programme=officer.programme)
    url = reverse("visits:visit_detail", args=[visit.pk])
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    first = browser.get(url)
    assert "csrftoken" in first.cookies  # a browser without a secret gets one with the page
    stored = browser.get(url)
    assert stored["X-Page-Cache"] == "hit" and CSRF_PLACEHOLDER not in stored.content.decode()

    again = browser.get(url, headers={"If-None-Match": stored["ETag"]})

    assert again.status_code == 304 and again["X-Page-Cache"] == "hit"
    assert "csrftoken" not in again.cookies
    # A browser whose secret is new is not told "not modified": its tag names the secret.
    browser.cookies.pop("csrftoken")
    fresh = browser.get(url, headers={"If-None-Match": stored["ETag"]})
    assert fresh.status_code == 200 and "csrftoken" in fresh.cookies


def test_the_delegates_itinerary_is_asked_again_every_time_stored_hit_or_304(client, delegate):
    visit = _visit_with_items(1)
    DelegationMemberFactory(delegation=visit.delegation, participant=delegate[1])
    client.force_login(delegate[0])
    url = reverse("my:itinerary", args=[visit.pk])
    client.get(url)  # the first look writes its mark: not stored

    stored, hit = client.get(url), client.get(url)
    not_modified = client.get(url, headers={"If-None-Match": hit["ETag"]})

    assert [stored["X-Page-Cache"], hit["X-Page-Cache"], not_modified.status_code] == ["stored", "hit", 304]
    for response in (stored, hit, not_modified):
        # "private" from the offline copy, and "no-cache": no heuristic freshness for a changed itinerary.
        assert set(response["Cache-Control"].replace(" ", "").split(",")) == {"private", "no-cache"}


@pytest.mark.parametrize("size", [1, 5])
def test_itinerary_looked_at_again_costs_five_queries_and_no_write(client, delegate, size, django_assert_num_queries):
    visit = _visit_with_items(size)
    DelegationMemberFactory(delegation=visit.delegation, participant=delegate[1])
    client.force_login(delegate[0])
    client.get(reverse("my:itinerary", args=[visit.pk]))
    seen_at = ItineraryLastSeen.objects.get(visit=visit).seen_at

    with django_assert_num_queries(5):
        response = client.get(reverse("my:itinerary", args=[visit.pk]))

    assert response.content.decode().count('<div class="fw-semibold">Meeting ') == size
    assert ItineraryLastSeen.objects.get(visit=visit).seen_at == seen_at


def test_itinerary_look_is_written_again_after_a_change_or_five_minutes(client, delegate):
    visit = _visit_with_items(1)
    DelegationMemberFactory(delegation=visit.delegation, participant=delegate[1])
    client.force_login(delegate[0])
    client.get(reverse("my:itinerary", args=[visit.pk]))
    looks = ItineraryLastSeen.objects.filter(visit=visit)
    looks.update(seen_at=timezone.now() - dt.timedelta(minutes=6))
    client.get(reverse("my:itinerary", args=[visit.pk]))
    refreshed = looks.get().seen_at

    visit.itinerary_items.update(updated_at=timezone.now())
    client.get(reverse("my:itinerary", args=[visit.pk]))

    assert timezone.now() - refreshed < dt.timedelta(minutes=1)
    assert looks.get().seen_at > refreshed


def test_itinerary_shows_a_renamed_item_at_once(client, delegate):
    visit = _visit_with_items(1)
    DelegationMemberFactory(delegation=visit.delegation, participant=delegate[1])
    client.force_login(delegate[0])
    client.get(reverse("my:itinerary", args=[visit.pk]))
    item = visit.itinerary_items.get()
    item.title = "Renamed meeting"
    item.save()

    content = client.get(reverse("my:itinerary", args=[visit.pk])).content.decode()

    assert "Renamed meeting" in content
    assert "One entry changed since " in content


def test_feed_served_again_costs_no_query_and_follows_changes(client, delegate, django_assert_num_queries):
    visit = _visit_with_items(2)
    DelegationMemberFactory(delegation=visit.delegation, participant=delegate[1])
    _feed, token = calendar_feed_token_create(delegate[1], by=delegate[0])
    first = client.get(reverse("my:feed", args=[token]))

    with django_assert_num_queries(0):  # no session: the feed comes whole from Redis
        again = client.get(reverse("my:feed", args=[token]))
    item = visit.itinerary_items.first()
    item.title = "Moved to the town hall"
    item.save()
    changed = client.get(reverse("my:feed", args=[token]))

    assert again.content == first.content
    assert b"Moved to the town hall" in changed.content
    assert changed["ETag"] != first["ETag"]


def test_dashboard_lists_recent_changes_of_the_officers_visits_newest_first(client, officer):
    mine = _visit_with_items(2, programme=officer.programme, title="Our visit")
    _visit_with_items(1, title="Another programme's visit")
    item = mine.itinerary_items.order_by("pk").first()
    item.title = "Edited last"
    item._history_user = officer
    item.save()
    client.force_login(officer)

    changes = client.get(reverse("home")).context["changes"]

    assert [(change.title, change.kind_label, change.user_email) for change in changes[:1]] == [
        ("Edited last", "itinerary item", "o@example.org")
    ]
    assert {change.title for change in changes} == {"Our visit", "Meeting 0", "Meeting 1", "Edited last"}


def test_dashboard_splits_open_follow_ups_into_overdue_and_the_rest_in_due_order(client, officer):
    today = timezone.localdate()
    visit = StudyVisitFactory(programme=officer.programme)
    for days, title in ((-1, "Late"), (-9, "Later still"), (3, "Soon"), (None, "Someday")):
        due = today + dt.timedelta(days=days) if days is not None else None
        FollowUpFactory(visit=visit, title=title, due_on=due)
    FollowUpFactory(visit=visit, title="Done long ago", due_on=today - dt.timedelta(days=30), status="done")
    FollowUpFactory(title="Another programme's", due_on=today - dt.timedelta(days=2))
    client.force_login(officer)

    follow_ups = client.get(reverse("home")).context["follow_ups"]

    assert [follow_up.title for follow_up in follow_ups.overdue] == ["Later still", "Late"]
    assert [follow_up.title for follow_up in follow_ups.due_later] == ["Soon", "Someday"]
    assert (follow_ups.overdue_count, follow_ups.due_later_count) == (2, 2)


def test_recent_changes_work_where_compound_queries_cannot_be_sliced(officer, monkeypatch):
    _visit_with_items(2, programme=officer.programme, title="Our visit")
    monkeypatch.setattr(connection.features, "supports_slicing_ordering_in_compound", False)

    changes = recent_changes_for_officer(officer, limit=2)

    assert len(changes) == 2
    assert changes[0].history_date >= changes[1].history_date
