"""A check-in end to end: from a delegate's phone to the officer's board and, for "I need help",
to every officer's inbox through a real Celery worker, Redis and SMTP server."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from notifications.models import Notification
from notifications.tests.live import wait_for
from partners.tests.factories import CityFactory
from trips.models import CheckIn
from visits.tests.factories import ItineraryItemFactory, PublishedVisitFactory, VisitStopFactory

PASSWORD = "correct horse battery staple"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
OFFICERS = ["officer@example.org", "second-officer@example.org"]


def _user(email):
    return get_user_model().objects.create_user(username=email, email=email, password=PASSWORD)


@pytest.fixture
def world(transactional_db):
    washington = CityFactory(name="Washington", country="US", timezone="America/New_York")
    visit = PublishedVisitFactory(title="Belgians in Washington")
    officers = [_user(email) for email in OFFICERS]
    visit.programme.officers.add(*officers)
    VisitStopFactory(visit=visit, city=washington)
    ItineraryItemFactory(visit=visit, city=washington, starts_at=dt.datetime(2019, 11, 8, 14, tzinfo=dt.UTC))
    delegate = _user("camille@example.org")
    participant = ParticipantFactory(user=delegate, email=delegate.email, first_name="Camille", last_name="Dubois")
    DelegationMemberFactory(delegation=visit.delegation, participant=participant)
    return visit, officers, delegate


def _alerts_sent() -> int:
    return Notification.objects.filter(kind="check_in_alert", status=Notification.Status.SENT).count()


@pytest.mark.integration
def test_needs_help_reaches_every_officer_inbox(world, celery_worker, smtp_server):
    visit, _officers, delegate = world
    phone = Client()
    phone.force_login(delegate)

    response = phone.post(
        reverse("check_ins:mine", args=[visit.pk]), {"status": "needs_help", "message": "Hurt my ankle"}
    )

    assert response.status_code == 302
    wait_for(lambda: _alerts_sent() == 2, message="two alerts sent")
    assert smtp_server.handler.recipients() == OFFICERS
    message = smtp_server.handler.messages[0]
    assert message["Subject"].strip() == "Camille Dubois needs help (Belgians in Washington)"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Hurt my ankle" in body
    assert "Where the itinerary has them: Washington" in body


def _sign_in(page, base_url, email, next_url):
    page.goto(f"{base_url}{reverse('account_login')}?next={next_url}")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(f"**{next_url}")


@pytest.mark.browser
@pytest.mark.integration
def test_check_in_from_the_phone_reaches_the_board_and_the_inboxes(
    live_server, world, chromium, celery_worker, smtp_server
):
    from playwright.sync_api import expect

    visit, officers, delegate = world
    board_url = reverse("check_ins:board", args=[visit.pk])
    delegate_context = chromium.new_context(locale="en-US", **PHONE)
    officer_context = chromium.new_context(locale="en-US", **PHONE)
    try:
        phone = delegate_context.new_page()
        _sign_in(phone, live_server.url, delegate.email, reverse("my:visit_list"))
        if phone.locator(".navbar-toggler").is_visible():
            phone.locator(".navbar-toggler").click()
        phone.get_by_role("link", name="Check in").click()
        phone.wait_for_url(f"**{reverse('check_ins:mine', args=[visit.pk])}")
        safe = phone.get_by_role("button", name="I'm safe")
        box = safe.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        expect(phone.locator("#check-in-place")).to_contain_text("Washington")

        safe.tap()
        expect(phone.get_by_role("status")).to_contain_text("your programme officers see that you are safe")

        board = officer_context.new_page()
        _sign_in(board, live_server.url, officers[0].email, board_url)
        row = board.locator(".check-in-row", has_text="Camille Dubois")
        expect(row.locator(".check-in-answer")).to_have_text("Safe")
        expect(row.locator(".check-in-where")).to_have_text("Washington")
        assert board.evaluate("document.documentElement.scrollWidth") <= 390
        assert board.get_by_role("link", name="Ask the delegates whether they are safe").bounding_box()["height"] >= 44

        phone.fill("#id_message", "Lost near the Capitol")
        phone.get_by_role("button", name="I need help").tap()
        expect(phone.get_by_role("status")).to_contain_text("alerted")

        # The board updates itself (static/js/check-in-board.js, every 30 seconds): no reload.
        row = board.locator(".check-in-row", has_text="Camille Dubois")
        expect(row.locator(".check-in-answer")).to_have_text("Needs help", timeout=40_000)
        expect(row.locator(".check-in-message")).to_have_text("Lost near the Capitol")
        wait_for(lambda: _alerts_sent() == 2, message="the alert in both officers' inboxes")
        assert smtp_server.handler.recipients() == OFFICERS
        assert list(CheckIn.objects.order_by("pk").values_list("status", flat=True)) == ["safe", "needs_help"]
    finally:
        delegate_context.close()
        officer_context.close()
