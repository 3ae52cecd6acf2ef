"""Turning a wall-clock date and time in a city into an instant, across daylight saving.

A local time that the clocks skip (spring forward) does not exist: it is refused.
A local time that happens twice (fall back) is ambiguous: the officer chooses which
(``occurrence``); unless they choose the second, we take the first, still on summer time,
and say so, because a meeting at "01:30" on that night almost always means the first.
"""

import datetime as dt
import zoneinfo


class NonexistentLocalTime(ValueError):
    """The clocks skip this wall-clock time in this zone."""


def local_to_utc(
    day: dt.date, time: dt.time, zone: zoneinfo.ZoneInfo, *, occurrence: int = 0
) -> tuple[dt.datetime, bool]:
    """The UTC instant of ``day`` ``time`` in ``zone``, and whether the local time was ambiguous.

    ``occurrence`` picks which of an ambiguous time's two instants: 0 the first (summer time),
    1 the second (standard time); it changes nothing for a time that happens once.
    Raises :class:`NonexistentLocalTime` when the local time falls in a daylight-saving gap.
    """
    naive = dt.datetime.combine(day, time)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise NonexistentLocalTime(naive)
    ambiguous = first.utcoffset() != second.utcoffset()
    chosen = second if ambiguous and occurrence == 1 else first
    return chosen.astimezone(dt.UTC), ambiguous


def shift_local(instant: dt.datetime, zone: zoneinfo.ZoneInfo, days: int) -> dt.datetime:
    """``instant`` moved by whole days keeping its wall-clock time in ``zone``.

    A time the clocks skip on the new date moves forward by the gap, as the clocks do.
    """
    local = instant.astimezone(zone)
    naive = local.replace(tzinfo=None) + dt.timedelta(days=days)
    try:
        return local_to_utc(naive.date(), naive.time(), zone)[0]
    except NonexistentLocalTime:
        return naive.replace(tzinfo=zone, fold=0).astimezone(dt.UTC)
