import datetime as dt
import re

import icalendar
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from delegations.models import DelegationMember
from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from partners.tests.factories import CityFactory, OrganisationFactory
from trips.models import Accommodation, ItineraryLastSeen, PersonalTravel
from trips.services import calendar_feed_token_create, calendar_feed_token_revoke
from visits.models import ItineraryItem, StudyVisit
from visits.tests.factories import (
    ItineraryItemFactory,
    PublishedVisitFactory,
    StudyVisitFactory,
    TravelLegFactory,
    VisitStopFactory,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.fixture
def liege():
    return CityFactory(name="Liège", timezone="Europe/Brussels")


@pytest.fixture
def nashville():
    return CityFactory(name="Nashville", country="US", timezone="America/Chicago")


@pytest.fixture
def chattanooga():
    return CityFactory(name="Chattanooga", country="US", timezone="America/New_York")


def _delegate(email, *, home_city=None):
    user = get_user_model().objects.create_user(username=email, email=email, password="x")
    participant = ParticipantFactory(user=user, email=email, home_city=home_city)
    return user, participant


@pytest.fixture
def delegate(liege):
    return _delegate("camille@example.org", home_city=liege)


@pytest.fixture
def visit(delegate):
    _user, participant = delegate
    visit = PublishedVisitFactory(title="Belgians in Tennessee")
    DelegationMemberFactory(delegation=visit.delegation, participant=participant)
    return visit


@pytest.fixture
def other_visit():
    _user, participant = _delegate("other@example.org")
    visit = PublishedVisitFactory(title="Someone else's visit")
    DelegationMemberFactory(delegation=visit.delegation, participant=participant)
    ItineraryItemFactory(visit=visit, title="Secret meeting")
    return visit


@pytest.fixture
def signed_in(client, delegate):
    client.force_login(delegate[0])
    return client


def _at(zone_city, text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=zone_city.zone)


def test_visit_list_shows_only_the_delegates_published_visits(signed_in, visit, other_visit, delegate):
    draft = StudyVisitFactory(title="Draft visit")
    DelegationMemberFactory(delegation=draft.delegation, participant=delegate[1])

    response = signed_in.get(reverse("my:visit_list"))

    assert response.status_code == 200
    assert list(response.context["past"]) + list(response.context["upcoming"]) == [visit]
    assert b"Someone else" not in response.content


def test_visit_list_puts_upcoming_visits_first(signed_in, delegate):
    today = timezone.localdate()
    past = PublishedVisitFactory(
        title="Past", starts_on=today - dt.timedelta(days=30), ends_on=today - dt.timedelta(days=25)
    )
    soon = PublishedVisitFactory(
        title="Soon", starts_on=today + dt.timedelta(days=3), ends_on=today + dt.timedelta(days=5)
    )
    later = PublishedVisitFactory(
        title="Later", starts_on=today + dt.timedelta(days=60), ends_on=today + dt.timedelta(days=65)
    )
    for visit in (past, soon, later):
        DelegationMemberFactory(delegation=visit.delegation, participant=delegate[1])

    response = signed_in.get(reverse("my:visit_list"))

    assert response.context["upcoming"] == [soon, later]
    assert response.context["past"] == [past]
    content = response.content.decode()
    assert content.index("Soon") < content.index("Later") < content.index("Past")


def test_visit_list_redirects_anonymous_users_to_sign_in(client):
    response = client.get(reverse("my:visit_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["my:itinerary", "my:visit_ics", "my:visit_pdf", "my:travel_create", "my:stay_create"])
def test_another_delegates_visit_answers_404(signed_in, visit, other_visit, name):
    response = signed_in.get(reverse(name, args=[other_visit.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["my:itinerary", "my:visit_ics", "my:visit_pdf"])
def test_unpublished_itinerary_is_invisible_to_its_delegate(signed_in, visit, name):
    StudyVisit.objects.filter(pk=visit.pk).update(status=StudyVisit.Status.DRAFT, published_at=None)

    response = signed_in.get(reverse(name, args=[visit.pk]))

    assert response.status_code == 404


def test_withdrawn_member_no_longer_sees_the_visit(signed_in, visit, delegate):
    DelegationMember.objects.filter(participant=delegate[1]).update(status=DelegationMember.Status.WITHDRAWN)

    response = signed_in.get(reverse("my:itinerary", args=[visit.pk]))

    assert response.status_code == 404


def test_itinerary_shows_the_hour_in_the_venue_zone_on_the_day_daylight_time_ends(signed_in, visit, nashville):
    # 3 November 2019: Central time leaves daylight saving at 02:00 local; 09:00 is CST (UTC-6).
    ItineraryItemFactory(
        visit=visit,
        city=nashville,
        title="Arrival briefing",
        starts_at=_at(nashville, "2019-11-03 09:00"),
        ends_at=_at(nashville, "2019-11-03 10:30"),
    )

    response = signed_in.get(reverse("my:itinerary", args=[visit.pk]))

    content = response.content.decode()
    assert "09:00–10:30 CST" in content
    assert "Sunday 3 November 2019" in content
    assert "(home 16:00–17:30 CET)" in content


def test_itinerary_shows_each_zone_of_a_two_zone_visit(signed_in, visit, nashville, chattanooga):
    ItineraryItemFactory(
        visit=visit,
        city=nashville,
        title="Precinct visit",
        starts_at=_at(nashville, "2019-11-05 08:30"),
        ends_at=_at(nashville, "2019-11-05 10:30"),
    )
    ItineraryItemFactory(
        visit=visit,
        city=chattanooga,
        title="City Hall",
        starts_at=_at(chattanooga, "2019-11-05 15:00"),
        ends_at=_at(chattanooga, "2019-11-05 17:00"),
    )

    content = signed_in.get(reverse("my:itinerary", args=[visit.pk])).content.decode()

    assert "08:30–10:30 CST" in content
    assert "15:00–17:00 EST" in content
    assert "(home 15:30–17:30 CET)" in content
    assert "(home 21:00–23:00 CET)" in content


def test_itinerary_leaves_out_home_time_when_the_zones_agree(signed_in, visit, liege):
    ItineraryItemFactory(
        visit=visit,
        city=CityFactory(name="Paris", country="FR", timezone="Europe/Paris"),
        starts_at=dt.datetime(2019, 11, 4, 9, tzinfo=UTC),
    )

    content = signed_in.get(reverse("my:itinerary", args=[visit.pk])).content.decode()

    assert "10:00–11:00 CET" in content
    assert "(home" not in content


def test_itinerary_lists_co_delegates_without_emails_or_phones(signed_in, visit):
    colleague = ParticipantFactory(
        first_name="Marc",
        last_name="Fictif",
        email="marc@example.org",
        phone="+32 87 00 00 00",
        position="Commissioner",
        organisation=OrganisationFactory(name="Vesdre Police Zone"),
    )
    DelegationMemberFactory(delegation=visit.delegation, participant=colleague, role=DelegationMember.Role.EXPERT)

    content = signed_in.get(reverse("my:itinerary", args=[visit.pk])).content.decode()

    assert "Marc Fictif · Expert · Commissioner · Vesdre Police Zone" in content
    assert "marc@example.org" not in content
    assert "+32 87" not in content


def test_itinerary_marks_items_changed_since_the_delegate_last_looked(signed_in, visit, delegate):
    moved = ItineraryItemFactory(visit=visit, title="Moved meeting")
    ItineraryItemFactory(visit=visit, title="Same meeting")
    ItineraryItem.objects.update(updated_at=timezone.now() - dt.timedelta(hours=1))
    signed_in.get(reverse("my:itinerary", args=[visit.pk]))
    moved.starts_at += dt.timedelta(hours=1)
    moved.ends_at += dt.timedelta(hours=1)
    moved.save()

    response = signed_in.get(reverse("my:itinerary", args=[visit.pk]))

    changed = re.findall(r'item-changed">.*?<div class="fw-semibold">([^<]+)<', response.content.decode(), re.S)
    assert changed == ["Moved meeting"]
    assert "One entry changed since " in response.content.decode()


def test_itinerary_marks_nothing_on_the_first_look(signed_in, visit):
    ItineraryItemFactory(visit=visit)

    response = signed_in.get(reverse("my:itinerary", args=[visit.pk]))

    assert response.context["changed_count"] == 0
    assert ItineraryLastSeen.objects.filter(visit=visit).count() == 1


@pytest.mark.parametrize("size", [1, 5])
def test_itinerary_query_count(signed_in, visit, nashville, size, django_assert_num_queries):
    VisitStopFactory(visit=visit, city=nashville)
    for _ in range(size):
        item = ItineraryItemFactory(visit=visit, city=nashville)
        item.host_organisations.add(OrganisationFactory())
        DelegationMemberFactory(delegation=visit.delegation)
        PersonalTravel.objects.create(
            visit=visit,
            participant=visit.delegation.members.get(participant__user__isnull=False).participant,
            direction="arrival",
            departure_place="BRU",
            departure_timezone="Europe/Brussels",
            departs_at=dt.datetime(2019, 11, 3, 9, tzinfo=UTC),
            arrival_place="BNA",
            arrival_timezone="America/Chicago",
            arrives_at=dt.datetime(2019, 11, 3, 20, tzinfo=UTC),
        )
        TravelLegFactory(visit=visit, from_city=nashville)
        TravelLegFactory(visit=visit, from_city=nashville).members.add(
            visit.delegation.members.get(participant__user__isnull=False)
        )

    # No hotel: the stays are counted with the visit and not asked for.
    with django_assert_num_queries(11):
        response = signed_in.get(reverse("my:itinerary", args=[visit.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("size", [1, 5])
def test_visit_list_query_count(signed_in, delegate, size, django_assert_num_queries):
    for _ in range(size):
        visit = PublishedVisitFactory()
        DelegationMemberFactory(delegation=visit.delegation, participant=delegate[1])

    with django_assert_num_queries(3):
        response = signed_in.get(reverse("my:visit_list"))

    assert response.status_code == 200


def _events(content: bytes) -> list:
    return list(icalendar.Calendar.from_ical(content).walk("VEVENT"))


def test_feed_serves_every_item_of_the_participants_visits_only(client, visit, other_visit, delegate, nashville):
    item = ItineraryItemFactory(visit=visit, city=nashville, title="Briefing")
    _feed, token = calendar_feed_token_create(delegate[1], by=delegate[0])

    response = client.get(reverse("my:feed", args=[token]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = _events(response.content)
    assert [str(event["UID"]) for event in events] == [f"item-{item.pk}@cityexchange"]
    assert b"Secret meeting" not in response.content


def test_feed_carries_the_right_instant_across_the_end_of_daylight_time(client, visit, delegate, nashville):
    before = ItineraryItemFactory(
        visit=visit, city=nashville, starts_at=_at(nashville, "2019-11-02 09:00"), title="Saturday"
    )
    after = ItineraryItemFactory(
        visit=visit, city=nashville, starts_at=_at(nashville, "2019-11-03 09:00"), title="Sunday"
    )
    visit.starts_on = dt.date(2019, 11, 2)
    visit.save()
    _feed, token = calendar_feed_token_create(delegate[1], by=delegate[0])

    response = client.get(reverse("my:feed", args=[token]))

    assert b"DTSTART;TZID=America/Chicago:20191102T090000" in response.content
    assert b"DTSTART;TZID=America/Chicago:20191103T090000" in response.content
    assert b"BEGIN:VTIMEZONE" in response.content
    starts = {str(event["SUMMARY"]): event.decoded("DTSTART") for event in _events(response.content)}
    assert starts["Saturday"] == dt.datetime(2019, 11, 2, 14, tzinfo=UTC) == before.starts_at
    assert starts["Sunday"] == dt.datetime(2019, 11, 3, 15, tzinfo=UTC) == after.starts_at


def test_feed_keeps_an_items_uid_when_it_moves(client, visit, delegate):
    item = ItineraryItemFactory(visit=visit)
    _feed, token = calendar_feed_token_create(delegate[1], by=delegate[0])
    first = _events(client.get(reverse("my:feed", args=[token])).content)
    item.starts_at += dt.timedelta(hours=2)
    item.ends_at += dt.timedelta(hours=2)
    item.save()

    second = _events(client.get(reverse("my:feed", args=[token])).content)

    assert [str(event["UID"]) for event in second] == [str(event["UID"]) for event in first]
    assert second[0].decoded("DTSTART") == first[0].decoded("DTSTART") + dt.timedelta(hours=2)


def test_feed_with_a_wrong_token_answers_404(client, visit):
    response = client.get(reverse("my:feed", args=["not-a-token"]))

    assert response.status_code == 404


def test_feed_with_a_revoked_token_answers_gone(client, visit, delegate):
    _feed, token = calendar_feed_token_create(delegate[1], by=delegate[0])
    calendar_feed_token_revoke(delegate[1])

    response = client.get(reverse("my:feed", args=[token]))

    assert response.status_code == 410


def test_feed_with_a_replaced_token_answers_gone(client, visit, delegate):
    _feed, old = calendar_feed_token_create(delegate[1], by=delegate[0])
    _feed, new = calendar_feed_token_create(delegate[1], by=delegate[0])

    assert client.get(reverse("my:feed", args=[old])).status_code == 410
    assert client.get(reverse("my:feed", args=[new])).status_code == 200


def test_feed_answers_304_when_nothing_changed(client, visit, delegate, django_assert_num_queries):
    item = ItineraryItemFactory(visit=visit)
    _feed, token = calendar_feed_token_create(delegate[1], by=delegate[0])
    first = client.get(reverse("my:feed", args=[token]))

    with django_assert_num_queries(0):  # the page cache answers from Redis (pagecache)
        again = client.get(reverse("my:feed", args=[token]), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    item.title = "Renamed"
    item.save()
    changed = client.get(reverse("my:feed", args=[token]), HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_feed_answers_304_to_if_modified_since(client, visit, delegate):
    ItineraryItemFactory(visit=visit)
    _feed, token = calendar_feed_token_create(delegate[1], by=delegate[0])
    first = client.get(reverse("my:feed", args=[token]))

    again = client.get(reverse("my:feed", args=[token]), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 304


def test_feed_token_is_stored_only_as_a_hash(delegate):
    feed, token = calendar_feed_token_create(delegate[1], by=delegate[0])

    assert token not in feed.token_hash
    assert len(feed.token_hash) == 64


def test_calendar_page_shows_a_new_link_once(signed_in, delegate):
    response = signed_in.post(reverse("my:calendar"), {"action": "create"}, follow=True)

    feed_url = response.context["feed_url"]
    assert "/my/calendar/" in feed_url
    assert signed_in.get(reverse("my:calendar")).context["feed_url"] == ""


def test_calendar_page_revokes_the_link(signed_in, visit, delegate):
    _feed, token = calendar_feed_token_create(delegate[1], by=delegate[0])

    signed_in.post(reverse("my:calendar"), {"action": "revoke"})

    assert signed_in.get(reverse("my:feed", args=[token])).status_code == 410


def test_visit_ics_download_has_the_visit_and_the_delegates_own_travel(signed_in, visit, delegate, other_visit):
    item = ItineraryItemFactory(visit=visit)
    leg = PersonalTravel.objects.create(
        visit=visit,
        participant=delegate[1],
        direction="arrival",
        carrier="UA 950",
        departure_place="Brussels",
        departure_timezone="Europe/Brussels",
        departs_at=dt.datetime(2019, 11, 3, 9, tzinfo=UTC),
        arrival_place="Nashville",
        arrival_timezone="America/Chicago",
        arrives_at=dt.datetime(2019, 11, 3, 20, tzinfo=UTC),
    )

    response = signed_in.get(reverse("my:visit_ics", args=[visit.pk]))

    assert response["Content-Disposition"].startswith("attachment;")
    uids = sorted(str(event["UID"]) for event in _events(response.content))
    assert uids == sorted([f"item-{item.pk}@cityexchange", f"travel-{leg.pk}@cityexchange"])
    assert b"DTSTART;TZID=Europe/Brussels:20191103T100000" in response.content
    assert b"DTEND;TZID=America/Chicago:20191103T140000" in response.content


def test_visit_pdf_is_a_pdf(signed_in, visit):
    ItineraryItemFactory(visit=visit, address="1 Public Square, Nashville")

    response = signed_in.get(reverse("my:visit_pdf", args=[visit.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_delegate_adds_their_own_travel_in_local_times(signed_in, visit, delegate):
    response = signed_in.post(
        reverse("my:travel_create", args=[visit.pk]),
        {
            "direction": "arrival",
            "mode": "flight",
            "carrier": "UA 950",
            "departure_place": "Brussels Airport",
            "departure_timezone": "Europe/Brussels",
            "departs_local": "2019-11-03T10:00",
            "arrival_place": "Nashville BNA",
            "arrival_timezone": "America/Chicago",
            "arrives_local": "2019-11-03T14:05",
        },
    )

    assert response.status_code == 302
    leg = PersonalTravel.objects.get()
    assert (leg.visit, leg.participant) == (visit, delegate[1])
    assert leg.departs_at == dt.datetime(2019, 11, 3, 9, tzinfo=UTC)
    assert leg.arrives_at == dt.datetime(2019, 11, 3, 20, 5, tzinfo=UTC)
    content = signed_in.get(reverse("my:itinerary", args=[visit.pk])).content.decode()
    assert "Sunday 3 November 2019" in content
    assert "10:00 CET</strong> Brussels Airport" in content
    assert "14:05 CST</strong> Nashville BNA" in content
    assert "own-travel-heading" not in content  # no separate block: the leg is in its day


def test_travel_arriving_before_it_leaves_is_refused_in_words(signed_in, visit):
    response = signed_in.post(
        reverse("my:travel_create", args=[visit.pk]),
        {
            "direction": "arrival",
            "mode": "flight",
            "departure_place": "Brussels",
            "departure_timezone": "Europe/Brussels",
            "departs_local": "2019-11-03T10:00",
            "arrival_place": "Nashville",
            "arrival_timezone": "America/Chicago",
            "arrives_local": "2019-11-03T02:30",
        },
    )

    assert response.status_code == 200
    assert "The arrival must come after the departure, counting both time zones." in response.content.decode()
    assert PersonalTravel.objects.count() == 0


def test_own_travel_is_shown_only_to_its_member(client, visit, delegate, liege):
    colleague_user, colleague = _delegate("colleague@example.org")
    DelegationMemberFactory(delegation=visit.delegation, participant=colleague)
    stay = Accommodation.objects.create(
        visit=visit,
        participant=delegate[1],
        name="Hotel Music Row",
        city=liege,
        check_in=dt.date(2019, 11, 3),
        check_out=dt.date(2019, 11, 5),
    )
    client.force_login(colleague_user)

    content = client.get(reverse("my:itinerary", args=[visit.pk])).content.decode()
    edit = client.get(reverse("my:stay_edit", args=[visit.pk, stay.pk]))

    assert "Hotel Music Row" not in content
    assert edit.status_code == 404


def test_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Content-Type"].startswith("application/javascript")


def test_itinerary_page_has_no_inline_script_or_style(signed_in, visit):
    ItineraryItemFactory(visit=visit)

    content = signed_in.get(reverse("my:itinerary", args=[visit.pk])).content.decode()

    assert "<script>" not in content
    assert "style=" not in content
    assert 'rel="manifest"' in content


def test_ends_before_start_constraint_on_items_kept(visit):
    assert ItineraryItem.objects.count() == 0


@pytest.fixture
def demo(settings):
    from django.core.management import call_command

    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return get_user_model().objects.get(email="delegate@example.org")


def test_demo_delegate_sees_the_2019_visit_and_nothing_else(client, demo):
    client.force_login(demo)
    november = StudyVisit.objects.get(title="Belgian delegation in Nashville, Chattanooga and Washington DC")
    others = StudyVisit.objects.exclude(pk=november.pk)

    listed = client.get(reverse("my:visit_list")).context

    assert listed["upcoming"] + listed["past"] == [november]
    assert others.count() == 3
    for other in others:
        for name in ("my:itinerary", "my:visit_ics", "my:visit_pdf"):
            assert client.get(reverse(name, args=[other.pk])).status_code == 404
    _feed, token = calendar_feed_token_create(demo.participant, by=demo)
    events = _events(client.get(reverse("my:feed", args=[token])).content)
    assert {str(event["UID"]) for event in events} == {
        f"item-{pk}@cityexchange" for pk in november.itinerary_items.values_list("pk", flat=True)
    } | {f"leg-{pk}@cityexchange" for pk in november.legs.values_list("pk", flat=True)}
    pdf = client.get(reverse("my:visit_pdf", args=[november.pk]))
    assert pdf.content.startswith(b"%PDF")
