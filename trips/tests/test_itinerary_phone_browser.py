"""The demo delegate's itinerary on a 390×844 phone, measured in Chromium: what the first screen
shows, what a thumb can hit, what the Now / Next card says, and what a change leaves behind."""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from accounts.models import AccountLanguage
from trips.models import Accommodation
from trips.views import my as my_views
from visits.models import ItineraryItem, StudyVisit
from visits.services import itinerary_item_update

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
PASSWORD = "demo-password-for-browser-tests"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
TITLE = "Belgian delegation in Nashville, Chattanooga and Washington DC"

# Every link, button and menu in the page's main part: its box, and whether it is a primary action.
TARGETS_JS = """() => Array.from(document.querySelectorAll("main a, main button, main summary, main select"))
  .filter((el) => el.offsetParent !== null && !el.classList.contains("visually-hidden-focusable"))
  .map((el) => { const box = el.getBoundingClientRect();
    return {text: el.textContent.trim().slice(0, 40), width: box.width, height: box.height,
            primary: el.matches(".btn-touch, .actions-menu > summary, .actions-menu-item")}; })"""

# WCAG relative luminance contrast of each element's text on the first opaque background behind it.
CONTRAST_JS = """(selector) => {
  const rgb = (text) => text.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0.99) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  return Array.from(document.querySelectorAll(selector)).filter((el) => el.offsetParent !== null).map((el) => {
    const fg = lum(rgb(getComputedStyle(el).color)), bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    return {selector, text: el.textContent.trim().slice(0, 30), ratio};
  });
}"""

# A box's top within the first ``limit`` px of the screen, once a (smooth) scroll has settled.
LANDED_JS = """([selector, limit]) => { const top = document.querySelector(selector).getBoundingClientRect().top;
  return top >= 0 && top < limit; }"""

OVERLAPS_JS = """() => {
  const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const headings = Array.from(document.querySelectorAll(".day-heading")).map((h) => h.getBoundingClientRect());
  return Array.from(document.querySelectorAll(".itinerary-item .local-time"))
    .filter((t) => headings.some((h) => hit(h, t.getBoundingClientRect())))
    .map((t) => t.textContent);
}"""

NEW_ELEMENTS = [
    ".actions-menu > summary",
    ".actions-menu-item",
    ".jump-to-today",
    ".now-next-label",
    ".now-next-title",
    ".now-next-when",
    ".map-app",
    ".web-map",
    ".tel-link",
    ".host-contact",
    ".was del",
    ".item-badges .badge",
    ".changes-banner p",
    ".changed-link",
    ".day-heading",
    ".generated-at",
]


@pytest.fixture
def demo_visit(transactional_db, settings):
    settings.DEMO_PASSWORD = PASSWORD
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    visit = StudyVisit.objects.get(title=TITLE)
    user = get_user_model().objects.get(email="delegate@example.org")
    AccountLanguage.objects.update_or_create(user=user, defaults={"language": "en"})
    Accommodation.objects.create(
        visit=visit,
        participant=user.participant,
        name="Union Station Hotel",
        city=visit.stops.first().city,
        address="1001 Broadway",
        phone="+1 615 726 1001",
        check_in=dt.date(2019, 11, 3),
        check_out=dt.date(2019, 11, 5),
    )
    items = ItineraryItem.objects.filter(visit=visit)
    contact = {"host_contact_role": "Community liaison", "host_contact_phone": "+1 615 555 0100"}
    items.filter(title="Inter-faith dialogue and social cohesion").update(
        host_contact="Rev. Example Shared", host_contact_shared=True, **contact
    )
    items.filter(title="Community empowerment: youth, education and culture").update(
        host_contact="Ms Example Private", host_contact_shared=False, **contact
    )
    return visit


