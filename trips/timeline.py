"""One timeline for a delegate: programme items, group legs, their own travel and hotel, by local day.

Each entry keeps its own zone: an item its city's, a leg its departure city's at the start
and its arrival city's at the end. Entries are grouped by the local day they start on and
ordered by instant within it; a hotel check-out opens its day and a check-in closes it
(stays carry dates, not times). Where the clocks change between one entry's end and the
next one's start (or during a leg), a line says so in words, from the zones' UTC offsets
at those instants.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from visits.models import ItineraryItem, TravelLeg

from .models import Accommodation, PersonalTravel

# What people call the zones a visit crosses; any other is named by its abbreviation.
ZONE_NAMES = {
    "CST": gettext_lazy("Central"),
    "CDT": gettext_lazy("Central"),
    "EST": gettext_lazy("Eastern"),
    "EDT": gettext_lazy("Eastern"),
    "MST": gettext_lazy("Mountain"),
    "MDT": gettext_lazy("Mountain"),
    "PST": gettext_lazy("Pacific"),
    "PDT": gettext_lazy("Pacific"),
    "CET": gettext_lazy("Central European"),
    "CEST": gettext_lazy("Central European"),
    "WET": gettext_lazy("Western European"),
    "WEST": gettext_lazy("Western European"),
    "EET": gettext_lazy("Eastern European"),
    "EEST": gettext_lazy("Eastern European"),
    "BST": gettext_lazy("British"),
}


@dataclass
class Journey:
    """A group leg or the member's own travel, shown the same way."""

    timeline_kind: str  # "leg" or "own_travel"
    record: TravelLeg | PersonalTravel
    mode: str
    carrier: str
    reference: str
    from_name: str
    from_place: str
    from_zone: str
    to_name: str
    to_place: str
    to_zone: str
    departs_at: dt.datetime
    arrives_at: dt.datetime
    status: str = ""
    notes: str = ""
    for_some: bool = False
    changed: bool = False
    change: "ChangeMark | None" = None

    @property
    def anchor(self) -> str:
        return f"{'leg' if self.timeline_kind == 'leg' else 'travel'}-{self.record.pk}"

    @property
    def arrives_another_day(self) -> bool:
        departure = self.departs_at.astimezone(zoneinfo.ZoneInfo(self.from_zone)).date()
        return self.arrives_at.astimezone(zoneinfo.ZoneInfo(self.to_zone)).date() != departure


@dataclass
class ChangeMark:
    """What a changed entry was before the changes the delegate is being shown (blank: the same now)."""

    added: bool = False
    old_starts_at: dt.datetime | None = None
    old_ends_at: dt.datetime | None = None
    old_zone: str = ""
    old_end_zone: str = ""
    old_title: str = ""
    old_city: str = ""
    old_venue: str = ""
    old_address: str = ""
    old_other_day: bool = False  # the old time was on another local day: it reads with its date

    @property
    def moved(self) -> bool:
        return self.old_starts_at is not None

    @property
    def start_format(self) -> str:
        return "D j M H:i T" if self.old_other_day else "H:i T"


def change_mark(changes, *, title: str, starts_at, ends_at, zone: str, city: str, venue: str, address: str = ""):
    """The mark of one entry from its recorded changes (``visits.ItineraryChange``, oldest first).

    The oldest change holds what the delegate knew before: its old values, where they differ
    from the entry's now, are shown struck through. An entry first added among them is new.
    """
    first = changes[0]
    if first.action == first.Action.ADDED:
        return ChangeMark(added=True)
    moved = (first.old_starts_at, first.old_ends_at) != (starts_at, ends_at) and first.old_starts_at is not None
    old_zone = first.old_timezone or zone
    other_day = moved and (
        first.old_starts_at.astimezone(zoneinfo.ZoneInfo(old_zone)).date()
        != starts_at.astimezone(zoneinfo.ZoneInfo(zone)).date()
    )
    return ChangeMark(
        old_other_day=other_day,
        old_starts_at=first.old_starts_at if moved else None,
        old_ends_at=first.old_ends_at if moved else None,
        old_zone=old_zone,
        old_end_zone=first.old_end_timezone or old_zone,
        old_title=first.old_title if first.old_title and first.old_title != title else "",
        old_city=first.old_city_name if first.old_city_name and first.old_city_name != city else "",
        old_venue=first.old_venue if first.old_venue != venue else "",
        old_address=first.old_address if first.old_address and first.old_address != address else "",
    )


