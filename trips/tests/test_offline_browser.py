"""A delegate's phone (390×844, Central time): open /my/ once online, then read every visit's
itinerary, PDF and contacts sheet with no network, each saying when it was saved; signing out
leaves nothing of theirs for the next person on the same phone."""

import datetime as dt
import json
import re
import time
import zoneinfo
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from delegations.models import DelegationMember
from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from partners.tests.factories import CityFactory
from trips.models import Accommodation
from visits.tests.factories import ItineraryItemFactory, PublishedVisitFactory

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
PASSWORD = "offline-password-for-browser-tests"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
CENTRAL = zoneinfo.ZoneInfo("America/Chicago")

pytestmark = pytest.mark.browser

# Every page of the person's that the phone keeps, as the cache holds them, once /my/ was seen.
KEPT = """async (paths) => {
    const names = (await caches.keys()).filter((name) => name.startsWith("cx-my-"));
    if (names.length !== 1) return false;
    const cache = await caches.open(names[0]);
    const hits = await Promise.all(paths.map((path) => cache.match(path)));
    return hits.every(Boolean);
}"""
COPY_CACHES = """async () => (await caches.keys()).filter((name) => name.startsWith("cx-my-"))"""


def _delegate(email, first_name):
    user = get_user_model().objects.create_user(username=email, email=email, password=PASSWORD)
    return ParticipantFactory(
        user=user,
        email=email,
        first_name=first_name,
        emergency_contact_name="Luc Martin",
        emergency_contact_phone="+32 470 12 34 56",
    )


def _visit(participant, title, city):
    visit = PublishedVisitFactory(title=title)
    DelegationMemberFactory(delegation=visit.delegation, participant=participant)
    ItineraryItemFactory(
        visit=visit,
        city=city,
        title=f"Briefing of {title}",
        venue="Metropolitan Police Department Headquarters, Madison Precinct",
        address="600 Murfreesboro Pike",
    )
    return visit


@pytest.fixture
def delegates(transactional_db):
    nashville = CityFactory(name="Nashville", country="US", timezone="America/Chicago")
    camille = _delegate("camille@example.org", "Camille")
    visits = [_visit(camille, "Belgians in Tennessee", nashville), _visit(camille, "Return to Washington", nashville)]
    Accommodation.objects.create(
        visit=visits[0],
        participant=camille,
        name="Hotel Preston Nashville Airport",
        address="733 Briley Parkway",
        city=nashville,
        phone="+1 615 361 5900",
        check_in=dt.date(2019, 11, 3),
        check_out=dt.date(2019, 11, 5),
    )
    dominique = _delegate("dominique@example.org", "Dominique")
    theirs = _visit(dominique, "Dominique's own visit", nashville)
    return visits, theirs


def _pages(visit) -> list[str]:
    return [reverse(name, args=[visit.pk]) for name in ("my:itinerary", "my:visit_pdf", "my:visit_contacts")]


def _sign_in(page, email: str) -> None:
    page.goto(reverse("account_login"))
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def _sign_out(page) -> None:
    page.goto(reverse("my:visit_list"))
    page.get_by_role("button", name="Toggle navigation").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"**{reverse('account_login')}", timeout=60_000)


def _until(page, script: str, arg=None, *, seconds: float = 60) -> None:
    """Poll an async script until it answers true (``wait_for_function`` takes its promise for true)."""
    for _attempt in range(int(seconds * 5)):
        if page.evaluate(script, arg) is True:
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"never true: {script}")


def _open_my_visits_once(page, visits) -> None:
    page.goto(reverse("my:visit_list"))
    paths = [reverse("my:visit_list")] + [path for visit in visits for path in _pages(visit)]
    _until(page, KEPT, paths)


def _saved_times(before: dt.datetime, after: dt.datetime) -> set[str]:
    """The "3 Nov 2019, 14:05 CST" a banner may show for a copy saved between two instants."""
    times, moment = set(), before.replace(second=0, microsecond=0)
    while moment <= after:
        local = moment.astimezone(CENTRAL)
        times.add(f"{local.day} {local:%b %Y, %H:%M} {local.tzname()}")
        moment += dt.timedelta(minutes=1)
    return times