def _sign_in(page, live_server) -> None:
    page.goto(live_server.url + reverse("account_login"))
    page.fill("input[name=login]", "delegate@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def _no_sideways_scrolling(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_first_entry_leads_the_first_screen(live_server, demo_visit, chromium, language):
    prefix = "/fr" if language == "fr" else ""
    context = chromium.new_context(**PHONE)
    page = context.new_page()
    try:
        _sign_in(page, live_server)
        page.goto(live_server.url + prefix + reverse("my:itinerary", args=[demo_visit.pk]))
        first_time = page.locator(".itinerary-day .local-time").first
        box = first_time.bounding_box()
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / f"delegate-itinerary-first-screen-{language}.png"))

        assert first_time.text_content() == "10:05 CET"
        # Was 687 px (786 px in French), below six buttons; now under the title and one menu.
        assert box["y"] + box["height"] < 420, box
        _no_sideways_scrolling(page)

        page.set_viewport_size({"width": 1280, "height": 800})  # and still fine on a laptop
        page.reload()
        box = page.locator(".itinerary-day .local-time").first.bounding_box()
        page.screenshot(path=str(OUTPUT / f"delegate-itinerary-first-screen-{language}-1280.png"))

        assert box["y"] + box["height"] < 400, box
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    finally:
        context.close()


@pytest.mark.browser
def test_on_a_travel_day_the_phone_shows_now_and_next_and_jumps_to_today(
    live_server, demo_visit, chromium, monkeypatch
):
    from playwright.sync_api import expect

    # 09:45 in Nashville on 5 November 2019: the inter-faith meeting is on, the coach leaves at 11:00.
    monkeypatch.setattr(my_views, "_now", lambda: dt.datetime(2019, 11, 5, 15, 45, tzinfo=dt.UTC))
    context = chromium.new_context(**PHONE)
    page = context.new_page()
    try:
        _sign_in(page, live_server)
        page.goto(live_server.url + reverse("my:itinerary", args=[demo_visit.pk]))
        card = page.locator(".now-next")
        expect(card.locator(".now-entry .now-next-title")).to_have_text("Inter-faith dialogue and social cohesion")
        expect(card.locator(".now-entry .now-next-when")).to_contain_text("until 10:30 CST")
        expect(card.locator(".next-entry .now-next-title")).to_have_text("Coach · Nashville → Chattanooga")
        expect(card.locator(".next-entry .local-time")).to_have_text("Tue 5 Nov · 11:00 CST")
        expect(card.locator(".next-entry .map-app")).to_have_attribute(
            "href", "geo:0,0?q=Downtown%20Nashville%20hotel%2C%20Nashville"
        )
        card_box = card.bounding_box()
        assert card_box["y"] + card_box["height"] < 844, card_box
        page.screenshot(path=str(OUTPUT / "delegate-itinerary-now-next.png"))

        page.locator(".jump-to-today").click()
        heading = page.locator("#day-2019-11-05")
        expect(heading).to_have_text("Tuesday 5 November 2019")
        page.wait_for_function(LANDED_JS, arg=["#day-2019-11-05", 100])
        _no_sideways_scrolling(page)
    finally:
        context.close()


@pytest.mark.browser
def test_day_headings_never_cover_an_entry_while_scrolling(live_server, demo_visit, chromium):
    context = chromium.new_context(**PHONE)
    page = context.new_page()
    try:
        _sign_in(page, live_server)
        page.goto(live_server.url + reverse("my:itinerary", args=[demo_visit.pk]))
        overlaps = []
        height = page.evaluate("document.documentElement.scrollHeight")
        for y in range(0, height, 97):  # an odd step, so entries land at every height under the top
            page.evaluate("(y) => window.scrollTo(0, y)", y)
            overlaps += page.evaluate(OVERLAPS_JS)
        entry = page.locator(".itinerary-item", has_text="Community empowerment").first
        entry.scroll_into_view_if_needed()
        entry_box = entry.locator(".local-time").bounding_box()

        assert overlaps == []
        assert entry_box["y"] >= 0
    finally:
        context.close()


