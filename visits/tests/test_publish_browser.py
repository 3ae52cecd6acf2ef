"""Publishing from a laptop window (1280×800, Debian's Chromium): the preview, the confirmation,
the rows in the outbox and the mail reaching a real SMTP server through a real Celery worker; the
question before emailing about a visit that has ended; the outbox's word on the change digest."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from delegations.models import DelegationMember
from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from notifications.models import Notification
from notifications.tests.live import wait_for
from partners.tests.factories import CityFactory
from visits.models import StudyVisit
from visits.services import itinerary_item_update, visit_publish
from visits.tests.factories import ItineraryItemFactory, StudyVisitFactory, VisitStopFactory

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


def _visit(*, starts_on: dt.date) -> StudyVisit:
    officer = get_user_model().objects.create_user(
        username="officer@example.org", email="officer@example.org", password=PASSWORD
    )
    visit = StudyVisitFactory(
        title="Belgians in Tennessee", starts_on=starts_on, ends_on=starts_on + dt.timedelta(days=5)
    )
    visit.programme.officers.add(officer)
    nashville = CityFactory(name="Nashville", country="US", timezone="America/Chicago")
    VisitStopFactory(visit=visit, city=nashville)
    start = dt.datetime.combine(starts_on + dt.timedelta(days=1), dt.time(15), tzinfo=dt.UTC)
    ItineraryItemFactory(visit=visit, city=nashville, title="Community policing", starts_at=start)
    ItineraryItemFactory(
        visit=visit, city=nashville, title="Restorative justice", starts_at=start + dt.timedelta(hours=3)
    )
    for first, language, email, status in [
        ("Ann", "en", "ann@example.org", DelegationMember.Status.CONFIRMED),
        ("Camille", "fr", "camille@example.org", DelegationMember.Status.CONFIRMED),
        ("Ines", "fr", "ines@example.org", DelegationMember.Status.INVITED),
    ]:
        participant = ParticipantFactory(first_name=first, last_name="Test", preferred_language=language, email=email)
        DelegationMemberFactory(delegation=visit.delegation, participant=participant, status=status)
    return visit


def _sign_in(page, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Email").fill("officer@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_url}")


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]


@pytest.mark.integration
def test_publish_preview_then_confirm_fills_the_outbox_and_the_mail_arrives(page, celery_worker, smtp_server):
    visit = _visit(starts_on=timezone.localdate() + dt.timedelta(days=20))
    _sign_in(page, visit.get_absolute_url())

    page.get_by_role("link", name="Publish…").click()
    expect(page.get_by_role("heading", name="Publish Belgians in Tennessee: what will be sent")).to_be_visible()
    rows = page.locator(".publish-recipient")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("ann@example.org")
    expect(rows.nth(0)).to_contain_text("EN")
    expect(rows.nth(0)).to_contain_text("2 calendar entries (.ics, iTIP REQUEST)")
    expect(rows.nth(1)).to_contain_text("camille@example.org")
    expect(rows.nth(1)).to_contain_text("Votre programme : Belgians in Tennessee")
    expect(page.locator(".publish-left-out")).to_contain_text("Ines Test (invited, not confirmed yet)")
    expect(page.get_by_role("heading", name="The message in FR (as Camille Test gets it)")).to_be_visible()
    expect(page.locator(".publish-sample").nth(0)).to_contain_text("Community policing")
    _no_sideways_scroll(page)
    page.screenshot(path=SCREENSHOTS / "publish-preview.png", full_page=True)
    assert Notification.objects.count() == 0

    confirm = page.get_by_role("button", name="Publish and send 2 messages")
    assert confirm.bounding_box()["height"] >= 44
    confirm.click()
    expect(page.locator(".visit-status")).to_have_text("Published")

    page.get_by_role("link", name="Outbox", exact=True).click()
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page.locator("#digest-status")).to_contain_text("No change digest is waiting")
    wait_for(lambda: Notification.objects.filter(status=Notification.Status.SENT).count() == 2, message="two sent rows")
    assert smtp_server.handler.recipients() == ["ann@example.org", "camille@example.org"]
    assert sorted(message["Subject"].strip() for message in smtp_server.handler.messages) == [
        "Votre programme : Belgians in Tennessee",
        "Your itinerary: Belgians in Tennessee",
    ]
    page.reload()
    expect(page.locator(".outbox-status-sent")).to_have_count(2)


def test_publishing_a_visit_that_ended_asks_first(page):
    visit = _visit(starts_on=dt.date(2019, 11, 3))
    _sign_in(page, visit.get_absolute_url())
    page.get_by_role("link", name="Publish…").click()

    question = page.get_by_label("This visit ended on 8 Nov 2019. Email 2 delegates about it anyway?")
    expect(question).not_to_be_checked()
    page.get_by_role("button", name="Publish and send 2 messages").click()
    # The tick is required: the browser keeps the form, and nothing was published or queued.
    expect(page.get_by_role("heading", name="Publish Belgians in Tennessee: what will be sent")).to_be_visible()
    assert question.evaluate("box => box.validity.valueMissing") is True
    visit.refresh_from_db()
    assert (visit.status, Notification.objects.count()) == (StudyVisit.Status.DRAFT, 0)

    question.check()
    page.get_by_role("button", name="Publish and send 2 messages").click()
    expect(page.locator(".visit-status")).to_have_text("Published")
    assert Notification.objects.filter(kind="itinerary_published").count() == 2


def test_outbox_says_nothing_is_scheduled_and_sends_the_digest_now(page, settings):
    settings.SCHEDULED_TASKS_RUN = False  # as under make run: no broker, no beat
    visit = _visit(starts_on=timezone.localdate() + dt.timedelta(days=20))
    visit_publish(visit, by=None)
    item = visit.itinerary_items.order_by("starts_at").first()
    itinerary_item_update(
        item, by=None, starts_at=item.starts_at + dt.timedelta(hours=1), ends_at=item.ends_at + dt.timedelta(hours=1)
    )
    _sign_in(page, visit.get_absolute_url())

    status = page.locator("#digest-status")
    expect(status).to_contain_text("nothing is scheduled to send it")
    page.get_by_role("link", name="Open the outbox to send it now").click()
    expect(status).to_contain_text(
        "1 change to the itinerary since publishing waits for a digest, and nothing is scheduled to send it: "
        "this server runs no scheduler (Celery beat), as under make run."
    )
    _no_sideways_scroll(page)
    page.screenshot(path=SCREENSHOTS / "outbox-digest-status.png", full_page=True)

    send_now = page.get_by_role("button", name="Send the digest now")
    assert send_now.bounding_box()["height"] >= 44
    send_now.click()
    expect(
        page.get_by_role("status").filter(has_text="The change digest is in the outbox: 2 messages.")
    ).to_be_visible()
    expect(status).to_contain_text("Nothing is scheduled on this server")
    assert Notification.objects.filter(kind="itinerary_digest").count() == 2


def test_the_publish_preview_and_the_message_page_fit_a_phone(live_server, chromium):
    visit = _visit(starts_on=dt.date(2019, 11, 3))
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="en-US")
    try:
        phone = context.new_page()
        _sign_in(phone, visit.get_absolute_url())
        for url in (f"/visits/{visit.pk}/publish/preview/", f"/visits/{visit.pk}/messages/new/"):
            phone.goto(url)
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390, url
        phone.get_by_label("Subject (English)").fill("Coach leaves early")
        phone.get_by_label("Message (English)").fill("The coach leaves at 07:30 tomorrow.")
        phone.get_by_role("button", name="Preview").click()
        expect(phone.get_by_role("button", name="Send to 3 delegates")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
