"""The feed and the .ics as independent clients read them: icalendar, vobject (which reads the
VTIMEZONE definitions, not the zone names), ics and Debian's khal (``make test`` installs it;
it imports the file into a vdir calendar of its own, as a delegate's khal would); across the US (3 November 2019) and EU
(27 October 2019) daylight-saving changes, with summer-time items on both sides."""

import datetime as dt
import subprocess

import icalendar
import ics
import pytest
import vobject
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.http import parse_http_date

from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from partners.tests.factories import CityFactory
from trips.services import calendar_feed_token_create, calendar_feed_token_revoke
from visits.models import ItineraryItem
from visits.services import itinerary_item_cancel, itinerary_item_update
from visits.tests.factories import ItineraryItemFactory, PublishedVisitFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
INSTANTS = {
    # Summer time: vobject took a rule-less America/Chicago as CST all year and put this at 15:00 UTC.
    "Chicago in July": (dt.datetime(2019, 7, 1, 14, tzinfo=UTC), dt.datetime(2019, 7, 1, 15, tzinfo=UTC)),
    "Nashville, last CDT morning": (dt.datetime(2019, 11, 2, 14, tzinfo=UTC), dt.datetime(2019, 11, 2, 15, tzinfo=UTC)),
    "Nashville, first CST morning": (
        dt.datetime(2019, 11, 3, 15, tzinfo=UTC),
        dt.datetime(2019, 11, 3, 16, tzinfo=UTC),
    ),
    "Washington, EST": (dt.datetime(2019, 11, 7, 14, tzinfo=UTC), dt.datetime(2019, 11, 7, 15, tzinfo=UTC)),
    "Liège, last CEST morning": (dt.datetime(2019, 10, 26, 7, tzinfo=UTC), dt.datetime(2019, 10, 26, 8, tzinfo=UTC)),
    "Liège, first CET morning": (dt.datetime(2019, 10, 28, 8, tzinfo=UTC), dt.datetime(2019, 10, 28, 9, tzinfo=UTC)),
}
ZONES = {
    "Chicago in July": "America/Chicago",
    "Nashville, last CDT morning": "America/Chicago",
    "Nashville, first CST morning": "America/Chicago",
    "Washington, EST": "America/New_York",
    "Liège, last CEST morning": "Europe/Brussels",
    "Liège, first CET morning": "Europe/Brussels",
}


@pytest.fixture
def world():
    cities = {
        zone: CityFactory(name=zone.split("/")[1], timezone=zone)
        for zone in ("America/Chicago", "America/New_York", "Europe/Brussels")
    }
    user = get_user_model().objects.create_user(username="camille@example.org", email="camille@example.org")
    participant = ParticipantFactory(user=user, email="camille@example.org", preferred_language="fr")
    visit = PublishedVisitFactory(title="Belgians in Tennessee")
    DelegationMemberFactory(delegation=visit.delegation, participant=participant)
    for title, (starts_at, ends_at) in INSTANTS.items():
        ItineraryItemFactory(visit=visit, city=cities[ZONES[title]], title=title, starts_at=starts_at, ends_at=ends_at)
    return user, participant, visit


def _by_icalendar(content: bytes) -> dict:
    return {
        str(event["SUMMARY"]): (event.decoded("DTSTART").astimezone(UTC), event.decoded("DTEND").astimezone(UTC))
        for event in icalendar.Calendar.from_ical(content).walk("VEVENT")
    }


def _by_vobject(content: bytes) -> dict:
    return {
        event.summary.value: (event.dtstart.value.astimezone(UTC), event.dtend.value.astimezone(UTC))
        for event in vobject.readOne(content.decode()).vevent_list
    }


def _by_ics(content: bytes) -> dict:
    return {
        event.name: (event.begin.datetime.astimezone(UTC), event.end.datetime.astimezone(UTC))
        for event in ics.Calendar(content.decode()).events
    }


