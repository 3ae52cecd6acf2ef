"""iCalendar files for itineraries: the personal feed, the one-off download and email attachments.

Events carry real time zones (each venue's IANA zone as TZID, with its VTIMEZONE) and a
stable UID per item, so a moved meeting moves in the delegate's calendar instead of
appearing twice.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import ItineraryItem, TravelLeg

PRODID = "-//CityExchange//Itinerary//EN"


UID_DOMAIN = "cityexchange"


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


def _item_event(item: ItineraryItem, stamp: dt.datetime) -> Event:
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
        status=_STATUS.get(item.status, "CONFIRMED"),
        stamp=stamp,
        last_modified=item.updated_at,
        url=settings.SITE_URL + reverse("my:itinerary", args=[item.visit_id]),
    )
    return event


def leg_uid(leg: TravelLeg) -> str:
    return f"leg-{leg.pk}@{UID_DOMAIN}"


def _leg_event(leg: TravelLeg, stamp: dt.datetime) -> Event:
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
    return Event.new(
        uid=leg_uid(leg),
        summary=summary,
        start=calendar_time(leg.departs_at, leg.from_city.zone),
        end=calendar_time(leg.arrives_at, leg.to_city.zone),
        location=", ".join(part for part in (leg.from_place, leg.from_city.name) if part),
        description="\n".join(lines),
        status=_STATUS.get(leg.status, "CONFIRMED"),
        stamp=stamp,
        last_modified=leg.updated_at,
        url=settings.SITE_URL + reverse("my:itinerary", args=[leg.visit_id]),
    )


def calendar_for_items(
    items: Iterable[ItineraryItem],
    *,
    name: str,
    legs: Iterable[TravelLeg] = (),
    extra_events: Iterable[Event] = (),
    stamp: dt.datetime | None = None,
) -> Calendar:
    """A calendar of itinerary items and travel legs (plus events such as one person's own travel),
    with their time zones.

    Items need ``city`` selected and ``host_organisations`` and ``themes`` prefetched; legs
    ``from_city`` and ``to_city`` selected.
    """
    stamp = stamp or timezone.now()
    calendar = Calendar.new(name=name, prodid=PRODID)
    for item in items:
        calendar.add_component(_item_event(item, stamp))
    for leg in legs:
        calendar.add_component(_leg_event(leg, stamp))
    for event in extra_events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar
