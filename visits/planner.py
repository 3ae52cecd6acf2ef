"""The officer's week planner: one calendar of day columns per city, each on its own clocks.

The browser's zone never enters: every time is given to FullCalendar as a wall-clock time
without an offset ("2019-11-03T09:00"), computed here in the zone of the calendar's city, and
FullCalendar runs in UTC so it shows those numbers unchanged. An item sits in its city's
calendar; a travel leg in its departure city's and its arrival city's, each showing both ends
in that calendar's clock and labelled with each end in its own ("11:00 CST Nashville →
14:15 EST Chattanooga"). A time that the clocks pass twice keeps its own abbreviation in the
label ("01:30 CDT", "01:30 CST"); the grid, being a wall clock, draws both in the same row.
Moves come back as wall-clock times in one calendar's city and are turned into instants by
``visits.forms.PlannerMoveForm`` with ``visits.localtime.local_to_utc``.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from partners.models import City

from .models import ItineraryItem, StudyVisit, TravelLeg

# The grid shows at least these hours; it grows to hold an entry outside them.
DAY_STARTS, DAY_ENDS = dt.time(7), dt.time(22)


def clock(moment: dt.datetime) -> str:
    """``09:00 CST``: a local time with its own abbreviation, the repeated hour included."""
    return f"{moment:%H:%M} {moment.tzname()}"


def wall(moment: dt.datetime) -> str:
    """The wall-clock time FullCalendar is given: no offset, minutes only."""
    return moment.replace(tzinfo=None).isoformat(timespec="minutes")


def entry_key(entry: ItineraryItem | TravelLeg) -> str:
    """``item-5`` or ``leg-3``: how the planner's forms name an entry."""
    return f"{'leg' if entry.is_leg else 'item'}-{entry.pk}"


def entry_label(entry: ItineraryItem | TravelLeg) -> str:
    """What a block and a row say of an entry's time: each end in its own city's zone."""
    if entry.is_leg:
        start, end = entry.local_departure, entry.local_arrival
        return _("%(kind)s · %(start)s %(from)s → %(end)s %(to)s") % {
            "kind": entry.get_kind_display(),
            "start": clock(start),
            "from": entry.from_city.name,
            "end": clock(end),
            "to": entry.to_city.name,
        }
    start, end = entry.local_start, entry.local_end
    return f"{clock(start)}–{clock(end)} · {entry.title}"


def edit_url(visit_url: str, entry: ItineraryItem | TravelLeg) -> str:
    """The entry's existing edit form on the visit page (``visit_url``)."""
    if entry.is_leg:
        return visit_url + f"?edit_leg={entry.pk}#leg-{entry.pk}"
    return visit_url + f"?edit={entry.pk}#item-{entry.pk}"


@dataclass(frozen=True)
class PlannerEntry:
    """An item or leg with what the planner says of it, worked out once for its list and its calendars."""

    entry: ItineraryItem | TravelLeg
    key: str
    label: str
    url: str


def planner_entries(visit: StudyVisit, entries) -> dict[str, PlannerEntry]:
    """``entries`` by key (``entry_key``), in their order, each with its label and edit link."""
    visit_url = reverse("visits:visit_detail", args=[visit.pk])
    shown = (PlannerEntry(entry, entry_key(entry), entry_label(entry), edit_url(visit_url, entry)) for entry in entries)
    return {planner_entry.key: planner_entry for planner_entry in shown}


@dataclass
class PlannerCalendar:
    """A city's columns: its days of the visit and the entries that happen on its clocks."""

    city: City
    first_day: dt.date
    last_day: dt.date
    entries: list = field(default_factory=list)

    def as_json(self, shown: dict[str, PlannerEntry]) -> dict:
        """FullCalendar's options for this city; ``shown``: ``planner_entries`` of the visit's entries."""
        zone = self.city.zone
        events, earliest, latest = [], DAY_STARTS, DAY_ENDS
        for entry in self.entries:
            start, end = entry.starts_at.astimezone(zone), entry.ends_at.astimezone(zone)
            if end.date() < self.first_day or start.date() > self.last_day:
                continue
            if start.date() == end.date():
                earliest, latest = min(earliest, start.time()), max(latest, end.time())
            else:
                earliest, latest = dt.time(0), dt.time(23, 59)
            planner_entry = shown[entry_key(entry)]
            events.append(
                {
                    "id": planner_entry.key,
                    "title": planner_entry.label,
                    "start": wall(start),
                    "end": wall(end),
                    "url": planner_entry.url,
                    "classNames": [
                        "planner-leg" if entry.is_leg else "planner-item",
                        f"planner-{entry.status}",
                    ],
                    "editable": entry.status != ItineraryItem.Status.CANCELLED,
                    "extendedProps": {"entry": planner_entry.key},
                }
            )
        slot_max = "24:00:00" if latest >= dt.time(23) else f"{latest.hour + 1:02d}:00:00"
        return {
            "city": self.city.pk,
            "name": self.city.name,
            "start": self.first_day.isoformat(),
            # FullCalendar's range ends the day after the last column.
            "end": (self.last_day + dt.timedelta(days=1)).isoformat(),
            "slotMinTime": f"{earliest.hour:02d}:00:00",
            "slotMaxTime": slot_max,
            "events": events,
        }


def planner_calendars(visit: StudyVisit, stops, items, legs) -> list[PlannerCalendar]:
    """One calendar per host city in the order travelled, then one per other city an item is in.

    A host city's columns are the days of its stops; another city's, the visit's days.
    ``stops``, ``items`` and ``legs`` come with their cities selected.
    """
    calendars: dict[int, PlannerCalendar] = {}
    for stop in stops:
        calendar = calendars.get(stop.city_id)
        if calendar is None:
            calendars[stop.city_id] = PlannerCalendar(stop.city, stop.arrives_on, stop.departs_on)
        else:
            calendar.first_day = min(calendar.first_day, stop.arrives_on)
            calendar.last_day = max(calendar.last_day, stop.departs_on)
    for item in items:
        if item.city_id not in calendars:
            calendars[item.city_id] = PlannerCalendar(item.city, visit.starts_on, visit.ends_on)
        calendar = calendars[item.city_id]
        calendar.first_day = min(calendar.first_day, item.local_start.date())
        calendar.last_day = max(calendar.last_day, item.local_end.date())
        calendar.entries.append(item)
    for leg in legs:
        for city_id in dict.fromkeys((leg.from_city_id, leg.to_city_id)):
            if city_id in calendars:
                calendars[city_id].entries.append(leg)
    return list(calendars.values())
