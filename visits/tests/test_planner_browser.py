"""The week planner in a real browser (Debian's Chromium), from a laptop window and a phone."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from partners.tests.factories import CityFactory
from visits.models import ItineraryItem
from visits.tests.factories import ItineraryItemFactory, PublishedVisitFactory, TravelLegFactory, VisitStopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "test-output"
PASSWORD = "correct horse battery staple"
UTC = dt.UTC


@pytest.fixture
def week(django_user_model):
    officer = django_user_model.objects.create_user(
        username="officer@example.org", email="officer@example.org", password=PASSWORD
    )
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
    police = ItineraryItemFactory(  # 10:00 CDT, the day before the change
        visit=visit, city=nashville, title="Police", starts_at=dt.datetime(2019, 11, 2, 15, tzinfo=UTC)
    )
    mayor = ItineraryItemFactory(  # 10:00 CST, the day of the change
        visit=visit, city=nashville, title="Mayor", starts_at=dt.datetime(2019, 11, 3, 16, tzinfo=UTC)
    )
    coach = TravelLegFactory(  # 11:00 CST Nashville → 14:15 EST Chattanooga
        visit=visit,
        from_city=nashville,
        to_city=chattanooga,
        departs_at=dt.datetime(2019, 11, 5, 17, tzinfo=UTC),
        arrives_at=dt.datetime(2019, 11, 5, 19, 15, tzinfo=UTC),
    )
    return type("Week", (), locals())


@pytest.fixture
def page(live_server, chromium):
    SCREENSHOTS.mkdir(exist_ok=True)
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    context.close()


def _sign_in(page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("officer@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def _calendar(page, city: str):
    return page.locator("section.planner-city", has=page.get_by_role("heading", name=city))


def _event(page, city: str, title: str):
    return _calendar(page, city).locator(".fc-timegrid-event", has_text=title)


def _slot_top(page, city: str, time: str) -> float:
    return _calendar(page, city).locator(f"td.fc-timegrid-slot-lane[data-time='{time}']").bounding_box()["y"]


def _column(page, city: str, day: str) -> dict:
    return _calendar(page, city).locator(f"td.fc-timegrid-col[data-date='{day}']").bounding_box()


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _moved(page, title: str) -> tuple[str, str]:
    """The new local start and end that the page's message gives for ``title`` ("11:00", "12:00")."""
    message = page.locator(".alert-success", has_text=f"“{title}” moved:")
    expect(message).to_be_visible()
    found = re.search(r"moved: (\d\d:\d\d) CST–(\d\d:\d\d) CST", message.inner_text())
    return found.group(1), found.group(2)


def _cst(clock: str) -> dt.datetime:
    hours, minutes = map(int, clock.split(":"))
    return dt.datetime(2019, 11, 3, hours + 6, minutes, tzinfo=UTC)


def _drag(page, start: tuple[float, float], end: tuple[float, float]) -> None:
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=20)
    page.mouse.up()