# khal shows times in its own zone: one that is neither the feed's nor UTC, with the offset printed.
KHAL_CONFIG = """[calendars]
[[delegate]]
path = {vdir}
type = calendar
[sqlite]
path = {db}
[locale]
local_timezone = Asia/Tokyo
default_timezone = Asia/Tokyo
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%dT%H:%M%z
longdatetimeformat = %Y-%m-%dT%H:%M%z
[default]
default_calendar = delegate
"""


def _khal(tmp_path, *args: str) -> str:
    config = tmp_path / "khal.conf"
    if not config.exists():
        (tmp_path / "vdir").mkdir()
        config.write_text(KHAL_CONFIG.format(vdir=tmp_path / "vdir", db=tmp_path / "khal.db"))
    done = subprocess.run(["khal", "-c", str(config), *args], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def khal_events(content: bytes, tmp_path) -> dict:
    """What khal lists after importing ``content``: summary -> (start, end, status, uid), instants in UTC."""
    (tmp_path / "in.ics").write_bytes(content)
    _khal(tmp_path, "import", "--batch", "-a", "delegate", str(tmp_path / "in.ics"))
    listed = _khal(
        tmp_path,
        "list",
        "--once",
        "--day-format",
        "",
        "--format",
        "{title}|{start}|{end}|{status}|{uid}",
        "2019-01-01",
        str(dt.datetime.now(UTC).date() + dt.timedelta(days=400)),
    )
    events = {}
    for line in filter(None, listed.splitlines()):
        title, start, end, status, uid = line.split("|")
        assert title not in events, f"khal holds two copies of {title}"
        instants = [dt.datetime.strptime(value, "%Y-%m-%dT%H:%M%z").astimezone(UTC) for value in (start, end)]
        events[title] = (*instants, status.strip(), uid)
    return events


def _by_khal(content: bytes, tmp_path) -> dict:
    return {title: (start, end) for title, (start, end, _status, _uid) in khal_events(content, tmp_path).items()}


PARSERS = [_by_icalendar, _by_vobject, _by_ics]


@pytest.mark.parametrize("parse", PARSERS)
def test_feed_gives_every_parser_the_stored_instants_across_both_changes(client, world, parse):
    user, participant, _visit = world
    _link, token = calendar_feed_token_create(participant, by=user)

    response = client.get(reverse("my:feed", args=[token]))

    assert response.status_code == 200
    assert parse(response.content) == INSTANTS


@pytest.mark.parametrize("parse", PARSERS)
def test_ics_download_gives_every_parser_the_stored_instants_across_both_changes(client, world, parse):
    user, _participant, visit = world
    client.force_login(user)

    response = client.get(reverse("my:visit_ics", args=[visit.pk]))

    assert response.status_code == 200
    assert parse(response.content) == INSTANTS


def test_feed_zones_carry_yearly_rules_not_listed_dates(client, world):
    user, participant, _visit = world
    _link, token = calendar_feed_token_create(participant, by=user)

    calendar = icalendar.Calendar.from_ical(client.get(reverse("my:feed", args=[token])).content)

    zones = {str(zone["TZID"]): zone for zone in calendar.walk("VTIMEZONE")}
    assert sorted(zones) == ["America/Chicago", "America/New_York", "Europe/Brussels"]
    rules = sorted(
        (component.name, component["RRULE"].to_ical().decode())
        for component in zones["Europe/Brussels"].subcomponents
        if "RRULE" in component
    )
    assert rules == [
        ("DAYLIGHT", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"),
        ("STANDARD", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"),
    ]
    assert b"RDATE" not in calendar.to_ical()


def test_feed_asks_clients_to_refresh_hourly_in_its_language(client, world):
    user, participant, _visit = world
    _link, token = calendar_feed_token_create(participant, by=user)

    response = client.get(reverse("my:feed", args=[token]))

    assert response["Content-Language"] == "fr"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in response.content
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in response.content


def test_feed_answers_head_with_its_headers_and_no_body(client, world):
    user, participant, _visit = world
    _link, token = calendar_feed_token_create(participant, by=user)
    full = client.get(reverse("my:feed", args=[token]))

    response = client.head(reverse("my:feed", args=[token]))

    assert response.status_code == 200
    assert response.content == b""
    assert response["ETag"] == full["ETag"]
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Length"] == str(len(full.content))


def test_ics_download_answers_head(client, world):
    user, _participant, visit = world
    client.force_login(user)

    response = client.head(reverse("my:visit_ics", args=[visit.pk]))

    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Type"] == "text/calendar; charset=utf-8"


def test_feed_link_replaced_answers_gone(client, world):
    user, participant, _visit = world
    _old, old_token = calendar_feed_token_create(participant, by=user)
    _new, new_token = calendar_feed_token_create(participant, by=user)

    assert client.get(reverse("my:feed", args=[old_token])).status_code == 410
    assert client.head(reverse("my:feed", args=[old_token])).status_code == 410
    assert client.get(reverse("my:feed", args=[new_token])).status_code == 200


def test_feed_link_revoked_answers_gone_and_unknown_not_found(client, world):
    user, participant, _visit = world
    _link, token = calendar_feed_token_create(participant, by=user)
    calendar_feed_token_revoke(participant)

    assert client.get(reverse("my:feed", args=[token])).status_code == 410
    assert client.get(reverse("my:feed", args=["not-a-token"])).status_code == 404


def _feed_events(client, token) -> dict:
    calendar = icalendar.Calendar.from_ical(client.get(reverse("my:feed", args=[token])).content)
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_sequence_rises_on_a_move_and_not_on_a_new_title(client, world):
    user, participant, visit = world
    _link, token = calendar_feed_token_create(participant, by=user)
    item = visit.itinerary_items.get(title="Washington, EST")
    uid = str(_feed_events(client, token)["Washington, EST"]["UID"])

    itinerary_item_update(item, by=user, notes_for_delegates="Bring your passport")
    unmoved = _feed_events(client, token)["Washington, EST"]
    itinerary_item_update(
        item, by=user, starts_at=item.starts_at + dt.timedelta(hours=1), ends_at=item.ends_at + dt.timedelta(hours=1)
    )
    moved = _feed_events(client, token)["Washington, EST"]
    itinerary_item_update(item, by=user, venue="City Hall")
    placed = _feed_events(client, token)["Washington, EST"]

    assert (unmoved["SEQUENCE"], moved["SEQUENCE"], placed["SEQUENCE"]) == (0, 1, 2)
    assert str(moved["UID"]) == uid
    assert moved.decoded("DTSTART").astimezone(UTC) == dt.datetime(2019, 11, 7, 15, tzinfo=UTC)
    item.refresh_from_db()
    assert placed.decoded("LAST-MODIFIED") == item.updated_at.replace(microsecond=0)
    assert placed.decoded("DTSTAMP") == item.updated_at.replace(microsecond=0)


def test_cancelled_item_stays_cancelled_under_its_uid_until_it_would_have_ended(client, world):
    user, participant, visit = world
    _link, token = calendar_feed_token_create(participant, by=user)
    soon = dt.datetime.now(UTC) + dt.timedelta(days=30)
    visit.starts_on, visit.ends_on = soon.date() - dt.timedelta(days=1), soon.date() + dt.timedelta(days=1)
    visit.save()
    future = visit.itinerary_items.get(title="Washington, EST")
    ItineraryItem.objects.filter(pk=future.pk).update(starts_at=soon, ends_at=soon + dt.timedelta(hours=1))
    past = visit.itinerary_items.get(title="Chicago in July")
    ItineraryItem.objects.filter(pk=past.pk).update(status=ItineraryItem.Status.CANCELLED)
    uid = str(_feed_events(client, token)["Washington, EST"]["UID"])

    itinerary_item_cancel(future, by=user)
    events = _feed_events(client, token)

    assert str(events["Washington, EST"]["UID"]) == uid
    assert str(events["Washington, EST"]["STATUS"]) == "CANCELLED"
    assert events["Washington, EST"]["SEQUENCE"] == 1
    assert "Chicago in July" not in events


def test_khal_finds_the_stored_instants_in_the_feed_across_both_changes(client, world, tmp_path):
    user, participant, _visit = world
    _link, token = calendar_feed_token_create(participant, by=user)

    assert _by_khal(client.get(reverse("my:feed", args=[token])).content, tmp_path) == INSTANTS


def test_khal_finds_the_stored_instants_in_the_ics_download_across_both_changes(client, world, tmp_path):
    user, _participant, visit = world
    client.force_login(user)

    assert _by_khal(client.get(reverse("my:visit_ics", args=[visit.pk])).content, tmp_path) == INSTANTS


def test_khal_applies_a_move_and_a_cancellation_from_the_refetched_feed_in_place(client, world, tmp_path):
    user, participant, visit = world
    _link, token = calendar_feed_token_create(participant, by=user)
    soon = dt.datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=30)
    visit.starts_on, visit.ends_on = soon.date() - dt.timedelta(days=1), soon.date() + dt.timedelta(days=1)
    visit.save()
    hour = dt.timedelta(hours=1)
    moved, cancelled = (visit.itinerary_items.get(title=title) for title in ("Washington, EST", "Chicago in July"))
    ItineraryItem.objects.filter(pk__in=[moved.pk, cancelled.pk]).update(starts_at=soon, ends_at=soon + hour)
    before = khal_events(client.get(reverse("my:feed", args=[token])).content, tmp_path)

    moved.refresh_from_db()
    itinerary_item_update(moved, by=user, starts_at=soon + hour, ends_at=soon + 2 * hour)
    itinerary_item_cancel(cancelled, by=user)
    after = khal_events(client.get(reverse("my:feed", args=[token])).content, tmp_path)

    assert sorted(after) == sorted(before)  # the same events, no copies
    assert before["Washington, EST"][:2] == (soon, soon + hour)
    assert after["Washington, EST"][:2] == (soon + hour, soon + 2 * hour)
    assert after["Washington, EST"][3] == before["Washington, EST"][3] == f"item-{moved.pk}@cityexchange"
    assert (before["Chicago in July"][2], after["Chicago in July"][2]) == ("TENTATIVE", "CANCELLED")


def test_feed_validators_move_when_a_cancelled_entry_ends_and_leaves_the_feed(client, world, monkeypatch):
    user, participant, visit = world
    _link, token = calendar_feed_token_create(participant, by=user)
    soon = dt.datetime.now(UTC).replace(microsecond=0) + dt.timedelta(days=30)
    visit.starts_on, visit.ends_on = soon.date() - dt.timedelta(days=1), soon.date() + dt.timedelta(days=1)
    visit.save()
    item = visit.itinerary_items.get(title="Washington, EST")
    ItineraryItem.objects.filter(pk=item.pk).update(starts_at=soon - dt.timedelta(hours=1), ends_at=soon)
    itinerary_item_cancel(item, by=user)
    url = reverse("my:feed", args=[token])
    before = client.get(url)
    assert b"SUMMARY:Washington\\, EST" in before.content
    assert client.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304

    # The clock passes the cancelled meeting's end; no row changes.
    later = soon + dt.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    by_etag = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])

    assert by_etag.status_code == by_date.status_code == 200
    assert b"Washington" not in by_etag.content
    assert by_etag["ETag"] != before["ETag"]
    # Last-Modified moves on (the page cache stamps the new body when it is made, at or after the end).
    assert parse_http_date(by_etag["Last-Modified"]) >= soon.timestamp() > parse_http_date(before["Last-Modified"])
    assert client.get(url, HTTP_IF_NONE_MATCH=by_etag["ETag"]).status_code == 304