def _saved_banner(page) -> str:
    banner = page.locator("#offline-saved")
    banner.wait_for(state="visible")
    match = re.fullmatch(r"Saved (.+) — you are offline\.", banner.inner_text())
    assert match, banner.inner_text()
    return match.group(1)


def test_my_area_opens_offline_after_one_visit_and_signing_out_clears_it(live_server, delegates, chromium):
    from playwright.sync_api import Error, expect

    visits, theirs = delegates
    OUTPUT.mkdir(exist_ok=True)
    context = chromium.new_context(base_url=live_server.url, timezone_id="America/Chicago", **PHONE)
    page = context.new_page()
    try:
        _sign_in(page, "camille@example.org")
        before = timezone.now()
        _open_my_visits_once(page, visits)
        after = timezone.now()
        # The network's copy says nothing of being saved.
        expect(page.locator("#offline-saved")).to_be_hidden()
        saved_at = _saved_times(before, after)

        context.set_offline(True)
        page.goto(reverse("my:visit_list"))
        expect(page.get_by_role("heading", level=1)).to_have_text("My visits")
        expect(page.locator("main a.fw-semibold")).to_have_text(["Belgians in Tennessee", "Return to Washington"])
        assert _saved_banner(page) in saved_at
        page.screenshot(path=str(OUTPUT / "offline-visit-list-phone.png"), full_page=True)

        # The second visit's itinerary was never opened: the visit list kept it.
        page.goto(reverse("my:itinerary", args=[visits[1].pk]))
        expect(page.get_by_role("heading", level=1)).to_have_text("Return to Washington")
        expect(page.get_by_text("Briefing of Return to Washington", exact=True)).to_be_visible()
        assert _saved_banner(page) in saved_at

        page.goto(reverse("my:visit_contacts", args=[visits[0].pk]))
        expect(page.get_by_role("heading", level=1)).to_have_text("Contacts")
        expect(page.get_by_text("Hotel Preston Nashville Airport", exact=True)).to_be_visible()
        expect(page.locator('a[href="tel:+1 615 361 5900"]')).to_be_visible()
        expect(page.locator('a[href="tel:+32 470 12 34 56"]')).to_be_visible()
        assert _saved_banner(page) in saved_at
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        for link in page.locator("main a.btn-touch").all():
            assert link.bounding_box()["height"] >= 44
        for link in page.locator("main a").all():
            box = link.bounding_box()
            assert box["height"] >= 24 and box["width"] >= 24, link.inner_text()
        page.screenshot(path=str(OUTPUT / "offline-contacts-phone.png"), full_page=True)

        pdf = page.evaluate(
            """async (path) => {
                const response = await fetch(path);
                const start = new Uint8Array(await response.arrayBuffer()).slice(0, 5);
                return [response.status, response.headers.get("Content-Type"),
                        response.headers.get("X-Offline-Saved-At"), String.fromCharCode(...start)];
            }""",
            reverse("my:visit_pdf", args=[visits[1].pk]),
        )
        status, content_type, saved_header, start = pdf
        assert (status, content_type, start) == (200, "application/pdf", "%PDF-")
        assert before <= dt.datetime.fromisoformat(saved_header) <= after

        # Never another person's page: Dominique's visit was not kept, and cannot be read offline.
        with pytest.raises(Error):
            page.goto(reverse("my:itinerary", args=[theirs.pk]))

        context.set_offline(False)
        _sign_out(page)
        assert page.evaluate(COPY_CACHES) == []
        context.set_offline(True)
        for path in [reverse("my:visit_list"), *_pages(visits[0])]:
            with pytest.raises(Error):
                page.goto(path)
    finally:
        context.close()


