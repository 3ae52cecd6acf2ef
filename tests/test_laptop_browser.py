"""From a laptop window (1280×800) and a phone (390×844), in Debian's Chromium: the navigation bar,
its contrast, the officer's workflows of the dashboard, follow-ups, filters, charts and import, and
a sweep over the main pages that no page is wider than the window and none logs a console error."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from outcomes.models import FollowUp
from outcomes.tests.factories import FollowUpFactory
from partners.tests.factories import CityFactory, NetworkFactory
from visits.tests.factories import ProgrammeFactory, StudyVisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "test-output"
PASSWORD = "correct horse battery staple"
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# The WCAG contrast of every visible text in the navigation, from the browser's computed colours:
# the text's colour over the first opaque background behind it (translucent layers blended in).
NAV_CONTRASTS = """(selector) => {
  const parse = (value) => {
    const m = value.match(/^rgba?\\(([^)]+)\\)$/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const over = (top, base) => ({
    r: top.r * top.a + base.r * (1 - top.a), g: top.g * top.a + base.g * (1 - top.a),
    b: top.b * top.a + base.b * (1 - top.a), a: 1,
  });
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c === null) return null;
      if (c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    return layers.reverse().reduce((base, layer) => over(layer, base), {r: 255, g: 255, b: 255, a: 1});
  };
  const luminance = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  return [...document.querySelectorAll(selector)]
    .filter((el) => el.offsetParent !== null && el.textContent.trim())
    .map((el) => {
      const bg = background(el);
      const fg = parse(getComputedStyle(el).color);
      if (bg === null || fg === null) return [el.textContent.trim(), null];
      const [a, b] = [luminance(over(fg, bg)), luminance(bg)];
      return [el.textContent.trim(), Math.round(((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) * 100) / 100];
    });
}"""
NAV_TEXT = "nav .navbar-brand, nav .nav-link, nav .btn, nav select, nav .dropdown-item, nav .dropdown-header"


@pytest.fixture
def context(live_server, chromium):
    SCREENSHOTS.mkdir(exist_ok=True)
    context = chromium.new_context(base_url=live_server.url, viewport=LAPTOP)
    context.set_default_timeout(20_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.errors = []
    page.on(
        "console", lambda message: page.errors.append((page.url, message.text)) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: page.errors.append((page.url, str(error))))
    return page


@pytest.fixture
def officer(django_user_model):
    user = django_user_model.objects.create_user(
        username="officer@example.org", email="officer@example.org", password=PASSWORD
    )
    user.city_pair = ProgrammeFactory(name="City Pair")
    user.strong_cities = ProgrammeFactory(name="Strong Cities")
    user.city_pair.officers.add(user)
    user.strong_cities.officers.add(user)
    return user


def _sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _page_width(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def _nav_layout(page) -> dict:
    return page.evaluate(
        """() => {
      const items = [...document.querySelectorAll('#main-nav .navbar-nav > .nav-item')];
      const box = (el) => el.getBoundingClientRect();
      return {
        navHeight: box(document.querySelector('nav.navbar')).height,
        itemTops: [...new Set(items.map((el) => Math.round(box(el).top)))],
        signOut: box(document.querySelector('.nav-sign-out button')).height,
        change: box(document.querySelector('.nav-language button')).height,
        language: box(document.querySelector('#language-select')).width,
        actionsTop: Math.round(box(document.querySelector('.nav-actions')).top),
        brandTop: Math.round(box(document.querySelector('.navbar-brand')).top),
      };
    }"""
    )


@pytest.mark.parametrize("width", [1280, 1366])
def test_navigation_bar_is_one_line_on_a_laptop_in_english_and_french(page, officer, width):
    page.set_viewport_size({"width": width, "height": 800})
    _sign_in(page, officer.email)

    for prefix in ("", "/fr"):
        page.goto(f"{prefix}/follow-ups/")
        layout = _nav_layout(page)

        assert len(layout["itemTops"]) == 1, (prefix, layout)
        assert layout["navHeight"] < 64, (prefix, layout)
        assert layout["signOut"] == layout["change"], (prefix, layout)  # "Sign out" on one line, like "Change"
        assert layout["language"] >= 100, (prefix, layout)  # the language's whole name, never one letter
        assert abs(layout["actionsTop"] - layout["brandTop"]) < 20, (prefix, layout)
        assert _page_width(page) == [width, width]
        page.screenshot(path=SCREENSHOTS / f"nav-{width}{prefix.replace('/', '-')}.png")
    assert page.errors == []


def test_every_navigation_text_has_a_contrast_of_at_least_4_5_to_1(page, officer):
    _sign_in(page, officer.email)
    page.goto("/")
    page.locator("#nav-more").click()
    expect(page.locator("#nav-more + .dropdown-menu")).to_be_visible()

    laptop = page.evaluate(NAV_CONTRASTS, NAV_TEXT)

    page.set_viewport_size(PHONE)
    page.goto("/fr/")
    page.locator(".navbar-toggler").click()
    expect(page.locator("#main-nav")).to_be_visible()
    phone = page.evaluate(NAV_CONTRASTS, NAV_TEXT)

    texts = [text for text, _ratio in laptop]
    assert {"CityExchange", "Dashboard", "Follow-ups", "More", "Charts", "Sign out", "Change"} <= set(texts)
    assert [(text, ratio) for text, ratio in laptop + phone if ratio is None or ratio < 4.5] == []


def test_phone_menu_opens_and_its_targets_are_44_px(page, officer):
    page.set_viewport_size(PHONE)
    _sign_in(page, officer.email)
    page.goto("/")
    toggler = page.locator(".navbar-toggler")
    box = toggler.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box

    toggler.click()
    expect(page.get_by_role("link", name="Follow-ups")).to_be_visible()
    page.locator("#nav-more").click()
    expect(page.get_by_role("link", name="Network memberships")).to_be_visible()
    heights = page.evaluate(
        """() => [...document.querySelectorAll(
              '#main-nav .nav-link, #main-nav .dropdown-item, #main-nav .btn, #main-nav select')]
            .filter((el) => el.offsetParent !== null)
            .map((el) => [el.textContent.trim(), Math.round(el.getBoundingClientRect().height)])"""
    )
    page.screenshot(path=SCREENSHOTS / "nav-phone-open.png", full_page=True)

    assert len(heights) >= 13, heights
    assert [(text, height) for text, height in heights if height < 44] == []
    page.get_by_role("link", name="Network memberships").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Network memberships")
    assert _page_width(page) == [390, 390]


def test_officer_scopes_the_dashboard_to_one_programme(page, officer):
    today = timezone.localdate()
    nashville = StudyVisitFactory(
        programme=officer.city_pair, title="Liège in Nashville", starts_on=today, ends_on=today + dt.timedelta(days=3)
    )
    barcelona = StudyVisitFactory(
        programme=officer.strong_cities, title="Strasbourg in Barcelona", starts_on=today, ends_on=today
    )
    for days in (1, 2, 3, 4):
        FollowUpFactory(visit=nashville, title=f"Late {days}", due_on=today - dt.timedelta(days=days))
    FollowUpFactory(visit=barcelona, title="Invite Barcelona", due_on=today + dt.timedelta(days=30))
    _sign_in(page, officer.email)

    expect(page.locator("#overdue-count")).to_have_text("4")
    expect(page.locator("#due-later-follow-ups")).to_contain_text("Invite Barcelona")
    page.get_by_label("Programme").select_option(label="City Pair")
    page.get_by_role("button", name="Show").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard: City Pair")
    assert page.url.endswith(f"/?programme={officer.city_pair.pk}")
    expect(page.locator("main")).not_to_contain_text("Strasbourg in Barcelona")
    expect(page.locator("#due-later-follow-ups")).to_have_text("No other open follow-ups: all 4 open ones are overdue.")
    expect(page.locator("main")).not_to_contain_text("No open follow-ups")
    page.screenshot(path=SCREENSHOTS / "dashboard-scoped.png", full_page=True)
    assert _page_width(page) == [1280, 1280]
    assert page.errors == []


def test_recording_a_membership_closes_the_follow_up_it_answers(page, officer):
    visit = StudyVisitFactory(programme=officer.city_pair, title="Liège in Nashville")
    liege = CityFactory(name="Liège", country="BE")
    follow_up = FollowUpFactory(visit=visit, title="Liège joins the Strong Cities Network", owner_city=liege)
    NetworkFactory(name="Strong Cities Network")
    _sign_in(page, officer.email)
    page.goto("/follow-ups/")

    page.locator("article", has_text=follow_up.title).get_by_role("link", name="Record a network membership").click()
    expect(page.get_by_label("This answers the follow-up: mark it done")).to_be_checked()
    page.get_by_label("Network").select_option(label="Strong Cities Network")
    page.get_by_label("Status").select_option("member")
    page.get_by_label("Since").fill("2020-09-01")
    page.get_by_role("button", name="Record membership").click()

    expect(page.get_by_text("The network membership was recorded and the follow-up is done.")).to_be_visible()
    page.goto("/follow-ups/")
    expect(page.locator("section", has=page.locator("#column-done")).locator("article")).to_contain_text(
        follow_up.title
    )
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.DONE
    assert follow_up.resulting_membership.city == liege
    assert page.errors == []


def test_filters_keep_their_state_until_reset(page, officer):
    visit = StudyVisitFactory(programme=officer.city_pair, title="Liège in Nashville")
    late = FollowUpFactory(visit=visit, title="Send the Efus report", due_on=dt.date(2019, 12, 1))
    FollowUpFactory(visit=visit, title="Plan the return visit", due_on=dt.date(2999, 1, 1))
    _sign_in(page, officer.email)
    page.goto("/follow-ups/")
    overdue = page.get_by_label("Overdue only")
    expect(overdue).to_have_attribute("type", "checkbox")

    overdue.check()
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".follow-up-board article")).to_have_count(1)
    page.get_by_role("link", name=late.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit follow-up")
    page.locator("nav").get_by_role("link", name="Follow-ups").click()

    expect(page.get_by_label("Overdue only")).to_be_checked()
    expect(page.locator(".follow-up-board article")).to_have_count(1)
    assert "overdue=on" in page.url
    page.get_by_role("link", name="Reset filters").click()
    expect(page.get_by_label("Overdue only")).not_to_be_checked()
    expect(page.locator(".follow-up-board article")).to_have_count(2)
    assert page.url.endswith("/follow-ups/")
    assert page.errors == []


def test_import_preview_keeps_its_problems_in_view_at_1280(page, officer, tmp_path):
    from delegations.tests.factories import DelegationFactory

    delegation = DelegationFactory(name="Liège and Verviers", created_by=officer)
    header = "Prénom;Nom;Courriel;Téléphone;Organisation;Fonction;Profession;Ville;Langue;Régime;Accessibilité"
    rows = [
        "Sophie;Démo;sophie@example.org;+32 4 000 00 00;Liège Social Prevention Service;Street social worker and"
        " youth outreach coordinator;social_worker;Nowhere-on-Meuse;fr;Vegetarian, no nuts;Step-free access",
        "Luc;Testard;not-an-address;+32 87 00 00 00;Vesdre Police Zone;Commissioner;police;Verviers;fr;;",
    ]
    upload = tmp_path / "delegation.csv"
    upload.write_bytes("\r\n".join([header, *rows]).encode("utf-8"))
    _sign_in(page, officer.email)
    page.goto(f"/delegations/{delegation.pk}/import/")
    page.set_input_files("input[type=file]", str(upload))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator("#import-preview")).to_be_visible()

    problems = page.locator("#import-preview tbody tr.import-error td.import-problems")
    expect(problems.first).not_to_be_empty()
    box = problems.first.bounding_box()
    page.screenshot(path=SCREENSHOTS / "import-preview-1280.png", full_page=True)

    assert box["x"] >= 0 and box["x"] + box["width"] <= 1280, box
    assert page.locator("#import-preview thead th").nth(1).inner_text() == "Problems"
    assert _page_width(page) == [1280, 1280]
    page.set_viewport_size(PHONE)
    assert _page_width(page) == [390, 390]
    assert page.errors == []


def _demo_pages():
    """The main officer and delegate pages of the demo, by name."""
    from delegations.models import Participant
    from notifications.selectors import notifications_about
    from partners.models import City, NetworkMembership, Organisation
    from visits.models import StudyVisit

    visit = StudyVisit.objects.get(title="Belgian delegation in Nashville, Chattanooga and Washington DC")
    participant = Participant.objects.filter(memberships__delegation=visit.delegation).order_by("pk").first()
    follow_up = visit.follow_ups.order_by("pk").first()
    notification = notifications_about(visit).first()
    officer_pages = {
        "dashboard": "/",
        "programmes": "/programmes/",
        "programme": f"/programmes/{visit.programme_id}/",
        "programme-edit": f"/programmes/{visit.programme_id}/edit/",
        "visits": "/visits/",
        "visit": f"/visits/{visit.pk}/",
        "visit-new": "/visits/new/",
        "visit-edit": f"/visits/{visit.pk}/edit/",
        "visit-clone": f"/visits/{visit.pk}/clone/",
        "report": f"/visits/{visit.pk}/report/",
        "notes": f"/visits/{visit.pk}/notes/",
        "outbox": f"/visits/{visit.pk}/outbox/",
        "delegate-access": f"/visits/{visit.pk}/delegate-access/",
        "check-ins": f"/visits/{visit.pk}/check-ins/",
        "delegations": "/delegations/",
        "delegation": f"/delegations/{visit.delegation_id}/",
        "delegation-edit": f"/delegations/{visit.delegation_id}/edit/",
        "import": f"/delegations/{visit.delegation_id}/import/",
        "participants": "/participants/",
        "participant": f"/participants/{participant.pk}/",
        "participant-edit": f"/participants/{participant.pk}/edit/",
        "follow-ups": "/follow-ups/",
        "follow-up": f"/follow-ups/{follow_up.pk}/edit/",
        "membership-outcome": f"/follow-ups/{follow_up.pk}/membership/",
        "organisations": "/organisations/",
        "organisation": f"/organisations/{Organisation.objects.order_by('pk').first().pk}/",
        "cities": "/cities/",
        "city": f"/cities/{City.objects.get(name='Liège').pk}/",
        "memberships": "/memberships/",
        "membership-edit": f"/memberships/{NetworkMembership.objects.order_by('pk').first().pk}/edit/",
        "themes": "/themes/",
        "charts": "/charts/",
        "charts-2019": f"/charts/?programme={visit.programme_id}&year=2019",
    }
    if notification is not None:
        officer_pages["outbox-message"] = f"/visits/{visit.pk}/outbox/{notification.pk}/"
    delegate_pages = {
        "my": "/my/",
        "my-visit": f"/my/visits/{visit.pk}/",
        "my-calendar": "/my/calendar/",
        "my-profile": "/my/profile/",
        "my-mail": "/my/mail/",
        "my-notes": f"/my/visits/{visit.pk}/notes/",
        "my-check-in": f"/my/visits/{visit.pk}/check-in/",
    }
    return officer_pages, delegate_pages


def _sweep(page, pages: dict, size: dict) -> list:
    """Each page in English and French at ``size``: (page, what is wrong) for any that fails."""
    page.set_viewport_size(size)
    found = []
    for prefix in ("", "/fr"):
        for name, url in pages.items():
            response = page.goto(prefix + url)
            width, inner = _page_width(page)
            if response.status != 200 or width > inner:
                found.append((prefix + url, response.status, width))
            if prefix == "" and size == LAPTOP:
                page.screenshot(path=SCREENSHOTS / f"sweep-{name}.png", full_page=True)
    return found


def test_no_page_is_wider_than_the_window_and_none_logs_a_console_error(page, context, settings):
    from django.core.management import call_command

    settings.DEMO_PASSWORD = PASSWORD
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    officer_pages, delegate_pages = _demo_pages()

    _sign_in(page, "officer@example.org")
    found = _sweep(page, officer_pages, LAPTOP) + _sweep(page, officer_pages, PHONE)
    page.set_viewport_size(LAPTOP)
    page.goto("/charts/")
    page.get_by_label("Year", exact=True).select_option("2019")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#charts-scope")).to_have_text("Visits starting in 2019")
    assert _page_width(page) == [1280, 1280]
    context.clear_cookies()
    _sign_in(page, "delegate@example.org")
    found += _sweep(page, delegate_pages, LAPTOP) + _sweep(page, delegate_pages, PHONE)

    assert found == []
    assert page.errors == []
