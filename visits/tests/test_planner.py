"""The week planner: wall-clock calendars per city across the 2019 change of time, moves, bulk actions."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from partners.tests.factories import CityFactory
from visits.forms import PlannerMoveForm
from visits.models import ItineraryChange, ItineraryItem, TravelLeg
from visits.tests.factories import (
    ItineraryItemFactory,
    PublishedVisitFactory,
    TravelLegFactory,
    VisitStopFactory,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _at(*parts) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)


@pytest.fixture
def week(django_user_model):
    """The 2019 visit's shape: Nashville (Central) from 2 Nov across the change, then Chattanooga (Eastern)."""
    officer = django_user_model.objects.create_user(username="planner@example.org", email="planner@example.org")
    visit = PublishedVisitFactory(starts_on=dt.date(2019, 11, 2), ends_on=dt.date(2019, 11, 8))
    visit.programme.officers.add(officer)
    nashville = CityFactory(name="Nashville", country="US", timezone="America/Chicago")
    chattanooga = CityFactory(name="Chattanooga", country="US", timezone="America/New_York")
    VisitStopFactory(
        visit=visit, city=nashville, position=1, arrives_on=dt.date(2019, 11, 2), departs_on=dt.date(2019, 11, 5)
    )
    VisitStopFactory(
        visit=visit, city=chattanooga, position=2, arrives_on=dt.date(2019, 11, 5), departs_on=dt.date(2019, 11, 7)
    )
    summer = ItineraryItemFactory(
        visit=visit, city=nashville, title="Police", starts_at=_at(2019, 11, 2, 15), ends_at=_at(2019, 11, 2, 16)
    )
    winter = ItineraryItemFactory(
        visit=visit, city=nashville, title="Mayor", starts_at=_at(2019, 11, 3, 16), ends_at=_at(2019, 11, 3, 17)
    )
    # 01:30 CST, the second 01:30 of that night.
    night = ItineraryItemFactory(
        visit=visit, city=nashville, title="Night", starts_at=_at(2019, 11, 3, 7, 30), ends_at=_at(2019, 11, 3, 8, 30)
    )
    coach = TravelLegFactory(
        visit=visit,
        from_city=nashville,
        to_city=chattanooga,
        departs_at=_at(2019, 11, 5, 17),
        arrives_at=_at(2019, 11, 5, 19, 15),
    )
    return type("Week", (), locals())


def _client(client, week):
    client.force_login(week.officer)
    return client


def _data(response) -> dict:
    text = response.content.decode()
    found = re.search(r'<script id="planner-data" type="application/json">(.*?)</script>', text, re.S)
    return json.loads(found.group(1))


def _events(data, city) -> dict:
    calendar = next(calendar for calendar in data["calendars"] if calendar["city"] == city.pk)
    return {event["id"]: event for event in calendar["events"]}


def _move(client, week, entry, start, end, city=None, json_answer=True):
    data = {"entry": entry, "start": start, "end": end, "city": "" if city is None else city.pk}
    headers = {"Accept": "application/json"} if json_answer else {}
    return client.post(reverse("visits:planner_move", args=[week.visit.pk]), data, headers=headers)


def test_planner_columns_show_each_city_on_its_own_clock_across_the_change(client, week):
    response = _client(client, week).get(reverse("visits:planner", args=[week.visit.pk]))

    assert response.status_code == 200
    data = _data(response)
    assert [(c["name"], c["start"], c["end"]) for c in data["calendars"]] == [
        ("Nashville", "2019-11-02", "2019-11-06"),
        ("Chattanooga", "2019-11-05", "2019-11-08"),
    ]
    nashville = _events(data, week.nashville)
    assert (nashville[f"item-{week.summer.pk}"]["start"], nashville[f"item-{week.summer.pk}"]["end"]) == (
        "2019-11-02T10:00",
        "2019-11-02T11:00",
    )
    assert nashville[f"item-{week.summer.pk}"]["title"] == "10:00 CDT–11:00 CDT · Police"
    assert nashville[f"item-{week.winter.pk}"]["start"] == "2019-11-03T10:00"
    assert nashville[f"item-{week.winter.pk}"]["title"] == "10:00 CST–11:00 CST · Mayor"
    assert nashville[f"item-{week.night.pk}"]["start"] == "2019-11-03T01:30"
    assert nashville[f"item-{week.night.pk}"]["title"] == "01:30 CST–02:30 CST · Night"
    leg_title = "Coach · 11:00 CST Nashville → 14:15 EST Chattanooga"
    leg = f"leg-{week.coach.pk}"
    assert (nashville[leg]["start"], nashville[leg]["end"], nashville[leg]["title"]) == (
        "2019-11-05T11:00",
        "2019-11-05T13:15",
        leg_title,
    )
    chattanooga = _events(data, week.chattanooga)
    assert list(chattanooga) == [leg]
    assert (chattanooga[leg]["start"], chattanooga[leg]["end"]) == ("2019-11-05T12:00", "2019-11-05T14:15")
    # The grid opens early enough for the 01:30 meeting.
    assert data["calendars"][0]["slotMinTime"] == "01:00:00"