def test_the_planner_shows_each_city_on_its_own_clock_and_moves_entries(page, week):
    _sign_in(page)
    page.goto(f"/visits/{week.visit.pk}/")
    page.get_by_role("link", name="Week planner").click()

    expect(page.get_by_role("heading", name="Week planner: " + week.visit.title)).to_be_visible()
    # Both 10:00 meetings sit on the 10:00 row: CDT on the 2nd, CST on the 3rd, an hour apart in UTC.
    police, mayor = _event(page, "Nashville", "Police"), _event(page, "Nashville", "Mayor")
    expect(police).to_contain_text("10:00 CDT–11:00 CDT · Police")
    expect(mayor).to_contain_text("10:00 CST–11:00 CST · Mayor")
    ten = _slot_top(page, "Nashville", "10:00:00")
    assert abs(police.bounding_box()["y"] - ten) < 3
    assert abs(mayor.bounding_box()["y"] - ten) < 3
    # The coach leaves at 11:00 on Nashville's clock and is at 12:00 on Chattanooga's.
    label = "Coach · 11:00 CST Nashville → 14:15 EST Chattanooga"
    leg_here, leg_there = _event(page, "Nashville", "Coach"), _event(page, "Chattanooga", "Coach")
    expect(leg_here).to_contain_text(label)
    expect(leg_there).to_contain_text(label)
    assert abs(leg_here.bounding_box()["y"] - _slot_top(page, "Nashville", "11:00:00")) < 3
    assert abs(leg_there.bounding_box()["y"] - _slot_top(page, "Chattanooga", "12:00:00")) < 3
    _no_sideways_scroll(page)
    page.screenshot(path=SCREENSHOTS / "planner-1280.png", full_page=True)
    # Asked again, the page comes from the page cache with a new nonce: FullCalendar's stylesheet
    # still applies (the grid lines up, and no CSP refusal reaches the console).
    assert page.reload().headers["x-page-cache"] == "hit"
    ten = _slot_top(page, "Nashville", "10:00:00")
    assert abs(_event(page, "Nashville", "Police").bounding_box()["y"] - ten) < 3
    mayor = _event(page, "Nashville", "Mayor")
    assert abs(mayor.bounding_box()["y"] - ten) < 3

    # Drag the mayor about an hour later; where it lands is what the page says and what is stored.
    box = mayor.bounding_box()
    hour = _slot_top(page, "Nashville", "11:00:00") - ten
    _drag(page, (box["x"] + box["width"] / 2, box["y"] + 4), (box["x"] + box["width"] / 2, box["y"] + 4 + hour))
    start, end = _moved(page, "Mayor")
    week.mayor.refresh_from_db()
    assert (week.mayor.starts_at, week.mayor.ends_at) == (_cst(start), _cst(end))
    assert (
        dt.timedelta(minutes=45)
        <= week.mayor.starts_at - dt.datetime(2019, 11, 3, 16, tzinfo=UTC)
        <= dt.timedelta(minutes=75)
    )
    assert week.mayor.ends_at - week.mayor.starts_at == dt.timedelta(hours=1)
    minutes_after_ten = (int(start[:2]) - 10) * 60 + int(start[3:])
    new_top = _slot_top(page, "Nashville", "10:00:00") + hour * minutes_after_ten / 60  # the message moved the grid
    assert abs(_event(page, "Nashville", "Mayor").bounding_box()["y"] - new_top) < 3

    # Resize it: its end about half an hour later, its start unchanged.
    mayor = _event(page, "Nashville", "Mayor")
    mayor.hover()
    box = mayor.locator(".fc-event-resizer-end").bounding_box()
    middle = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    with page.expect_navigation():
        _drag(page, middle, (middle[0], middle[1] + hour / 2))
    resized_start, resized_end = _moved(page, "Mayor")
    week.mayor.refresh_from_db()
    assert (resized_start, week.mayor.ends_at) == (start, _cst(resized_end))
    assert dt.timedelta(minutes=75) <= week.mayor.ends_at - week.mayor.starts_at <= dt.timedelta(minutes=105)

    # The keyboard: Alt+Down moves the focused block by 15 minutes, Enter opens its form.
    police = _event(page, "Nashville", "Police")
    police.focus()
    page.keyboard.press("Alt+ArrowDown")
    expect(page.get_by_text("“Police” moved: 10:15 CDT–11:15 CDT · Police.")).to_be_visible()
    week.police.refresh_from_db()
    assert week.police.starts_at == dt.datetime(2019, 11, 2, 15, 15, tzinfo=UTC)
    expect(_event(page, "Nashville", "Police")).to_be_focused()
    page.keyboard.press("Alt+ArrowRight")
    expect(page.get_by_text("“Police” moved: 10:15 CST–11:15 CST · Police.")).to_be_visible()
    week.police.refresh_from_db()
    assert week.police.starts_at == dt.datetime(2019, 11, 3, 16, 15, tzinfo=UTC)  # same wall clock, 25 h later
    page.keyboard.press("Enter")
    expect(page.get_by_role("form", name="Edit item")).to_be_visible()
    page.goto(f"/visits/{week.visit.pk}/planner/")

    # The add form opens on the planner, at the slot clicked: Chattanooga, 6 November, 15:00.
    _calendar(page, "Chattanooga").locator(
        "td.fc-timegrid-slot-lane[data-time='15:00:00']"
    ).scroll_into_view_if_needed()
    column = _column(page, "Chattanooga", "2019-11-06")
    page.mouse.click(column["x"] + column["width"] / 2, _slot_top(page, "Chattanooga", "15:00:00") + 5)
    dialog = page.get_by_role("dialog", name="Add an itinerary item")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#id_city")).to_have_value(str(week.chattanooga.pk))
    expect(dialog.locator("#id_day")).to_have_value("2019-11-06")
    expect(dialog.locator("#id_start_time")).to_have_value("15:00")
    expect(dialog.locator("#id_end_time")).to_have_value("16:00")
    page.screenshot(path=SCREENSHOTS / "planner-add.png")
    dialog.locator("#id_title").fill("Riverwalk")
    dialog.get_by_role("button", name="Add item").click()
    expect(page.get_by_text("“Riverwalk” added to the itinerary.")).to_be_visible()
    assert ItineraryItem.objects.get(title="Riverwalk").starts_at == dt.datetime(2019, 11, 6, 20, tzinfo=UTC)
    expect(_event(page, "Chattanooga", "Riverwalk")).to_contain_text("15:00 EST–16:00 EST · Riverwalk")

    # Bulk: shift two entries by 30 minutes, then confirm them.
    entries = page.locator("#planner-entries")
    entries.get_by_role("checkbox", name="Riverwalk").check()
    entries.get_by_role("checkbox", name="Coach · 11:00 CST").check()
    entries.get_by_label("Minutes (negative moves earlier)").fill("30")
    entries.get_by_role("button", name="Shift selected").click()
    expect(page.get_by_text("2 entries moved:")).to_be_visible()
    week.coach.refresh_from_db()
    assert week.coach.departs_at == dt.datetime(2019, 11, 5, 17, 30, tzinfo=UTC)
    assert ItineraryItem.objects.get(title="Riverwalk").starts_at == dt.datetime(2019, 11, 6, 20, 30, tzinfo=UTC)
    entries.get_by_role("checkbox", name="Riverwalk").check()
    entries.get_by_role("checkbox", name="Coach · 11:30 CST").check()
    entries.get_by_role("button", name="Confirm selected").click()
    expect(page.get_by_text("2 entries confirmed.")).to_be_visible()
    week.coach.refresh_from_db()
    assert (week.coach.status, ItineraryItem.objects.get(title="Riverwalk").status) == ("confirmed", "confirmed")
    _no_sideways_scroll(page)

    assert page.console_errors == []


