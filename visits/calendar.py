"""iCalendar files for itineraries: the personal feed, the one-off download and email invitations.

Events carry real time zones (each venue's IANA zone as TZID, with a rule-based VTIMEZONE
from ``vtimezone``) and a stable UID per item, so a moved meeting moves in the delegate's
calendar instead of appearing twice. Every event is stamped the same way (``event_stamp``:
SEQUENCE, STATUS, LAST-MODIFIED, DTSTAMP from its row), whatever it comes from.

A cancelled item stays in feeds and downloads as ``STATUS:CANCELLED`` under its UID until
it would have ended, so a client that saw it removes it instead of keeping a stale copy.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vDuration

from .models import ItineraryItem, TravelLeg
from .vtimezone import calendar_add_timezones

PRODID = "-//CityExchange//Itinerary//EN"


UID_DOMAIN = "cityexchange"
# How often subscribed clients should fetch the feed again (RFC 7986, and Outlook's own name for it).
REFRESH_INTERVAL = dt.timedelta(hours=1)


_STATUS = {
    ItineraryItem.Status.REQUESTED: "TENTATIVE",
    ItineraryItem.Status.CONFIRMED: "CONFIRMED",
    ItineraryItem.Status.CANCELLED: "CANCELLED",
}


def item_uid(item: ItineraryItem) -> str:
    return f"item-{item.pk}@{UID_DOMAIN}"


def calendar_time(instant: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """``instant`` as an event should carry it: its wall time in ``zone`` (TZID), or UTC in the repeated hour.

    A TZID time in the hour the clocks go back through is read as its first occurrence
    (RFC 5545), so the second 01:30 would come out an hour early in every client; UTC says
    either one exactly. The mix also keeps an event across the change ordered by instant,
    not by wall time (01:30 CDT to 01:00 CST is 30 minutes, not minus 30).
    """
    local = instant.astimezone(zone)
    if local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset():
        return instant.astimezone(dt.UTC)
    return local


def event_stamp(
    event: Event, *, sequence: int, updated_at: dt.datetime, status: str = "CONFIRMED", stamp: dt.datetime | None = None
) -> Event:
    """Stamp ``event`` as revision ``sequence`` of its entry, last changed at ``updated_at``.

    ``status`` is the iCalendar STATUS (``CONFIRMED``, ``TENTATIVE``, ``CANCELLED``).
    DTSTAMP is the revision's time in a plain calendar (feed, download) and the message's
    time ``stamp`` in an iTIP one (RFC 5545 3.8.7.2), so an unchanged feed reads the same.
    """
    event.sequence = sequence
    event.status = status
    event.last_modified = updated_at.astimezone(dt.UTC)
    event.DTSTAMP = (stamp or updated_at).astimezone(dt.UTC)
    return event


def item_status(item: ItineraryItem) -> str:
    return _STATUS.get(item.status, "CONFIRMED")


def _item_event(item: ItineraryItem, stamp: dt.datetime | None = None) -> Event:
    zone = item.city.zone
    hosts = ", ".join(str(org) for org in item.host_organisations.all())
    themes = ", ".join(theme.localized_name for theme in item.themes.all())
    lines = [item.get_kind_display()]
    if hosts:
        lines.append(_("Hosts: %(hosts)s") % {"hosts": hosts})
    if themes:
        lines.append(_("Themes: %(themes)s") % {"themes": themes})
    if item.notes_for_delegates:
        lines.append(item.notes_for_delegates)
    location = ", ".join(part for part in (item.venue, item.address, item.city.name) if part)
    event = Event.new(
        uid=item_uid(item),
        summary=item.title,
        start=calendar_time(item.starts_at, zone),
        end=calendar_time(item.ends_at, zone),
        location=location,
        description="\n".join(lines),
        url=settings.SITE_URL + reverse("my:itinerary", args=[item.visit_id]),
    )
    return event_stamp(event, sequence=item.sequence, updated_at=item.updated_at, status=item_status(item), stamp=stamp)


def in_calendar(entry: ItineraryItem | TravelLeg, *, now: dt.datetime) -> bool:
    """Whether a feed or download still lists an item or leg: a cancelled one only until it would have ended."""
    return entry.status != ItineraryItem.Status.CANCELLED or entry.ends_at > now


def leg_uid(leg: TravelLeg) -> str:
    return f"leg-{leg.pk}@{UID_DOMAIN}"


def _leg_event(leg: TravelLeg, stamp: dt.datetime | None = None) -> Event:
    """A leg starts in its departure city's zone and ends in its arrival city's (two TZIDs)."""
    summary = leg.title
    if leg.carrier or leg.reference:
        summary += f" ({' '.join(part for part in (leg.carrier, leg.reference) if part)})"
    lines = [
        " → ".join(
            ", ".join(part for part in (place, city.name) if part)
            for place, city in ((leg.from_place, leg.from_city), (leg.to_place, leg.to_city))
        )
    ]
    if leg.notes_for_delegates:
        lines.append(leg.notes_for_delegates)
    event = Event.new(
        uid=leg_uid(leg),
        summary=summary,
        start=calendar_time(leg.departs_at, leg.from_city.zone),
        end=calendar_time(leg.arrives_at, leg.to_city.zone),
        location=", ".join(part for part in (leg.from_place, leg.from_city.name) if part),
        description="\n".join(lines),
        url=settings.SITE_URL + reverse("my:itinerary", args=[leg.visit_id]),
    )
    status = _STATUS.get(leg.status, "CONFIRMED")
    return event_stamp(event, sequence=leg.sequence, updated_at=leg.updated_at, status=status, stamp=stamp)


def calendar_for_items(
    items: Iterable[ItineraryItem],
    *,
    name: str,
    legs: Iterable[TravelLeg] = (),
    extra_events: Iterable[Event] = (),
    now: dt.datetime | None = None,
) -> Calendar:
    """A calendar of itinerary items and travel legs (plus events such as one person's own travel),
    with their time zones.

    Items need ``city`` selected and ``host_organisations`` and ``themes`` prefetched; legs
    ``from_city`` and ``to_city`` selected. A cancelled entry is listed (``STATUS:CANCELLED``)
    until it would have ended. The calendar asks subscribed clients to fetch it again every
    ``REFRESH_INTERVAL``.
    """
    now = now or timezone.now()
    calendar = Calendar.new(name=name, prodid=PRODID, refresh_interval=REFRESH_INTERVAL)
    # RFC 7986 requires the VALUE parameter; Outlook reads X-PUBLISHED-TTL instead.
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH_INTERVAL))
    for item in items:
        if in_calendar(item, now=now):
            calendar.add_component(_item_event(item))
    for leg in legs:
        if in_calendar(leg, now=now):
            calendar.add_component(_leg_event(leg))
    for event in extra_events:
        calendar.add_component(event)
    return calendar_add_timezones(calendar)


# iTIP (RFC 5546): invitations by email that calendar clients apply in place.


def mail_address(address: str, *, name: str = "", role: str | None = None) -> vCalAddress:
    """A ``mailto:`` calendar address with its common name (and, for an attendee, a role)."""
    value = vCalAddress(f"mailto:{address}")
    if name:
        value.params["CN"] = name
    if role:
        value.params["ROLE"] = role
    return value


def organizer_address() -> vCalAddress:
    """The organiser of every invitation: the portal's own sender, never one officer.

    Clients apply an update or a cancellation only from the organiser of the copy they
    hold, so the organiser must stay the same for the life of an entry, whoever edits it
    or however the programme's officers change; replies go to the officers (Reply-To).
    """
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return mail_address(address, name=name)


def removed_item_event(change) -> Event:
    """The cancellation of an entry that was deleted, from its last ``ItineraryChange`` (UID, old times,
    SEQUENCE); a leg's or own travel's old end is in its arrival zone, a hotel stay's days are dates."""
    zone = zoneinfo.ZoneInfo(change.old_timezone or change.timezone)
    # The change's subject is the entry's UID prefix: item, leg, travel or stay.
    event = Event.new(uid=f"{change.subject}-{change.item_pk}@{UID_DOMAIN}", summary=change.old_title or change.title)
    end_timezone = change.old_end_timezone or change.end_timezone
    end_zone = zoneinfo.ZoneInfo(end_timezone) if end_timezone else zone
    if change.old_starts_at and change.old_ends_at:
        if change.subject == change.Subject.STAY:
            event.start, event.end = (
                change.old_starts_at.astimezone(zone).date(),
                change.old_ends_at.astimezone(zone).date(),
            )
        else:
            event.start = calendar_time(change.old_starts_at, zone)
            event.end = calendar_time(change.old_ends_at, end_zone)
    return event_stamp(event, sequence=change.sequence, updated_at=change.changed_at, status="CANCELLED")


def invitation_calendar(event: Event, *, method: str, attendee: vCalAddress, stamp: dt.datetime) -> Calendar:
    """One entry as an iTIP message: ``method`` ``REQUEST`` (new or changed) or ``CANCEL``, to one attendee.

    ``event`` is the entry as the feed has it (same UID and SEQUENCE); it gains the
    organiser and the attendee, and DTSTAMP becomes the message's time ``stamp``.
    A cancellation is marked ``STATUS:CANCELLED`` whatever the row says.
    """
    event.organizer = organizer_address()
    # RSVP=FALSE: the itinerary is not a question; the portal, not a reply, is where delegates talk to officers.
    attendee.params.setdefault("PARTSTAT", "NEEDS-ACTION")
    attendee.params["RSVP"] = "FALSE"
    event.add("ATTENDEE", attendee)
    event.DTSTAMP = stamp.astimezone(dt.UTC)
    if method == "CANCEL":
        event.status = "CANCELLED"
    calendar = Calendar.new(prodid=PRODID, method=method, subcomponents=[event])
    return calendar_add_timezones(calendar)


def item_invitation_event(item: ItineraryItem) -> Event:
    """``item`` as its invitation carries it: the feed's event."""
    return _item_event(item)


def leg_invitation_event(leg: TravelLeg) -> Event:
    """``leg`` as its invitation carries it: the feed's event, from one zone to the other."""
    return _leg_event(leg)
