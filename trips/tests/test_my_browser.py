"""The demo delegate on a phone: sign in, open the 2019 itinerary, lose the network, still read it."""

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
        arrival = page.locator("li.itinerary-item", has_text="Arrival at Nashville International Airport")
        expect(arrival.locator(".local-time")).to_have_text("14:05–16:40 CST")
        expect(arrival.locator(".home-time")).to_have_text("(home 21:05–23:40 CET)")
        chattanooga = page.locator("li.itinerary-item", has_text="Community empowerment: youth, education and culture")
        expect(chattanooga.locator(".local-time")).to_have_text("15:00–17:00 EST")
        page.screenshot(path=str(OUTPUT / "delegate-itinerary-phone.png"), full_page=True)

        # The service worker keeps the page once it has been seen with a network.
        page.wait_for_function(
            """async (path) => {
                const registration = await navigator.serviceWorker.ready;
                const cache = await caches.open("cx-pages-v1");
                return Boolean(registration.active && await cache.match(path));
            }""",
            arg=itinerary_path,
            timeout=30_000,
        )

        context.set_offline(True)
        page.reload()

        expect(page.get_by_role("heading", level=1)).to_have_text(demo_visit.title)
        expect(arrival.locator(".local-time")).to_have_text("14:05–16:40 CST")
        expect(page.locator("#offline-status")).to_contain_text("offline")
        page.screenshot(path=str(OUTPUT / "delegate-itinerary-offline.png"), full_page=True)
    finally:
        context.close()