def test_a_refused_drag_is_said_in_words_and_put_back(page, week):
    _sign_in(page)
    page.goto(f"/visits/{week.visit.pk}/planner/")
    police = _event(page, "Nashville", "Police")
    box = police.bounding_box()
    ten = _slot_top(page, "Nashville", "10:00:00")
    hour = _slot_top(page, "Nashville", "11:00:00") - ten
    # Another officer deletes it while this page is open.
    ItineraryItem.objects.filter(pk=week.police.pk).delete()

    _drag(page, (box["x"] + box["width"] / 2, box["y"] + 4), (box["x"] + box["width"] / 2, box["y"] + 4 + hour))

    expect(page.locator("#planner-status")).to_contain_text("Nothing was moved: Select a valid choice.")
    expect(page.locator("#planner-status")).to_have_class("alert alert-danger")
    ten = _slot_top(page, "Nashville", "10:00:00")  # the message moved the grid down
    assert abs(_event(page, "Nashville", "Police").bounding_box()["y"] - ten) < 3  # put back

    # The form alternative says the same in words, on the page.
    page.get_by_text("Move an entry by typing its new times").click()
    form = page.locator("#planner-move")
    form.get_by_label("Entry").select_option(label="Coach · 11:00 CST Nashville → 14:15 EST Chattanooga")
    form.get_by_label("New start (local time)").fill("2019-11-05T13:00")
    form.get_by_label("New end (local time)").fill("2019-11-05T12:00")
    form.get_by_role("button", name="Move entry").click()
    expect(page.get_by_text("Nothing was moved: An entry must end after it starts.")).to_be_visible()
    week.coach.refresh_from_db()
    assert week.coach.departs_at == dt.datetime(2019, 11, 5, 17, tzinfo=UTC)
    # The two 400 answers are the only console lines: failed requests, no script or CSP error.
    assert len(page.console_errors) == 2, page.console_errors
    assert all("400" in error for error in page.console_errors), page.console_errors


def test_the_planner_on_a_phone_and_in_french(page, week):
    _sign_in(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/fr/visits/{week.visit.pk}/planner/")

    expect(page.get_by_role("heading", name="Planning de la semaine : " + week.visit.title)).to_be_visible()
    nashville = _calendar(page, "Nashville")
    expect(nashville.locator(".fc-list")).to_be_visible()
    expect(nashville.locator(".fc-list-day").first).to_contain_text("2 novembre 2019")
    expect(nashville.locator(".fc-list-event", has_text="Police")).to_contain_text("10:00 CDT–11:00 CDT · Police")
    _no_sideways_scroll(page)
    page.screenshot(path=SCREENSHOTS / "planner-390-fr.png", full_page=True)

    assert page.console_errors == []
