"""VTIMEZONE definitions with rules: each zone's changes as yearly STANDARD/DAYLIGHT RRULEs.

icalendar's ``add_missing_timezones()`` lists every transition as a date (RDATE). Clients
that read the definition rather than the zone's name (vobject, and those that parse the way
it does) take such a zone as its first observance all year: America/Chicago is then CST in
July. Rules are what every client understands, so the transitions zoneinfo gives for the
years concerned are folded into ``FREQ=YEARLY;BYMONTH=..;BYDAY=..`` rules, one per run of
years that change the same way; a change that follows no weekday rule (Morocco's Ramadan,
Iran's equinoxes) is written once, as its own observance. A change that puts the clocks
forward is a DAYLIGHT observance and one that puts them back a STANDARD one, even where
zoneinfo has a negative saving (Ireland's winter, Morocco's Ramadan).
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY = dt.timedelta(days=1)
_MINUTE = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class _Transition:
    at: dt.datetime  # the UTC instant
    local: dt.datetime  # naive wall time just before it, as DTSTART wants (RFC 5545 3.6.5)
    offset_from: dt.timedelta
    offset_to: dt.timedelta
    name: str
    daylight: bool

    @property
    def rule(self) -> tuple:
        return (
            self.daylight,
            self.local.month,
            self.local.weekday(),
            self.local.time(),
            self.offset_from,
            self.offset_to,
            self.name,
        )

    @property
    def weeks(self) -> set[int]:
        """Which ``BYDAY`` ordinals name this day: its week in the month, and -1 if it is the last such weekday."""
        nth = {(self.local.day - 1) // 7 + 1}
        if (self.local + dt.timedelta(days=7)).month != self.local.month:
            nth.add(-1)
        return nth


def _state(zone: zoneinfo.ZoneInfo, instant: dt.datetime) -> tuple:
    local = instant.astimezone(zone)
    return local.utcoffset(), local.tzname(), local.dst() > dt.timedelta(0)


def _transitions(zone: zoneinfo.ZoneInfo, start: dt.datetime, end: dt.datetime) -> list[_Transition]:
    """The zone's changes of offset or name between two UTC instants (at most one a day), to the minute."""
    found = []
    moment, state = start, _state(zone, start)
    while moment < end:
        following = moment + _DAY
        if _state(zone, following) != state:
            low, high = moment, following
            while high - low > _MINUTE:
                middle = low + ((high - low) // 2 // _MINUTE) * _MINUTE
                if _state(zone, middle) == state:
                    low = middle
                else:
                    high = middle
            offset_to, name, daylight = _state(zone, high)
            # Only zoneinfo's idea of the saving changed (Morocco kept +01 all year from October 2018):
            # nothing for a client to observe, and an observance there would hide the next change's kind.
            if (offset_to, name) == state[:2]:
                state = (offset_to, name, daylight)
                moment = following
                continue
            found.append(
                _Transition(
                    at=high,
                    local=(high + state[0]).replace(tzinfo=None),
                    offset_from=state[0],
                    offset_to=offset_to,
                    name=name,
                    # Clocks going forward start a DAYLIGHT observance, going back a STANDARD one,
                    # whatever zoneinfo calls them: it gives Ireland's winter (and Morocco's
                    # Ramadan) a negative saving, which clients misread in a DAYLIGHT observance.
                    daylight=offset_to > state[0] or (offset_to == state[0] and daylight),
                )
            )
            state = (offset_to, name, daylight)
        moment = following
    return found


def _runs(transitions: list[_Transition]) -> list[tuple[list[_Transition], set[int]]]:
    """Transitions of one kind grouped into runs of consecutive years that follow one weekday rule."""
    runs: list[tuple[list[_Transition], set[int]]] = []
    for transition in transitions:
        if runs:
            run, weeks = runs[-1]
            last = run[-1]
            shared = weeks & transition.weeks
            if last.rule == transition.rule and transition.local.year == last.local.year + 1 and shared:
                run.append(transition)
                runs[-1] = (run, shared)
                continue
        runs.append(([transition], transition.weeks))
    return runs


def _ordinal(weeks: set[int]) -> int:
    # "Last Sunday" stays right in the years after the run (the EU's October change is the
    # fourth Sunday in 2019 and the fifth in 2021); a rule "second Sunday" is never a last.
    return -1 if -1 in weeks else max(weeks)


def _observance(run: list[_Transition], weeks: set[int], *, open_ended: bool):
    first, last = run[0], run[-1]
    component = TimezoneDaylight() if first.daylight else TimezoneStandard()
    component.add("dtstart", first.local)
    component.add("tzoffsetfrom", first.offset_from)
    component.add("tzoffsetto", first.offset_to)
    component.add("tzname", first.name)
    if len(run) > 1:
        rule = {
            "freq": "yearly",
            "bymonth": first.local.month,
            "byday": f"{_ordinal(weeks)}{_WEEKDAYS[first.local.weekday()]}",
        }
        if not open_ended:
            # A day after the last change in UTC: read as UTC or (as some parsers do) as wall time,
            # it still takes in the last change and nothing of the next year.
            rule["until"] = dt.datetime.combine(last.local.date() + _DAY, dt.time(23, 59, 59), tzinfo=dt.UTC)
        component.add("rrule", rule)
    return component


def vtimezone(zone: zoneinfo.ZoneInfo, *, first_year: int, last_year: int) -> Timezone:
    """``zone`` as a VTIMEZONE with rules, right for every instant from ``first_year`` to ``last_year``.

    A zone without changes in those years is one observance from their start.
    """
    start = dt.datetime(first_year, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(last_year + 1, 1, 1, tzinfo=dt.UTC)
    timezone = Timezone()
    timezone.add("tzid", zone.key)
    # The observance in force when the years begin (summer time, south of the equator), then the changes.
    offset, name, daylight = _state(zone, start)
    initial = TimezoneDaylight() if daylight else TimezoneStandard()
    # From the eve of the first year in wall time: before ``start`` whatever the offset.
    initial.add("dtstart", (start - _DAY).replace(tzinfo=None))
    transitions = _transitions(zone, start, end)
    # As if entered from the other observance: parsers (dateutil's) take a daylight observance's
    # saving from its two offsets, and a zero saving puts the hour before the next change wrong.
    initial.add("tzoffsetfrom", transitions[0].offset_to if transitions else offset)
    initial.add("tzoffsetto", offset)
    initial.add("tzname", name)
    timezone.add_component(initial)
    observances = []
    for daylight in (False, True):
        of_kind = [transition for transition in transitions if transition.daylight == daylight]
        runs = _runs(of_kind)
        for index, (run, weeks) in enumerate(runs):
            reaches_end = index == len(runs) - 1 and run[-1].local.year == last_year and len(run) > 1
            observances.append((run[0].at, _observance(run, weeks, open_ended=reaches_end)))
    for _at, component in sorted(observances, key=lambda pair: pair[0]):
        timezone.add_component(component)
    return timezone


def _zoned_times(calendar: Calendar) -> Iterable[dt.datetime]:
    for event in calendar.walk("VEVENT"):
        for name in ("DTSTART", "DTEND"):
            if name in event:
                value = event.decoded(name)
                if isinstance(value, dt.datetime) and isinstance(value.tzinfo, zoneinfo.ZoneInfo):
                    yield value


def calendar_add_timezones(calendar: Calendar) -> Calendar:
    """Add a rule-based VTIMEZONE for every zone the calendar's events name, over their years and one either side."""
    years: dict[str, tuple[zoneinfo.ZoneInfo, set[int]]] = {}
    for value in _zoned_times(calendar):
        years.setdefault(value.tzinfo.key, (value.tzinfo, set()))[1].add(value.year)
    present = {str(component["TZID"]) for component in calendar.walk("VTIMEZONE")}
    # VTIMEZONEs go before the events that name them, as some clients read in one pass.
    zones = [
        vtimezone(zone, first_year=min(seen) - 1, last_year=max(seen) + 1)
        for key, (zone, seen) in sorted(years.items())
        if key not in present
    ]
    calendar.subcomponents[0:0] = zones
    return calendar