def test_planner_gives_its_style_nonce_on_this_page_only(client, week):
    client = _client(client, week)

    planner = client.get(reverse("visits:planner", args=[week.visit.pk]))
    visit_page = client.get(reverse("visits:visit_detail", args=[week.visit.pk]))

    nonce = re.search(r'<meta name="csp-nonce" content="([^"]+)">', planner.content.decode()).group(1)
    style_src = next(part for part in planner["Content-Security-Policy"].split(";") if "style-src" in part)
    assert style_src.split() == ["style-src", "'self'", f"'nonce-{nonce}'"]
    assert "nonce" not in visit_page["Content-Security-Policy"]
    font_src = next(part for part in planner["Content-Security-Policy"].split(";") if "font-src" in part)
    assert font_src.split() == ["font-src", "'self'", "data:"]
    directives = [part.strip() for part in planner["Content-Security-Policy"].split(";")]
    assert "script-src 'self'" in directives  # in any order: django-csp's follows a set's


def test_planner_served_from_the_page_cache_carries_a_new_nonce_that_its_header_names(client, week):
    client = _client(client, week)
    url = reverse("visits:planner", args=[week.visit.pk])

    first, again = client.get(url), client.get(url)

    def nonce(response):
        return re.search(r'<meta name="csp-nonce" content="([^"]+)">', response.content.decode()).group(1)

    assert (first["X-Page-Cache"], again["X-Page-Cache"]) == ("stored", "hit")
    assert nonce(again) != nonce(first)
    assert f"'nonce-{nonce(again)}'" in again["Content-Security-Policy"]
    assert "font-src 'self' data:" in [part.strip() for part in again["Content-Security-Policy"].split(";")]
    assert "cx-page-csp-nonce-placeholder" not in again.content.decode()
    # No validators: a 304 would keep the old nonce in the browser's body while naming a new one.
    assert not first.has_header("ETag") and not again.has_header("Last-Modified")
    asked_again = client.get(url, headers={"If-Modified-Since": "Wed, 02 Dec 2026 00:00:00 GMT"})
    assert asked_again.status_code == 200 and nonce(asked_again) not in (nonce(first), nonce(again))
    # An item moved elsewhere shows on the next request.
    week.summer.title = "Police precinct"
    week.summer.save()
    moved = client.get(url)
    assert moved["X-Page-Cache"] == "stored"
    assert "Police precinct" in moved.content.decode()


def test_dragging_an_item_moves_it_on_its_city_clock_and_records_the_change(client, week):
    response = _move(
        _client(client, week), week, f"item-{week.winter.pk}", "2019-11-03T11:30", "2019-11-03T12:45", week.nashville
    )

    assert response.status_code == 200
    assert response.json() == {"ok": True}
    week.winter.refresh_from_db()
    assert (week.winter.starts_at, week.winter.ends_at) == (_at(2019, 11, 3, 17, 30), _at(2019, 11, 3, 18, 45))
    assert week.winter.sequence == 1
    change = ItineraryChange.objects.get(item_pk=week.winter.pk)
    assert (change.action, change.old_starts_at, change.new_starts_at) == (
        ItineraryChange.Action.CHANGED,
        _at(2019, 11, 3, 16),
        _at(2019, 11, 3, 17, 30),
    )


def test_dragging_a_leg_in_the_arrival_city_reads_both_ends_on_that_clock(client, week):
    response = _move(
        _client(client, week), week, f"leg-{week.coach.pk}", "2019-11-05T13:00", "2019-11-05T15:15", week.chattanooga
    )

    assert response.status_code == 200
    week.coach.refresh_from_db()
    # 13:00 EST is 12:00 CST in Nashville; 15:15 EST in Chattanooga.
    assert (week.coach.departs_at, week.coach.arrives_at) == (_at(2019, 11, 5, 18), _at(2019, 11, 5, 20, 15))
    assert week.coach.sequence == 1


def test_the_move_form_reads_each_end_in_its_own_city_without_a_calendar(client, week):
    response = _move(
        _client(client, week), week, f"leg-{week.coach.pk}", "2019-11-05T09:00", "2019-11-05T12:30", json_answer=False
    )

    assert response.status_code == 302
    assert response.url == reverse("visits:planner", args=[week.visit.pk])
    week.coach.refresh_from_db()
    assert (week.coach.departs_at, week.coach.arrives_at) == (_at(2019, 11, 5, 15), _at(2019, 11, 5, 17, 30))


