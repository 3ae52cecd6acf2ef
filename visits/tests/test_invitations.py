"""Emailed invitations as iTIP (RFC 5546), read back by real parsers: the feed's UIDs, a higher
SEQUENCE on an update, METHOD:CANCEL on a cancellation or removal, one delegate per invitation."""

import datetime as dt
import email

import icalendar
import pytest
import vobject
from django.contrib.auth import get_user_model
from django.utils import timezone

from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from notifications.delivery import _message
from notifications.models import Notification
from partners.tests.factories import CityFactory
from visits.services import (
    itinerary_item_cancel,
    itinerary_item_delete,
    itinerary_item_update,
    travel_leg_create,
    travel_leg_delete,
    travel_leg_update,
    visit_itinerary_digest_queue,
    visit_publish,
)
from visits.tests.factories import ItineraryItemFactory, StudyVisitFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.fixture
def world(settings):
    settings.DEFAULT_FROM_EMAIL = "CityExchange <noreply@cityexchange.example>"
    nashville = CityFactory(name="Nashville", timezone="America/Chicago")
    visit = StudyVisitFactory(title="Belgians in Tennessee")
    officer = get_user_model().objects.create_user(
        username="officer", email="officer@example.org", first_name="Olivia", last_name="Officer"
    )
    visit.programme.officers.add(officer)
    items = [
        ItineraryItemFactory(
            visit=visit,
            city=nashville,
            title=title,
            starts_at=dt.datetime(2019, 11, day, 15, tzinfo=UTC),
            status="confirmed",
        )
        for day, title in ((4, "Police department"), (5, "Family Justice Center"), (6, "Metro Council"))
    ]
    delegates = [
        DelegationMemberFactory(
            delegation=visit.delegation, participant=ParticipantFactory(first_name=name, email=f"{name}@example.org")
        ).participant
        for name in ("camille", "jordan")
    ]
    visit_publish(visit, by=None)
    return visit, items, delegates


def _parts(row: Notification) -> dict[str, icalendar.Calendar]:
    """The row's invitations by UID, each read from its own part of the sent message."""
    message = email.message_from_bytes(_message(row).message().as_bytes())
    calendars = {}
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
            assert part.get_param("method") == str(calendar["METHOD"])
            [event] = calendar.walk("VEVENT")
            calendars[str(event["UID"])] = calendar
    return calendars


def _row(kind: str, to: str) -> Notification:
    return Notification.objects.filter(kind=kind, to_email=to).latest("pk")


def test_published_itinerary_invites_each_delegate_to_each_item_under_the_feed_uid(world):
    _visit, items, delegates = world

    calendars = _parts(_row("itinerary_published", "camille@example.org"))

    assert sorted(calendars) == sorted(f"item-{item.pk}@cityexchange" for item in items)
    calendar = calendars[f"item-{items[0].pk}@cityexchange"]
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["ORGANIZER"]) == "mailto:noreply@cityexchange.example"
    assert str(event["ATTENDEE"]) == "mailto:camille@example.org"
    assert event["ATTENDEE"].params["CN"] == delegates[0].full_name
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART").astimezone(UTC) == dt.datetime(2019, 11, 4, 15, tzinfo=UTC)


def test_published_invitation_read_by_vobject_gives_the_stored_instant(world):
    _visit, items, _delegates = world
    row = _row("itinerary_published", "jordan@example.org")
    part = next(part for part in row.attachments if part["filename"] == f"invitation-item-{items[1].pk}.ics")

    calendar = vobject.readOne(part["content"])

    assert calendar.method.value == "REQUEST"
    assert calendar.vevent.attendee.value == "mailto:jordan@example.org"
    assert calendar.vevent.dtstart.value.astimezone(UTC) == dt.datetime(2019, 11, 5, 15, tzinfo=UTC)


def test_digest_requests_the_moved_item_with_a_higher_sequence(world):
    visit, items, _delegates = world
    hour = dt.timedelta(hours=1)
    itinerary_item_update(items[0], by=None, starts_at=items[0].starts_at + hour, ends_at=items[0].ends_at + hour)
    itinerary_item_update(items[1], by=None, notes_for_delegates="Bring your passport")

    visit_itinerary_digest_queue(visit.pk, now=timezone.now() + dt.timedelta(hours=1))

    calendars = _parts(_row("itinerary_digest", "jordan@example.org"))
    assert sorted(calendars) == sorted(f"item-{item.pk}@cityexchange" for item in items[:2])
    [moved] = calendars[f"item-{items[0].pk}@cityexchange"].walk("VEVENT")
    [noted] = calendars[f"item-{items[1].pk}@cityexchange"].walk("VEVENT")
    assert str(calendars[f"item-{items[0].pk}@cityexchange"]["METHOD"]) == "REQUEST"
    assert (moved["SEQUENCE"], noted["SEQUENCE"]) == (1, 0)
    assert moved.decoded("DTSTART").astimezone(UTC) == dt.datetime(2019, 11, 4, 16, tzinfo=UTC)
    assert str(moved["ATTENDEE"]) == "mailto:jordan@example.org"


