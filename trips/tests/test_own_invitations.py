"""A delegate's own travel and hotel in their emailed invitations (iTIP), and only in theirs: the
feed's UIDs and SEQUENCE, read back from the sent MIME by icalendar and vobject; a later change
reaches that delegate alone as a REQUEST with a higher SEQUENCE, a removal as a CANCEL."""

import datetime as dt
import email

import icalendar
import pytest
import vobject
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from notifications.delivery import _message
from notifications.models import Notification
from partners.tests.factories import CityFactory
from trips.models import Accommodation, PersonalTravel
from trips.services import (
    accommodation_delete,
    accommodation_save,
    calendar_feed_token_create,
    personal_travel_save,
)
from visits.services import visit_itinerary_digest_queue, visit_publish
from visits.tests.factories import ItineraryItemFactory, StudyVisitFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# Brussels still on summer time (CEST, the EU change is 27 October 2019), Nashville on CDT.
DEPARTS, ARRIVES = dt.datetime(2019, 10, 26, 8, 5, tzinfo=UTC), dt.datetime(2019, 10, 26, 20, 30, tzinfo=UTC)


@pytest.fixture
def world(settings):
    settings.DEFAULT_FROM_EMAIL = "CityExchange <noreply@cityexchange.example>"
    nashville = CityFactory(name="Nashville", timezone="America/Chicago")
    visit = StudyVisitFactory(title="Belgians in Tennessee")
    ItineraryItemFactory(visit=visit, city=nashville, title="Police department", status="confirmed")
    people = {}
    for name in ("camille", "jordan"):
        user = get_user_model().objects.create_user(username=name, email=f"{name}@example.org")
        participant = ParticipantFactory(user=user, first_name=name, email=f"{name}@example.org")
        DelegationMemberFactory(delegation=visit.delegation, participant=participant)
        travel = personal_travel_save(
            PersonalTravel(
                visit=visit,
                participant=participant,
                direction=PersonalTravel.Direction.ARRIVAL,
                carrier=f"SN {len(people) + 501}",
                departure_place="Brussels",
                departure_timezone="Europe/Brussels",
                departs_at=DEPARTS,
                arrival_place="Nashville",
                arrival_timezone="America/Chicago",
                arrives_at=ARRIVES,
            ),
            by=user,
        )
        stay = accommodation_save(
            Accommodation(
                visit=visit,
                participant=participant,
                name=f"Hotel {name.title()}",
                city=nashville,
                check_in=dt.date(2019, 10, 26),
                check_out=dt.date(2019, 11, 5),
            ),
            by=user,
        )
        people[name] = (user, participant, travel, stay)
    visit_publish(visit, by=None)
    return visit, people


def _parts(row: Notification) -> dict[str, tuple[icalendar.Calendar, bytes]]:
    """The row's invitations by UID, each read by icalendar from its own part of the sent MIME message."""
    message = email.message_from_bytes(_message(row).message().as_bytes())
    calendars = {}
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            content = part.get_payload(decode=True)
            calendar = icalendar.Calendar.from_ical(content)
            assert part.get_param("method") == str(calendar["METHOD"])
            [event] = calendar.walk("VEVENT")
            calendars[str(event["UID"])] = (calendar, content)
    return calendars


def _row(kind: str, to: str) -> Notification:
    return Notification.objects.filter(kind=kind, to_email=to).latest("pk")


