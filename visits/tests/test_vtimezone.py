"""Rule-based VTIMEZONEs read by dateutil's tzical (what vobject and ics fall back on), hour by hour."""

import datetime as dt
import io
import zoneinfo

import icalendar
import pytest
from dateutil import tz

from visits.vtimezone import vtimezone

ZONES = [
    "America/Chicago",
    "America/New_York",
    "Europe/Brussels",
    "Australia/Sydney",  # summer time across the new year
    "Australia/Lord_Howe",  # a half-hour change
    "America/Sao_Paulo",  # daylight saving abolished in 2019
    "Asia/Tokyo",  # no change at all
    # zoneinfo gives both a negative saving (Irish winter time, Morocco's hour back for Ramadan);
    # Morocco's and Iran's (Persian calendar) changes follow no weekday rule: each is its own observance.
    "Europe/Dublin",
    "Africa/Casablanca",
    "Asia/Tehran",
]


@pytest.mark.parametrize("key", ZONES)
def test_vtimezone_gives_zoneinfo_offset_every_hour(key):
    zone = zoneinfo.ZoneInfo(key)
    definition = vtimezone(zone, first_year=2018, last_year=2020).to_ical().decode()
    read = tz.tzical(io.StringIO(definition)).get()

    moment, end = dt.datetime(2018, 1, 1, tzinfo=dt.UTC), dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
    wrong = []
    while moment < end:
        if moment.astimezone(read).utcoffset() != moment.astimezone(zone).utcoffset():
            wrong.append(moment)
        moment += dt.timedelta(hours=1)

    assert wrong == []
    assert "RDATE" not in definition


def test_vtimezone_writes_us_rules_as_weekday_rules():
    definition = vtimezone(zoneinfo.ZoneInfo("America/Chicago"), first_year=2018, last_year=2020).to_ical().decode()

    assert "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\n" in definition
    assert "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\n" in definition


def test_vtimezone_writes_a_negative_saving_as_clocks_forward_daylight_and_back_standard():
    calendar = icalendar.Calendar.from_ical(
        "BEGIN:VCALENDAR\r\n"
        + vtimezone(zoneinfo.ZoneInfo("Europe/Dublin"), first_year=2018, last_year=2020).to_ical().decode()
        + "END:VCALENDAR\r\n"
    )

    rules = sorted(
        (component.name, str(component["TZNAME"]), component["RRULE"].to_ical().decode())
        for component in calendar.walk()
        if "RRULE" in component
    )
    assert rules == [
        ("DAYLIGHT", "IST", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"),
        ("STANDARD", "GMT", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"),
    ]
