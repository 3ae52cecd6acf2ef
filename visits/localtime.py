"""Turning a wall-clock date and time in a city into an instant, across daylight saving.

A local time that the clocks skip (spring forward) does not exist: it is refused.
A local time that happens twice (fall back) is ambiguous: we take the first occurrence,
still on summer time, and say so, because a meeting at "01:30" on that night almost
always means the first 01:30.
"""

import datetime as dt
import zoneinfo


class NonexistentLocalTime(ValueError):
    """The clocks skip this wall-clock time in this zone."""


def local_to_utc(day: dt.date, time: dt.time, zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, bool]:
    """The UTC instant of ``day`` ``time`` in ``zone``, and whether the local time was ambiguous.

    Raises :class:`NonexistentLocalTime` when the local time falls in a daylight-saving gap.
    """
    naive = dt.datetime.combine(day, time)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    in_utc = first.astimezone(dt.UTC)
    if in_utc.astimezone(zone).replace(tzinfo=None) != naive:
        raise NonexistentLocalTime(naive)
    return in_utc, first.utcoffset() != second.utcoffset()


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
