"""A delegate's calendar: the itinerary with their own travel legs and hotel stays.

Own travel and hotels are also invited by email, in their delegate's messages only:
``own_entries`` is the provider ``visits.own_entries`` asks for them (registered in ``apps.py``).
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from visits.calendar import UID_DOMAIN, calendar_for_items, calendar_time, event_stamp
from visits.models import ItineraryChange, ItineraryItem, TravelLeg
from visits.own_entries import OwnEntry

from .models import Accommodation, PersonalTravel


def _travel_event(leg: PersonalTravel, stamp: dt.datetime | None = None) -> Event:
    summary = f"{leg.get_mode_display()} {leg.carrier}".strip() + f": {leg.departure_place} → {leg.arrival_place}"
    lines = [leg.get_direction_display()]
    if leg.booking_reference:
        lines.append(_("Booking reference: %(reference)s") % {"reference": leg.booking_reference})
    if leg.notes:
        lines.append(leg.notes)
    event = Event.new(
        uid=f"travel-{leg.pk}@{UID_DOMAIN}",
        summary=summary,
        start=calendar_time(leg.departs_at, zoneinfo.ZoneInfo(leg.departure_timezone)),
        end=calendar_time(leg.arrives_at, zoneinfo.ZoneInfo(leg.arrival_timezone)),
        location=leg.departure_place,
        description="\n".join(lines),
    )
    return event_stamp(event, sequence=leg.sequence, updated_at=leg.updated_at, stamp=stamp)


def _accommodation_event(stay: Accommodation, stamp: dt.datetime | None = None) -> Event:
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
        transparency="TRANSPARENT",
    )
    return event_stamp(event, sequence=stay.sequence, updated_at=stay.updated_at, stamp=stamp)


def calendar_for_delegate(
    items: Iterable[ItineraryItem],
    *,
    name: str,
    legs: Iterable[TravelLeg] = (),
    travel: Iterable[PersonalTravel] = (),
    accommodations: Iterable[Accommodation] = (),
) -> Calendar:
    """The itinerary's items and the group legs the person travels on (``legs``, already chosen
    for them), plus their own travel and hotels (see ``calendar_for_items``)."""
    events = [_travel_event(leg) for leg in travel]
    events += [_accommodation_event(stay) for stay in accommodations]
    return calendar_for_items(items, name=name, legs=legs, extra_events=events)


def own_entries(visit, *, keys: set[tuple[str, int]] | None = None) -> list[OwnEntry]:
    """The visit's own travel and hotels of every member, as the visit's messages invite them
    (``visits.own_entries``); with ``keys`` (``(subject, pk)``), only those."""
    Subject = ItineraryChange.Subject
    travel = PersonalTravel.objects.filter(visit=visit)
    stays = Accommodation.objects.filter(visit=visit).select_related("city")
    if keys is not None:
        travel = travel.filter(pk__in=[pk for subject, pk in keys if subject == Subject.TRAVEL])
        stays = stays.filter(pk__in=[pk for subject, pk in keys if subject == Subject.STAY])
    entries = [
        OwnEntry(Subject.TRAVEL, leg.pk, leg.participant_id, lambda leg=leg: _travel_event(leg)) for leg in travel
    ]
    entries += [
        OwnEntry(Subject.STAY, stay.pk, stay.participant_id, lambda stay=stay: _accommodation_event(stay))
        for stay in stays
    ]
    return entries