@dataclass(frozen=True)
class AgendaEntry:
    """A timed entry, small enough to keep with the cached page: what the Now / Next card shows."""

    anchor: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    zone: str
    end_zone: str
    place: str
    address: str
    city: str


def agenda(days) -> list[AgendaEntry]:
    """The timeline's items and journeys that happen (not cancelled), in order of start."""
    entries = []
    for _day, day_entries in days:
        for entry in day_entries:
            if getattr(entry, "status", "") == "cancelled" or entry.timeline_kind not in ("item", "leg", "own_travel"):
                continue
            if entry.timeline_kind == "item":
                place = " · ".join(part for part in (entry.city.name, entry.venue) if part)
                entries.append(
                    AgendaEntry(
                        anchor=f"item-{entry.pk}",
                        title=entry.title,
                        starts_at=entry.starts_at,
                        ends_at=entry.ends_at,
                        zone=entry.city.timezone,
                        end_zone=entry.city.timezone,
                        place=place,
                        address=entry.address,
                        city=entry.city.name,
                    )
                )
            else:
                entries.append(
                    AgendaEntry(
                        anchor=entry.anchor,
                        title=f"{entry.mode} · {entry.from_name} → {entry.to_name}",
                        starts_at=entry.departs_at,
                        ends_at=entry.arrives_at,
                        zone=entry.from_zone,
                        end_zone=entry.to_zone,
                        place=" · ".join(part for part in (entry.from_name, entry.from_place) if part),
                        address=entry.from_place,
                        city=entry.from_name,
                    )
                )
    return sorted(entries, key=lambda entry: entry.starts_at)


def now_and_next(entries: list[AgendaEntry], now: dt.datetime) -> tuple[AgendaEntry | None, AgendaEntry | None]:
    """The entry under way at ``now`` (the latest started, if several) and the first one after it."""
    current = None
    for entry in entries:
        if entry.starts_at <= now < entry.ends_at:
            current = entry
    upcoming = next((entry for entry in entries if entry.starts_at > now), None)
    return current, upcoming


@dataclass
class StayMark:
    """A hotel's check-in or check-out on its date."""

    timeline_kind: str  # "check_in" or "check_out"
    stay: Accommodation


@dataclass
class ClockChange:
    """A line between entries: the clocks move."""

    text: str
    timeline_kind: str = "clocks"


def journey_for_leg(leg: TravelLeg, *, last_seen: dt.datetime | None = None) -> Journey:
    return Journey(
        timeline_kind="leg",
        record=leg,
        mode=leg.get_kind_display(),
        carrier=leg.carrier,
        reference=leg.reference,
        from_name=leg.from_city.name,
        from_place=leg.from_place,
        from_zone=leg.from_city.timezone,
        to_name=leg.to_city.name,
        to_place=leg.to_place,
        to_zone=leg.to_city.timezone,
        departs_at=leg.departs_at,
        arrives_at=leg.arrives_at,
        status=leg.status,
        notes=leg.notes_for_delegates,
        for_some=not leg.whole_delegation,
        changed=last_seen is not None and leg.updated_at > last_seen,
    )


