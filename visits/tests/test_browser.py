"""An officer builds a visit over two time zones in a real browser (Debian's Chromium)."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from partners.tests.factories import CityFactory, OrganisationFactory
from visits.models import ItineraryItem, StudyVisit
from visits.tests.factories import ProgrammeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "test-output"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def page(live_server, chromium):
    SCREENSHOTS.mkdir(exist_ok=True)
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def officer(django_user_model):
    user = django_user_model.objects.create_user(
        username="officer@example.org", email="officer@example.org", password=PASSWORD
    )
    ProgrammeFactory(name="City Pair").officers.add(user)
    return user


def _sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def _add_stop(page, city: str, arrives: str, departs: str) -> None:
    page.locator("#host-cities summary").click()
    page.locator("#id_stop-city").select_option(label=city)
    page.locator("#id_stop-arrives_on").fill(arrives)
    page.locator("#id_stop-departs_on").fill(departs)
    page.get_by_role("button", name="Add host city").click()
    expect(page.get_by_text("Host city added.")).to_be_visible()


def _add_item(page, title: str, city: str, day: str, start: str, end: str) -> None:
    form = page.locator("#add-item")
    form.locator("#id_title").fill(title)
    form.locator("#id_city").select_option(label=city)
    form.locator("#id_day").fill(day)
    form.locator("#id_start_time").fill(start)
    form.locator("#id_end_time").fill(end)
    form.get_by_role("button", name="Add item").click()
    expect(page.get_by_text(f"“{title}” added to the itinerary.")).to_be_visible()


def _item(page, title: str):
    return page.locator(".itinerary-item").filter(has=page.locator(".item-title", has_text=title))


def test_officer_builds_and_publishes_a_visit_over_two_time_zones(page, officer):
    CityFactory(name="Nashville", country="US", timezone="America/Chicago")
    CityFactory(name="Chattanooga", country="US", timezone="America/New_York")
    OrganisationFactory(name="Metro Nashville Police Department")

    _sign_in(page, "officer@example.org")
    page.screenshot(path=SCREENSHOTS / "dashboard.png", full_page=True)
    page.goto("/visits/new/")
    page.get_by_label("Programme").select_option(label="City Pair")
    page.get_by_label("Title").fill("Belgian delegation in Tennessee")
    page.get_by_label("Starts on").fill("2019-11-03")
    page.get_by_label("Ends on").fill("2019-11-09")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Belgian delegation in Tennessee")).to_be_visible()

    _add_stop(page, "Nashville (US)", "2019-11-03", "2019-11-05")
    _add_stop(page, "Chattanooga (US)", "2019-11-05", "2019-11-06")
    _add_item(page, "Community policing in Nashville", "Nashville (US)", "2019-11-04", "09:00", "10:30")
    _add_item(page, "Restorative justice", "Nashville (US)", "2019-11-04", "10:00", "11:00")
    _add_item(page, "Youth and culture", "Chattanooga (US)", "2019-11-05", "15:00", "17:00")

    expect(page.locator(".warning-overlap")).to_have_count(2)
    expect(_item(page, "Community policing in Nashville").locator(".item-time")).to_contain_text("09:00–10:30 CST")
    expect(_item(page, "Youth and culture").locator(".item-time")).to_contain_text("15:00–17:00 EST")
    page.screenshot(path=SCREENSHOTS / "visit-detail.png", full_page=True)

    page.get_by_role("link", name="Publish…").click()
    # The visit of 2019 has ended: publishing asks before emailing anyone (nobody is confirmed here).
    page.get_by_label("This visit ended on 9 Nov 2019. Email 0 delegates about it anyway?").check()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".visit-status")).to_have_text("Published")

    visit = StudyVisit.objects.get(title="Belgian delegation in Tennessee")
    assert visit.status == StudyVisit.Status.PUBLISHED
    assert sorted(
        (item.title, item.starts_at) for item in ItineraryItem.objects.filter(visit=visit).order_by("starts_at")
    ) == [
        ("Community policing in Nashville", dt.datetime(2019, 11, 4, 15, 0, tzinfo=dt.UTC)),
        ("Restorative justice", dt.datetime(2019, 11, 4, 16, 0, tzinfo=dt.UTC)),
        ("Youth and culture", dt.datetime(2019, 11, 5, 20, 0, tzinfo=dt.UTC)),
    ]


MAIN_PAGES = {
    "dashboard": "/",
    "programmes": "/programmes/",
    "visits": "/visits/",
    "delegations": "/delegations/",
    "participants": "/participants/",
    "follow-ups": "/follow-ups/",
    "organisations": "/organisations/",
    "cities": "/cities/",
    "memberships": "/memberships/",
    "themes": "/themes/",
}


def test_demo_pages_in_english_and_french_and_closed_to_the_other_officer(page, settings):
    from django.core.management import call_command

    from delegations.models import Delegation

    settings.DEMO_PASSWORD = PASSWORD
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    visit = StudyVisit.objects.get(title="Belgian delegation in Nashville, Chattanooga and Washington DC")
    delegation = Delegation.objects.get(visits=visit)

    _sign_in(page, "officer@example.org")
    for name, url in MAIN_PAGES.items():
        response = page.goto(url)
        assert response.status == 200, name
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    page.goto(f"/visits/{visit.pk}/")
    flight = page.locator("#itinerary li.travel-leg .leg-times", has_text="Chattanooga →")
    expect(flight).to_contain_text("Flight · 18:10 EST Chattanooga → 20:05 EST Washington")
    page.screenshot(path=SCREENSHOTS / "visit-2019.png", full_page=True)
    page.goto(f"/delegations/{delegation.pk}/")
    page.screenshot(path=SCREENSHOTS / "delegation-roster.png", full_page=True)

    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert page.url.endswith(f"/fr/delegations/{delegation.pk}/")
    page.goto(f"/fr/visits/{visit.pk}/")
    page.screenshot(path=SCREENSHOTS / "visit-2019-fr.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=SCREENSHOTS / "visit-2019-fr-phone.png", full_page=True)

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("officer2@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    for url in (f"/visits/{visit.pk}/", f"/programmes/{visit.programme_id}/", f"/delegations/{delegation.pk}/"):
        assert page.goto(url).status == 404, url
    page.goto("/visits/")
    expect(page.locator("main table tbody tr")).to_have_count(1)
    expect(page.locator("main table tbody")).to_contain_text("Strasbourg delegation in Barcelona")