def test_digest_cancels_a_cancelled_and_a_removed_item(world):
    visit, items, _delegates = world
    itinerary_item_cancel(items[1], by=None)
    removed_uid = f"item-{items[2].pk}@cityexchange"
    itinerary_item_delete(items[2], by=None)

    visit_itinerary_digest_queue(visit.pk, now=timezone.now() + dt.timedelta(hours=1))

    calendars = _parts(_row("itinerary_digest", "camille@example.org"))
    assert sorted(calendars) == sorted([f"item-{items[1].pk}@cityexchange", removed_uid])
    for uid, calendar in calendars.items():
        [event] = calendar.walk("VEVENT")
        assert (uid, str(calendar["METHOD"]), str(event["STATUS"]), event["SEQUENCE"]) == (
            uid,
            "CANCEL",
            "CANCELLED",
            1,
        )
        assert str(event["ORGANIZER"]) == "mailto:noreply@cityexchange.example"
    [removed] = calendars[removed_uid].walk("VEVENT")
    assert removed.decoded("DTSTART").astimezone(UTC) == dt.datetime(2019, 11, 6, 15, tzinfo=UTC)


def test_every_visit_message_says_it_is_automatic_and_replies_go_to_the_officers(world):
    row = _row("itinerary_published", "camille@example.org")

    message = _message(row).message()

    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Reply-To"] == "Olivia Officer <officer@example.org>"


def test_a_sub_group_leg_is_told_to_its_members_only_moved_dropped_and_removed(world):
    visit, _items, delegates = world
    visit.refresh_from_db()  # published by the fixture
    camille, jordan = (visit.delegation.members.get(participant=person) for person in delegates)
    leg = travel_leg_create(
        visit,
        by=None,
        members=[camille, jordan],
        kind="coach",
        status="confirmed",
        from_city=CityFactory(name="Nashville", region="TN", timezone="America/Chicago"),
        to_city=CityFactory(name="Chattanooga", timezone="America/New_York"),
        departs_at=dt.datetime(2019, 11, 5, 17, tzinfo=UTC),  # 11:00 CST
        arrives_at=dt.datetime(2019, 11, 5, 19, 15, tzinfo=UTC),  # 14:15 EST
    )
    uid = f"leg-{leg.pk}@cityexchange"
    visit_itinerary_digest_queue(visit.pk, now=timezone.now() + dt.timedelta(hours=1))
    assert uid in _parts(_row("itinerary_digest", "jordan@example.org"))

    # Jordan is taken off the leg, which moves an hour: Camille gets the update, Jordan its cancellation.
    hour = dt.timedelta(hours=1)
    travel_leg_update(
        leg, by=None, members=[camille], departs_at=leg.departs_at + hour, arrives_at=leg.arrives_at + hour
    )
    visit_itinerary_digest_queue(visit.pk, now=timezone.now() + dt.timedelta(hours=2))

    moved = _parts(_row("itinerary_digest", "camille@example.org"))[uid]
    [event] = moved.walk("VEVENT")
    assert (str(moved["METHOD"]), event["SEQUENCE"]) == ("REQUEST", 1)
    assert event.decoded("DTSTART").astimezone(UTC) == dt.datetime(2019, 11, 5, 18, tzinfo=UTC)
    assert str(event["DTEND"].params["TZID"]) == "America/New_York"
    assert str(_parts(_row("itinerary_digest", "jordan@example.org"))[uid]["METHOD"]) == "CANCEL"

    # Removed: only Camille, who was on it, hears of it; Jordan's inbox gets nothing new.
    jordan_rows = Notification.objects.filter(kind="itinerary_digest", to_email="jordan@example.org").count()
    travel_leg_delete(leg, by=None)
    visit_itinerary_digest_queue(visit.pk, now=timezone.now() + dt.timedelta(hours=3))

    assert str(_parts(_row("itinerary_digest", "camille@example.org"))[uid]["METHOD"]) == "CANCEL"
    assert Notification.objects.filter(kind="itinerary_digest", to_email="jordan@example.org").count() == jordan_rows