def test_a_move_into_the_repeated_hour_keeps_the_entry_s_occurrence_or_takes_the_first_and_says_so(client, week):
    client = _client(client, week)

    second = _move(client, week, f"item-{week.night.pk}", "2019-11-03T01:45", "2019-11-03T02:45", week.nashville)
    first = _move(client, week, f"item-{week.winter.pk}", "2019-11-03T01:15", "2019-11-03T03:00", week.nashville)

    assert (second.status_code, first.status_code) == (200, 200)
    week.night.refresh_from_db()
    week.winter.refresh_from_db()
    assert week.night.starts_at == _at(2019, 11, 3, 7, 45)  # still 01:45 CST
    assert week.winter.starts_at == _at(2019, 11, 3, 6, 15)  # 01:15 CDT, the first
    page = client.get(reverse("visits:planner", args=[week.visit.pk])).content.decode()
    assert "2019-11-03 01:15 happens twice in Nashville as the clocks go back" in page
    assert "2019-11-03 01:45 happens twice" not in page


def test_a_refused_move_says_why_in_words_and_changes_nothing(client, week):
    client = _client(client, week)

    outside = _move(client, week, f"item-{week.summer.pk}", "2019-11-12T10:00", "2019-11-12T11:00", week.nashville)
    backwards = _move(client, week, f"item-{week.summer.pk}", "2019-11-02T10:00", "2019-11-02T09:00", week.nashville)
    wrong_clock = _move(
        client, week, f"item-{week.summer.pk}", "2019-11-02T10:00", "2019-11-02T11:00", week.chattanooga
    )
    unknown = _move(client, week, "item-999999", "2019-11-02T10:00", "2019-11-02T11:00")

    assert outside.status_code == 400
    assert outside.json()["error"].startswith("“Police” was not moved: This item falls outside the visit's dates")
    assert backwards.json() == {"ok": False, "error": "Nothing was moved: An entry must end after it starts."}
    assert "is not on Chattanooga's clock" in wrong_clock.json()["error"]
    assert unknown.status_code == 400
    assert "Select a valid choice" in unknown.json()["error"]
    week.summer.refresh_from_db()
    assert week.summer.starts_at == _at(2019, 11, 2, 15)
    assert not ItineraryChange.objects.exists()


def test_a_time_the_clocks_skip_is_refused_in_words():
    city = CityFactory(name="Nashville", timezone="America/Chicago")
    item = ItineraryItemFactory(city=city, starts_at=_at(2020, 3, 7, 15), ends_at=_at(2020, 3, 7, 16))

    form = PlannerMoveForm(
        {"entry": f"item-{item.pk}", "start": "2020-03-08T02:30", "end": "2020-03-08T04:00"},
        entries=[item],
        cities=[city],
    )

    assert not form.is_valid()
    assert form.errors["start"] == [
        "02:30 does not exist on 2020-03-08 in Nashville: the clocks skip it for daylight saving time. "
        "Choose a time an hour later."
    ]


def _bulk(client, week, **data):
    return client.post(reverse("visits:planner_bulk", args=[week.visit.pk]), data)


def test_bulk_confirm_confirms_each_entry_and_records_each_change(client, week):
    response = _bulk(
        _client(client, week), week, entries=[f"item-{week.summer.pk}", f"item-{week.winter.pk}"], action="confirm"
    )

    assert response.status_code == 302
    statuses = dict(ItineraryItem.objects.values_list("title", "status"))
    assert statuses == {"Police": "confirmed", "Mayor": "confirmed", "Night": "requested"}
    assert sorted(ItineraryChange.objects.values_list("item_pk", flat=True)) == sorted([week.summer.pk, week.winter.pk])


def test_bulk_confirm_of_a_cancelled_entry_changes_nothing(client, week):
    week.coach.status = TravelLeg.Status.CANCELLED
    week.coach.save()

    response = _bulk(
        _client(client, week), week, entries=[f"item-{week.summer.pk}", f"leg-{week.coach.pk}"], action="confirm"
    )

    assert response.status_code == 400
    assert "Nothing was changed: “Coach Nashville → Chattanooga”: it is cancelled" in response.content.decode()
    assert ItineraryItem.objects.get(pk=week.summer.pk).status == "requested"
    assert not ItineraryChange.objects.exists()