def test_the_next_person_on_a_shared_phone_never_sees_the_previous_persons_copy(live_server, delegates, chromium):
    """Signing out while offline still forgets the copies (the service worker hears the sign-out),
    and the next person's copy is kept apart."""
    from playwright.sync_api import Error, expect

    visits, theirs = delegates
    context = chromium.new_context(base_url=live_server.url, timezone_id="America/Chicago", **PHONE)
    page = context.new_page()
    try:
        _sign_in(page, "camille@example.org")
        _open_my_visits_once(page, visits)

        context.set_offline(True)
        page.get_by_role("button", name="Toggle navigation").click()
        # No network for the sign-out itself (the browser shows its offline page), yet the copies go.
        page.get_by_role("button", name="Sign out").click()
        worker = context.service_workers[0]
        for _attempt in range(50):
            if worker.evaluate(COPY_CACHES) == []:
                break
            time.sleep(0.1)
        assert worker.evaluate(COPY_CACHES) == []

        context.set_offline(False)
        # The server still had Camille's session: sign out for real (once the phone has saved her
        # pages again, so that the sign-out is not queued behind their PDFs), then the next person.
        _open_my_visits_once(page, visits)
        _sign_out(page)
        _sign_in(page, "dominique@example.org")
        _open_my_visits_once(page, [theirs])

        context.set_offline(True)
        page.goto(reverse("my:itinerary", args=[theirs.pk]))
        expect(page.get_by_role("heading", level=1)).to_have_text("Dominique's own visit")
        expect(page.locator("#offline-saved")).to_be_visible()
        for path in _pages(visits[0]):
            with pytest.raises(Error):
                page.goto(path)
    finally:
        context.close()


def test_a_visit_the_person_was_taken_off_leaves_the_phone_at_the_next_look(live_server, delegates, chromium):
    visits, _theirs = delegates
    context = chromium.new_context(base_url=live_server.url, **PHONE)
    page = context.new_page()
    try:
        _sign_in(page, "camille@example.org")
        _open_my_visits_once(page, visits)
        DelegationMember.objects.filter(delegation=visits[1].delegation).delete()

        page.goto(reverse("my:visit_list"))

        kept = """async () => {
            const names = (await caches.keys()).filter((name) => name.startsWith("cx-my-"));
            const cache = await caches.open(names[0]);
            return (await cache.keys()).map((request) => new URL(request.url).pathname).sort();
        }"""
        expected = json.dumps(sorted([reverse("my:visit_list"), *_pages(visits[0])]), separators=(",", ":"))
        _until(page, f"async () => JSON.stringify(await ({kept})()) === {json.dumps(expected)}")
    finally:
        context.close()


@pytest.fixture
def installed_profile(live_server, tmp_path, monkeypatch):
    """Chromium with a profile on disk: a private (incognito) window never offers to install an app."""
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM_ARGS

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path / "profile",
            executable_path="/usr/bin/chromium",
            args=CHROMIUM_ARGS,
            base_url=live_server.url,
            **PHONE,
        )
        yield context
        context.close()


def test_the_manifest_installs_and_the_service_worker_controls_my_visits(live_server, delegates, installed_profile):
    context = installed_profile
    page = context.pages[0] if context.pages else context.new_page()
    _sign_in(page, "camille@example.org")
    page.goto(reverse("my:visit_list"))
    _until(page, "navigator.serviceWorker.ready.then((registration) => Boolean(registration.active))")
    page.reload()
    controller = page.evaluate("navigator.serviceWorker.controller && navigator.serviceWorker.controller.scriptURL")
    assert controller == live_server.url + "/sw.js"

    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []
    declared, parsed = json.loads(manifest["data"]), manifest["manifest"]
    assert (declared["name"], declared["short_name"]) == ("CityExchange: my visits", "CityExchange")
    assert (parsed["display"], parsed["id"], parsed["startUrl"], parsed["scope"]) == (
        "kStandalone",
        live_server.url + reverse("my:visit_list"),
        live_server.url + reverse("my:visit_list"),
        live_server.url + "/",
    )
    pngs = [(icon["sizes"], icon["type"]) for icon in parsed["icons"] if icon["type"] == "image/png"]
    assert pngs == [("192x192", "image/png"), ("512x512", "image/png")]
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == []
