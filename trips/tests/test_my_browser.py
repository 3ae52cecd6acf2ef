"""The demo delegate on a phone: sign in, open the 2019 itinerary, lose the network, still read it."""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from accounts.models import AccountLanguage
from visits.models import StudyVisit

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
PASSWORD = "demo-password-for-browser-tests"


@pytest.fixture
def demo_visit(transactional_db, settings):
    settings.DEMO_PASSWORD = PASSWORD
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # The demo delegate's preferred language is French; this test reads the page they chose in English.
    AccountLanguage.objects.create(user=get_user_model().objects.get(email="delegate@example.org"), language="en")
    return StudyVisit.objects.get(title="Belgian delegation in Nashville, Chattanooga and Washington DC")


@pytest.mark.browser
def test_demo_delegate_reads_the_itinerary_on_a_phone_without_network(live_server, demo_visit, chromium):
    from playwright.sync_api import expect

    itinerary_path = reverse("my:itinerary", args=[demo_visit.pk])
    OUTPUT.mkdir(exist_ok=True)
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + reverse("account_login"))
        page.fill("input[name=login]", "delegate@example.org")
        page.fill("input[name=password]", PASSWORD)
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state()

        page.goto(live_server.url + reverse("my:visit_list"))
        visit_links = page.locator("main a.fw-semibold")
        expect(visit_links).to_have_count(1)
        visit_links.first.click()
        page.wait_for_url(f"**{itinerary_path}")

        expect(page.get_by_role("heading", level=1)).to_have_text(demo_visit.title)
        arrival = page.locator("li.journey", has_text="Nashville International Airport")
        expect(arrival.locator(".local-time")).to_have_text(["10:05 CET", "16:40 CST"])
        chattanooga = page.locator("li.itinerary-item", has_text="Community empowerment: youth, education and culture")
        expect(chattanooga.locator(".local-time")).to_have_text("15:00–17:00 EST")
        expect(chattanooga.locator(".home-time")).to_have_text("(home 21:00–23:00 CET)")
        page.screenshot(path=str(OUTPUT / "delegate-itinerary-phone.png"), full_page=True)

        # The service worker keeps the page once it has been seen with a network.
        # (Evaluated in a loop: wait_for_function takes an async function's promise for true.)
        saved = """async (path) => {
            const registration = await navigator.serviceWorker.ready;
            const names = (await caches.keys()).filter((name) => name.startsWith("cx-my-"));
            if (!registration.active || names.length !== 1) return false;
            return Boolean(await (await caches.open(names[0])).match(path));
        }"""
        for _attempt in range(150):
            if page.evaluate(saved, itinerary_path):
                break
            page.wait_for_timeout(200)

        context.set_offline(True)
        page.reload()

        expect(page.get_by_role("heading", level=1)).to_have_text(demo_visit.title)
        expect(arrival.locator(".local-time")).to_have_text(["10:05 CET", "16:40 CST"])
        expect(page.locator("#offline-saved")).to_contain_text("you are offline")
        page.screenshot(path=str(OUTPUT / "delegate-itinerary-offline.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.browser
def test_officer_enters_a_leg_across_two_zones_and_the_delegates_phone_shows_it(
    live_server, transactional_db, chromium
):
    """The officer types each end's wall clock on a laptop; the delegate's phone shows both, and the change."""
    from django.contrib.auth import get_user_model
    from playwright.sync_api import expect

    from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
    from partners.tests.factories import CityFactory
    from visits.models import TravelLeg
    from visits.tests.factories import PublishedVisitFactory, VisitStopFactory

    users = get_user_model().objects
    officer = users.create_user(username="officer@example.org", email="officer@example.org", password=PASSWORD)
    delegate = users.create_user(username="camille@example.org", email="camille@example.org", password=PASSWORD)
    nashville = CityFactory(name="Nashville", country="US", timezone="America/Chicago")
    chattanooga = CityFactory(name="Chattanooga", country="US", timezone="America/New_York")
    visit = PublishedVisitFactory(title="Belgians in Tennessee")
    visit.programme.officers.add(officer)
    VisitStopFactory(visit=visit, city=nashville, departs_on=dt.date(2019, 11, 5))
    VisitStopFactory(visit=visit, city=chattanooga, position=2, arrives_on=dt.date(2019, 11, 5))
    DelegationMemberFactory(
        delegation=visit.delegation,
        participant=ParticipantFactory(user=delegate, email="camille@example.org", first_name="Camille"),
    )
    OUTPUT.mkdir(exist_ok=True)

    laptop = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = laptop.new_page()
    try:
        _sign_in(page, "officer@example.org")
        page.goto(reverse("visits:visit_detail", args=[visit.pk]))
        form = page.locator("#add-leg")
        form.get_by_label("Kind").select_option(label="Coach")
        form.get_by_label("Status").select_option(label="Confirmed")
        form.locator("#id_leg-from_city").select_option(label="Nashville (US)")
        form.locator("#id_leg-to_city").select_option(label="Chattanooga (US)")
        form.get_by_label("Departure date").fill("2019-11-05")
        form.get_by_label("Departs (local time at the start)").fill("11:00")
        form.get_by_label("Arrives (local time at the end)").fill("14:15")
        form.get_by_label("Carrier").fill("Example Coaches")
        form.get_by_role("button", name="Add travel leg").click()
        expect(page.get_by_text("“Coach Nashville → Chattanooga” added to the itinerary.")).to_be_visible()
        leg_line = page.locator("#itinerary li.travel-leg .leg-times")
        expect(leg_line).to_contain_text("Coach · 11:00 CST Nashville → 14:15 EST Chattanooga")
        page.screenshot(path=str(OUTPUT / "officer-leg-across-zones.png"), full_page=True)
    finally:
        laptop.close()
    leg = TravelLeg.objects.get()
    assert (leg.departs_at, leg.arrives_at) == (
        dt.datetime(2019, 11, 5, 17, tzinfo=dt.UTC),
        dt.datetime(2019, 11, 5, 19, 15, tzinfo=dt.UTC),
    )

    phone = chromium.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = phone.new_page()
    try:
        _sign_in(page, "camille@example.org")
        page.goto(reverse("my:itinerary", args=[visit.pk]))
        journey = page.locator("li.journey-leg")
        expect(journey.locator(".local-time")).to_have_text(["11:00 CST", "14:15 EST"])
        expect(journey).to_contain_text("Nashville")
        expect(journey).to_contain_text("Chattanooga")
        expect(page.locator("li.zone-change")).to_have_text("The clocks move forward one hour: Central to Eastern.")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(OUTPUT / "delegate-leg-phone.png"), full_page=True)
    finally:
        phone.close()


def _sign_in(page, email: str) -> None:
    page.goto(reverse("account_login"))
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