def test_bulk_shift_moves_items_and_legs_by_real_minutes(client, week):
    response = _bulk(
        _client(client, week),
        week,
        entries=[f"item-{week.winter.pk}", f"leg-{week.coach.pk}"],
        action="shift",
        minutes="-30",
    )

    assert response.status_code == 302
    week.winter.refresh_from_db()
    week.coach.refresh_from_db()
    assert (week.winter.starts_at, week.winter.ends_at) == (_at(2019, 11, 3, 15, 30), _at(2019, 11, 3, 16, 30))
    assert (week.coach.departs_at, week.coach.arrives_at) == (_at(2019, 11, 5, 16, 30), _at(2019, 11, 5, 18, 45))
    assert ItineraryChange.objects.count() == 2


def test_bulk_shift_that_would_leave_the_visit_changes_nothing(client, week):
    response = _bulk(
        _client(client, week),
        week,
        entries=[f"item-{week.winter.pk}", f"item-{week.summer.pk}"],
        action="shift",
        minutes="-1440",
    )

    assert response.status_code == 400
    assert "Nothing was changed: “Police”: This item falls outside the visit" in response.content.decode()
    assert ItineraryItem.objects.get(pk=week.winter.pk).starts_at == _at(2019, 11, 3, 16)
    assert not ItineraryChange.objects.exists()


def test_bulk_without_a_choice_or_minutes_is_refused_in_words(client, week):
    client = _client(client, week)

    nothing_ticked = _bulk(client, week, action="confirm")
    no_minutes = _bulk(client, week, entries=[f"item-{week.summer.pk}"], action="shift")

    assert "Tick at least one entry first." in nothing_ticked.content.decode()
    assert "Give the number of minutes to shift by" in no_minutes.content.decode()
    assert (nothing_ticked.status_code, no_minutes.status_code) == (400, 400)


def test_a_day_nudge_keeps_the_wall_clock_across_the_change(client, week):
    response = _bulk(_client(client, week), week, nudge=f"item-{week.summer.pk} 1d")

    assert response.status_code == 302
    week.summer.refresh_from_db()
    # 10:00 CDT on the 2nd becomes 10:00 CST on the 3rd: 25 hours later.
    assert week.summer.starts_at == _at(2019, 11, 3, 16)


def test_the_add_form_from_the_planner_adds_the_item_and_stays_there(client, week):
    client = _client(client, week)
    data = {
        "title": "Walk",
        "kind": "meeting",
        "status": "requested",
        "city": week.chattanooga.pk,
        "day": "2019-11-06",
        "start_time": "09:00",
        "end_time": "10:00",
    }

    added = client.post(reverse("visits:planner_item_create", args=[week.visit.pk]), data)
    refused = client.post(reverse("visits:planner_item_create", args=[week.visit.pk]), {**data, "end_time": "08:00"})

    assert added.status_code == 302
    assert added.url == reverse("visits:planner", args=[week.visit.pk])
    assert ItineraryItem.objects.get(title="Walk").starts_at == _at(2019, 11, 6, 14)
    assert refused.status_code == 400
    assert (
        'id="planner-add" class="planner-dialog" aria-labelledby="planner-add-heading" data-open'
        in refused.content.decode()
    )
    assert ItineraryItem.objects.filter(title="Walk").count() == 1


def test_the_demo_programme_s_planner_across_the_2019_change(client, settings):
    import os

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from visits.models import StudyVisit

    settings.DEMO_PASSWORD = "correct horse battery staple"
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    visit = StudyVisit.objects.get(title="Belgian delegation in Nashville, Chattanooga and Washington DC")
    client.force_login(get_user_model().objects.get(email="officer@example.org"))

    data = _data(client.get(reverse("visits:planner", args=[visit.pk])))

    calendars = {calendar["name"]: calendar for calendar in data["calendars"]}
    assert list(calendars)[:3] == ["Nashville", "Chattanooga", "Washington"]
    nashville = {event["title"]: event for event in calendars["Nashville"]["events"]}
    dinner = next(event for title, event in nashville.items() if title.endswith("Welcome dinner with Meridian"))
    assert (dinner["start"], dinner["title"]) == (
        "2019-11-03T19:00",
        "19:00 CST–21:00 CST · Welcome dinner with Meridian",
    )
    coach = "Coach · 11:00 CST Nashville → 14:15 EST Chattanooga"
    assert (nashville[coach]["start"], nashville[coach]["end"]) == ("2019-11-05T11:00", "2019-11-05T13:15")
    there = {event["title"]: event for event in calendars["Chattanooga"]["events"]}
    assert (there[coach]["start"], there[coach]["end"]) == ("2019-11-05T12:00", "2019-11-05T14:15")
    arrival = next(title for title in nashville if "→ 16:40 CST Nashville" in title)
    assert nashville[arrival]["end"] == "2019-11-03T16:40"