@pytest.mark.browser
def test_every_target_is_big_enough_to_hit_and_phone_and_map_links_are_there(live_server, demo_visit, chromium):
    from playwright.sync_api import expect

    context = chromium.new_context(**PHONE)
    page = context.new_page()
    try:
        _sign_in(page, live_server)
        page.goto(live_server.url + reverse("my:itinerary", args=[demo_visit.pk]))
        page.locator(".actions-menu > summary").click()
        expect(page.locator(".actions-menu-item").first).to_be_visible()
        targets = page.evaluate(TARGETS_JS)
        small = [t for t in targets if t["width"] < 24 or t["height"] < 24]
        small_primary = [t for t in targets if t["primary"] and t["height"] < 44]
        page.screenshot(path=str(OUTPUT / "delegate-itinerary-menu.png"))

        assert len([t for t in targets if t["primary"]]) > 20
        assert small == []
        assert small_primary == []
        expect(page.locator(".stay-check_in .tel-link")).to_have_attribute("href", "tel:+16157261001")
        expect(page.locator(".stay-check_in .map-app")).to_have_attribute(
            "href", "geo:0,0?q=1001%20Broadway%2C%20Nashville"
        )
        expect(page.locator(".stay-check_in .web-map")).to_have_attribute(
            "href", "https://www.openstreetmap.org/search?query=1001%20Broadway%2C%20Nashville"
        )
        expect(page.locator(".host-contact")).to_have_count(1)
        expect(page.locator(".host-contact")).to_contain_text("Your host: Rev. Example Shared · Community liaison")
        expect(page.locator(".host-contact .tel-link")).to_have_attribute("href", "tel:+16155550100")
        expect(page.get_by_text("Ms Example Private")).to_have_count(0)
        _no_sideways_scrolling(page)
    finally:
        context.close()


@pytest.mark.browser
def test_a_moved_meeting_stays_struck_through_after_a_reload_and_the_banner_leads_to_it(
    live_server, demo_visit, chromium
):
    from playwright.sync_api import expect

    context = chromium.new_context(**PHONE)
    page = context.new_page()
    try:
        _sign_in(page, live_server)
        itinerary = live_server.url + reverse("my:itinerary", args=[demo_visit.pk])
        page.goto(itinerary)  # the delegate has seen the programme
        # The demo's 2019 visit is over (completed); changes are recorded, for digests and marks, while it is on.
        StudyVisit.objects.filter(pk=demo_visit.pk).update(status=StudyVisit.Status.PUBLISHED)
        item = ItineraryItem.objects.get(visit=demo_visit, title="Community empowerment: youth, education and culture")
        itinerary_item_update(
            item,
            by=None,
            starts_at=item.starts_at + dt.timedelta(hours=1),
            ends_at=item.ends_at + dt.timedelta(hours=1),
        )
        page.goto(itinerary)
        page.reload()

        entry = page.locator(f"#item-{item.pk}")
        expect(entry.locator(".local-time")).to_have_text("16:00–18:00 EST")
        expect(entry.locator(".was del")).to_have_text("15:00–17:00 EST")
        expect(entry.locator(".was .visually-hidden")).to_have_text("was ")
        banner = page.locator(".changes-banner")
        expect(banner).to_contain_text("One entry changed since")
        expect(banner).to_contain_text("CST:")
        page.locator(".changed-link").click()
        expect(page).to_have_url(f"{itinerary}#item-{item.pk}")
        page.wait_for_function(LANDED_JS, arg=[f"#item-{item.pk} .local-time", 800])
        page.screenshot(path=str(OUTPUT / "delegate-itinerary-changed.png"))
        _no_sideways_scrolling(page)

        ratios = [r for selector in NEW_ELEMENTS for r in page.evaluate(CONTRAST_JS, selector)]
        page.locator(".actions-menu > summary").click()
        ratios += page.evaluate(CONTRAST_JS, ".actions-menu-item")
        low = [r for r in ratios if r["ratio"] < 4.5]
        measured = {r["selector"] for r in ratios}
    finally:
        context.close()

    assert low == []
    assert measured >= {".was del", ".changed-link", ".actions-menu-item", ".map-app", ".tel-link", ".day-heading"}