def _feed(client, user, participant) -> dict[str, icalendar.Event]:
    _link, token = calendar_feed_token_create(participant, by=user)
    calendar = icalendar.Calendar.from_ical(client.get(reverse("my:feed", args=[token])).content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def _own_uids(travel, stay) -> list[str]:
    return [f"travel-{travel.pk}@cityexchange", f"stay-{stay.pk}@cityexchange"]


def test_published_invitation_carries_the_delegates_own_travel_and_hotel_and_no_one_elses(client, world):
    _visit, people = world
    user, camille, travel, stay = people["camille"]
    jordans = _own_uids(*people["jordan"][2:])

    parts = _parts(_row("itinerary_published", "camille@example.org"))
    feed = _feed(client, user, camille)

    travel_uid, stay_uid = _own_uids(travel, stay)
    assert {travel_uid, stay_uid} <= set(parts)
    assert not set(jordans) & set(parts)
    assert set(jordans) <= set(_parts(_row("itinerary_published", "jordan@example.org")))
    for uid in (travel_uid, stay_uid):
        calendar, content = parts[uid]
        [event] = calendar.walk("VEVENT")
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(event["ATTENDEE"]) == "mailto:camille@example.org"
        assert str(event["ORGANIZER"]) == "mailto:noreply@cityexchange.example"
        assert event["SEQUENCE"] == feed[uid]["SEQUENCE"] == 0
        assert event.decoded("DTSTART") == feed[uid].decoded("DTSTART")
        # vobject reads the part's own VTIMEZONE definitions, not the zone names.
        by_vobject = vobject.readOne(content.decode())
        assert by_vobject.vevent.uid.value == uid
        assert by_vobject.method.value == "REQUEST"
    [flight] = parts[travel_uid][0].walk("VEVENT")
    by_vobject = vobject.readOne(parts[travel_uid][1].decode()).vevent
    assert (by_vobject.dtstart.value.astimezone(UTC), by_vobject.dtend.value.astimezone(UTC)) == (DEPARTS, ARRIVES)
    assert (str(flight["DTSTART"].params["TZID"]), str(flight["DTEND"].params["TZID"])) == (
        "Europe/Brussels",
        "America/Chicago",
    )
    assert vobject.readOne(parts[stay_uid][1].decode()).vevent.dtstart.value == dt.date(2019, 10, 26)


def test_a_change_to_own_travel_reaches_that_delegate_alone_with_a_higher_sequence(client, world):
    visit, people = world
    user, camille, travel, _stay = people["camille"]
    jordan_rows = Notification.objects.filter(to_email="jordan@example.org").count()
    hour = dt.timedelta(hours=1)
    travel.departs_at, travel.arrives_at = DEPARTS + hour, ARRIVES + hour

    personal_travel_save(travel, by=user)
    visit_itinerary_digest_queue(visit.pk, now=timezone.now() + hour)

    row = _row("itinerary_digest", "camille@example.org")
    uid = f"travel-{travel.pk}@cityexchange"
    calendar, content = _parts(row)[uid]
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event["SEQUENCE"] == _feed(client, user, camille)[uid]["SEQUENCE"] == 1
    assert vobject.readOne(content.decode()).vevent.dtstart.value.astimezone(UTC) == DEPARTS + hour
    assert "SN 501 Brussels → Nashville" in row.body_text
    assert Notification.objects.filter(to_email="jordan@example.org").count() == jordan_rows


def test_a_note_on_own_travel_is_requested_again_at_the_same_sequence(world):
    visit, people = world
    user, _camille, travel, _stay = people["camille"]
    travel.notes = "Aisle seat"

    personal_travel_save(travel, by=user)
    visit_itinerary_digest_queue(visit.pk, now=timezone.now() + dt.timedelta(hours=1))

    [event] = _parts(_row("itinerary_digest", "camille@example.org"))[f"travel-{travel.pk}@cityexchange"][0].walk(
        "VEVENT"
    )
    assert event["SEQUENCE"] == 0
    assert "Aisle seat" in str(event["DESCRIPTION"])


def test_a_removed_hotel_is_cancelled_for_that_delegate_alone(world):
    visit, people = world
    user, _camille, _travel, stay = people["camille"]
    jordan_rows = Notification.objects.filter(to_email="jordan@example.org").count()
    uid = f"stay-{stay.pk}@cityexchange"

    accommodation_delete(stay, by=user)
    visit_itinerary_digest_queue(visit.pk, now=timezone.now() + dt.timedelta(hours=1))

    row = _row("itinerary_digest", "camille@example.org")
    calendar, content = _parts(row)[uid]
    [event] = calendar.walk("VEVENT")
    assert (str(calendar["METHOD"]), str(event["STATUS"]), event["SEQUENCE"]) == ("CANCEL", "CANCELLED", 1)
    assert vobject.readOne(content.decode()).vevent.dtstart.value == dt.date(2019, 10, 26)
    assert "Cancelled: Hotel: Hotel Camille" in row.body_text
    assert Notification.objects.filter(to_email="jordan@example.org").count() == jordan_rows


def test_own_entries_added_before_publication_are_not_news(world):
    visit, _people = world

    assert visit_itinerary_digest_queue(visit.pk, now=timezone.now() + dt.timedelta(hours=1)) == 0


def test_own_travel_deleted_on_the_delegates_page_is_cancelled_in_their_next_digest(client, world):
    visit, people = world
    user, _camille, travel, _stay = people["camille"]
    client.force_login(user)

    response = client.post(reverse("my:travel_edit", args=[visit.pk, travel.pk]), {"delete": "1"})
    visit_itinerary_digest_queue(visit.pk, now=timezone.now() + dt.timedelta(hours=1))

    assert response.status_code == 302
    assert not PersonalTravel.objects.filter(pk=travel.pk).exists()
    calendar, _content = _parts(_row("itinerary_digest", "camille@example.org"))[f"travel-{travel.pk}@cityexchange"]
    [event] = calendar.walk("VEVENT")
    assert (str(calendar["METHOD"]), event["SEQUENCE"]) == ("CANCEL", 1)
    assert event.decoded("DTSTART").astimezone(UTC) == DEPARTS
    assert str(event["DTEND"].params["TZID"]) == "America/Chicago"
