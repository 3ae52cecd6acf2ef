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

from .models import Accommodation, ItineraryItem, PersonalTravel

PRODID = "-//CityExchange//Itinerary//EN"
UID_DOMAIN = "cityexchange"

_STATUS = {
    ItineraryItem.Status.REQUESTED: "TENTATIVE",
    ItineraryItem.Status.CONFIRMED: "CONFIRMED",
    ItineraryItem.Status.CANCELLED: "CANCELLED",
}


def item_uid(item: ItineraryItem) -> str:
    return f"item-{item.pk}@{UID_DOMAIN}"


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
        start=item.starts_at.astimezone(zone),
        end=item.ends_at.astimezone(zone),
        location=location,
        description="\n".join(lines),
        status=_STATUS.get(item.status, "CONFIRMED"),
        stamp=stamp,
        last_modified=item.updated_at,
        url=settings.SITE_URL + reverse("my:itinerary", args=[item.visit_id]),
    )
    return event


def _travel_event(leg: PersonalTravel, stamp: dt.datetime) -> Event:
    summary = f"{leg.get_mode_display()} {leg.carrier}".strip() + f": {leg.departure_place} → {leg.arrival_place}"
    lines = [leg.get_direction_display()]
    if leg.booking_reference:
        lines.append(_("Booking reference: %(reference)s") % {"reference": leg.booking_reference})
    if leg.notes:
        lines.append(leg.notes)
    return Event.new(
        uid=f"travel-{leg.pk}@{UID_DOMAIN}",
        summary=summary,
        start=leg.departs_at.astimezone(zoneinfo.ZoneInfo(leg.departure_timezone)),
        end=leg.arrives_at.astimezone(zoneinfo.ZoneInfo(leg.arrival_timezone)),
        location=leg.departure_place,
        description="\n".join(lines),
        stamp=stamp,
        last_modified=leg.updated_at,
    )


def _accommodation_event(stay: Accommodation, stamp: dt.datetime) -> Event:
    lines = [part for part in (stay.address, stay.phone) if part]
    if stay.booking_reference:
        lines.append(_("Booking reference: %(reference)s") % {"reference": stay.booking_reference})
    if stay.notes:
        lines.append(stay.notes)
    event = Event.new(
        uid=f"stay-{stay.pk}@{UID_DOMAIN}",
        summary=_("Hotel: %(name)s") % {"name": stay.name},
        start=stay.check_in,
        end=stay.check_out,
        location=", ".join(part for part in (stay.name, stay.address, stay.city.name) if part),
        description="\n".join(lines),
        stamp=stamp,
        last_modified=stay.updated_at,
        transparency="TRANSPARENT",
    )
    return event


def calendar_for_items(
    items: Iterable[ItineraryItem],
    *,
    name: str,
    travel: Iterable[PersonalTravel] = (),
    accommodations: Iterable[Accommodation] = (),
) -> Calendar:
    """A calendar of itinerary items (plus one person's own travel and hotels), with their time zones.

    Items need ``city`` selected and ``host_organisations`` and ``themes`` prefetched.
    """
    stamp = timezone.now()
    calendar = Calendar.new(name=name, prodid=PRODID)
    for item in items:
        calendar.add_component(_item_event(item, stamp))
    for leg in travel:
        calendar.add_component(_travel_event(leg, stamp))
    for stay in accommodations:
        calendar.add_component(_accommodation_event(stay, stamp))
    calendar.add_missing_timezones()
    return calendar