def journey_for_own_travel(travel: PersonalTravel) -> Journey:
    return Journey(
        timeline_kind="own_travel",
        record=travel,
        mode=travel.get_mode_display(),
        carrier=travel.carrier,
        reference=travel.booking_reference,
        from_name=travel.departure_place,
        from_place="",
        from_zone=travel.departure_timezone,
        to_name=travel.arrival_place,
        to_place="",
        to_zone=travel.arrival_timezone,
        departs_at=travel.departs_at,
        arrives_at=travel.arrives_at,
        notes=travel.notes,
    )


def _zone_name(moment: dt.datetime) -> str:
    abbreviation = moment.tzname() or ""
    return str(ZONE_NAMES.get(abbreviation, abbreviation))


def _amount(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    if rest:
        return _("%(hours)d h %(minutes)02d") % {"hours": hours, "minutes": rest // 60}
    return ngettext("one hour", "%(count)d hours", hours) % {"count": hours}


def clock_change_text(before: dt.datetime, after: dt.datetime) -> str:
    """In words, how the clocks move from the aware ``before`` to the aware ``after``, or ``""``."""
    delta = int((after.utcoffset() - before.utcoffset()).total_seconds())
    if delta == 0:
        return ""
    amount, old, new = _amount(abs(delta)), _zone_name(before), _zone_name(after)
    if old == new:
        if delta > 0:
            return _("The clocks move forward %(amount)s (%(zone)s summer time).") % {"amount": amount, "zone": new}
        return _("The clocks move back %(amount)s (%(zone)s winter time).") % {"amount": amount, "zone": new}
    values = {"amount": amount, "from": old, "to": new}
    if delta > 0:
        return _("The clocks move forward %(amount)s: %(from)s to %(to)s.") % values
    return _("The clocks move back %(amount)s: %(from)s to %(to)s.") % values


def _span(entry) -> tuple[dt.datetime, dt.datetime] | None:
    """An entry's start and end, each in its own zone; ``None`` for a hotel's date."""
    if isinstance(entry, ItineraryItem):
        return entry.local_start, entry.local_end
    if isinstance(entry, Journey):
        return (
            entry.departs_at.astimezone(zoneinfo.ZoneInfo(entry.from_zone)),
            entry.arrives_at.astimezone(zoneinfo.ZoneInfo(entry.to_zone)),
        )
    return None


def timeline_days(items, legs, travel, stays, *, last_seen: dt.datetime | None = None) -> list[tuple[dt.date, list]]:
    """``[(day, entries)]``: items (as they are), legs and own travel (as :class:`Journey`), hotels
    (as :class:`StayMark`) and :class:`ClockChange` lines, each day in order."""
    keyed = []
    for item in items:
        item.timeline_kind = "item"
        keyed.append(item)
    keyed += [journey_for_leg(leg, last_seen=last_seen) for leg in legs]
    keyed += [journey_for_own_travel(leg) for leg in travel]
    for stay in stays:
        keyed += [StayMark("check_in", stay), StayMark("check_out", stay)]

    def sort_key(entry):
        span = _span(entry)
        if span is not None:
            return (span[0].date(), 1, span[0].astimezone(dt.UTC))
        if entry.timeline_kind == "check_out":
            return (entry.stay.check_out, 0, dt.datetime.min.replace(tzinfo=dt.UTC))
        return (entry.stay.check_in, 2, dt.datetime.min.replace(tzinfo=dt.UTC))

    days: list[tuple[dt.date, list]] = []
    clock: dt.datetime | None = None  # the previous timed entry's end, in its zone
    for entry in sorted(keyed, key=sort_key):
        day = sort_key(entry)[0]
        if not days or days[-1][0] != day:
            days.append((day, []))
        span = _span(entry)
        if span is not None and clock is not None and (text := clock_change_text(clock, span[0])):
            days[-1][1].append(ClockChange(text))
        days[-1][1].append(entry)
        if span is not None:
            if text := clock_change_text(span[0], span[1]):
                days[-1][1].append(ClockChange(text))
            clock = span[1]
    return days
