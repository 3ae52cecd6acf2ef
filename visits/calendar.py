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

from .models import ItineraryItem

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


def calendar_for_items(
    items: Iterable[ItineraryItem],
    *,
    name: str,
    extra_events: Iterable[Event] = (),
    stamp: dt.datetime | None = None,
) -> Calendar:
    """A calendar of itinerary items (plus events such as one person's own travel), with their time zones.

    Items need ``city`` selected and ``host_organisations`` and ``themes`` prefetched.
    """
    stamp = stamp or timezone.now()
    calendar = Calendar.new(name=name, prodid=PRODID)
    for item in items:
        calendar.add_component(_item_event(item, stamp))
    for event in extra_events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar
