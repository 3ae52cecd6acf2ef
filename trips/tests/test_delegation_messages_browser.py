"""An officer writes to the delegates the itinerary puts in one city now, from a laptop window
(1280×800, Debian's Chromium): compose in both languages, preview, send through the outbox."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from notifications.models import Notification
from partners.tests.factories import CityFactory
from trips.models import DelegationMessage, PersonalTravel
from visits.tests.factories import ItineraryItemFactory, PublishedVisitFactory, VisitStopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "test-output"
PASSWORD = "correct horse battery staple"
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def page(live_server, chromium):
    SCREENSHOTS.mkdir(exist_ok=True)
    context = chromium.new_context(base_url=live_server.url, viewport=LAPTOP, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def visit():
    officer = get_user_model().objects.create_user(
        username="officer@example.org", email="officer@example.org", password=PASSWORD
    )
    now = timezone.now()
    visit = PublishedVisitFactory(
        title="Belgians in Washington",
        starts_on=now.date() - dt.timedelta(days=2),
        ends_on=now.date() + dt.timedelta(days=3),
    )
    visit.programme.officers.add(officer)
    chattanooga = CityFactory(name="Chattanooga", country="US", timezone="America/New_York")
    washington = CityFactory(name="Washington", country="US", timezone="America/New_York")
    VisitStopFactory(visit=visit, city=chattanooga)
    VisitStopFactory(visit=visit, city=washington, position=2)
    # The programme is in Chattanooga now; one delegate flew ahead to Washington on their own.
    ItineraryItemFactory(visit=visit, city=chattanooga, starts_at=now - dt.timedelta(hours=3))
    for first, language in [("Ann", "en"), ("Camille", "fr"), ("Luc", "fr")]:
        participant = ParticipantFactory(
            first_name=first, last_name="Test", preferred_language=language, email=f"{first.lower()}@example.org"
        )
        DelegationMemberFactory(delegation=visit.delegation, participant=participant)
        if first == "Luc":
            PersonalTravel.objects.create(
                visit=visit,
                participant=participant,
                direction=PersonalTravel.Direction.ARRIVAL,
                departure_place="Chattanooga",
                departure_timezone="America/New_York",
                departs_at=now - dt.timedelta(hours=2),
                arrival_place="Washington Dulles",
                arrival_timezone="America/New_York",
                arrives_at=now - dt.timedelta(hours=1),
            )
    return visit


def test_officer_writes_to_the_delegates_in_one_city_previews_and_sends(page, visit):
    page.goto(f"/accounts/login/?next={visit.get_absolute_url()}")
    page.get_by_label("Email").fill("officer@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Messages to the delegation").click()
    page.get_by_role("link", name="Write to the delegates").click()

    page.get_by_label("The delegates the itinerary puts in one city now").check()
    page.get_by_label("City", exact=True).select_option(label="Chattanooga (US)")
    page.get_by_label("Subject (English)").fill("Coach leaves early")
    page.get_by_label("Message (English)").fill("The coach leaves at 07:30 tomorrow.")
    page.get_by_label("Subject (French)").fill("Le car part plus tôt")
    page.get_by_label("Message (French)").fill("Le car part demain à 7 h 30.")
    page.get_by_role("button", name="Preview").click()

    rows = page.locator(".message-recipient")
    expect(page.locator("#message-preview-summary")).to_have_text("This message goes to 2 delegates:")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Ann Test")
    expect(rows.nth(0)).to_contain_text("EN")
    expect(rows.nth(1)).to_contain_text("Camille Test")
    expect(rows.nth(1)).to_contain_text("FR")
    expect(rows.nth(1)).to_contain_text("Chattanooga")
    expect(page.locator(".message-sample").nth(1)).to_contain_text("Le car part demain à 7 h 30.")
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    page.screenshot(path=SCREENSHOTS / "delegation-message-preview.png", full_page=True)
    assert Notification.objects.count() == 0

    send = page.get_by_role("button", name="Send to 2 delegates")
    assert send.bounding_box()["height"] >= 44
    send.click()

    expect(page.get_by_role("status")).to_have_text("Your message is in the outbox for 2 delegates.")
    record = page.locator(".delegation-message-row")
    expect(record).to_have_count(1)
    expect(record).to_contain_text("Coach leaves early / Le car part plus tôt")
    expect(record.locator(".delegation-message-count")).to_have_text("2 delegates")
    assert sorted(Notification.objects.values_list("to_email", "language")) == [
        ("ann@example.org", "en"),
        ("camille@example.org", "fr"),
    ]
    assert DelegationMessage.objects.get().city.name == "Chattanooga"
