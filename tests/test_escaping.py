"""Script typed into any text field comes out as text: in pages, emails, PDFs and calendar feeds."""

import email
import io
from email.utils import getaddresses

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from icalendar import Calendar
from pypdf import PdfReader

from notifications.delivery import notification_deliver
from notifications.models import Notification
from tests.worlds import build_world
from visits.services import visit_publish_preview, visit_unpublish

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def world():
    world = build_world()
    world.visit.title = f"Visit {SCRIPT}"
    world.visit.save()
    world.item.title = f"Meeting {SCRIPT}"
    world.item.venue = 'Hall "><img src=x onerror=alert(1)>'
    world.item.save()
    participant = world.member.participant
    participant.first_name = f"Ana {SCRIPT}"
    participant.save()
    world.follow_up.title = f"Follow-up {SCRIPT}"
    world.follow_up.save()
    return world


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "name", "args"),
    [
        ("officer", "visits:visit_detail", lambda w: [w.visit.pk]),
        ("officer", "delegations:participant_detail", lambda w: [w.member.participant_id]),
        ("officer", "delegations:delegation_detail", lambda w: [w.visit.delegation_id]),
        ("officer", "outcomes:follow_up_board", lambda w: []),
        ("officer", "outcomes:visit_report", lambda w: [w.visit.pk]),
        ("officer", "delegate_access:visit_delegates", lambda w: [w.visit.pk]),
        ("officer", "home", lambda w: []),
        ("delegate", "my:visit_list", lambda w: []),
        ("delegate", "my:itinerary", lambda w: [w.visit.pk]),
    ],
)
def test_script_in_text_fields_is_escaped_in_pages(world, role, name, args):
    response = _signed_in(getattr(world, role)).get(reverse(name, args=args(world)))

    content = response.content.decode()
    assert response.status_code == 200
    assert SCRIPT not in content
    assert "<img src=x" not in content
    assert ESCAPED in content


def test_script_in_text_fields_is_escaped_in_the_html_email_and_plain_in_the_text(world):
    visit_unpublish(world.visit, by=world.officer)
    preview = visit_publish_preview(world.visit, by=world.officer)
    _signed_in(world.officer).post(
        reverse("visits:visit_publish", args=[world.visit.pk]),
        {"fingerprint": preview.fingerprint, "ended_confirmed": "on"},
    )

    message = Notification.objects.get(kind="itinerary_published")
    assert SCRIPT not in message.body_html
    assert "<img src=x" not in message.body_html
    assert ESCAPED in message.body_html
    assert f"Meeting {SCRIPT}" in message.body_text
    assert message.subject == f"Your itinerary: Visit {SCRIPT}"


def test_outbox_preview_shows_the_html_email_only_inside_a_sandboxed_frame(world):
    Notification.objects.filter(pk=world.notification.pk).update(body_html=f"<p>{SCRIPT}</p>")

    response = _signed_in(world.officer).get(reverse("outbox:preview", args=[world.visit.pk, world.notification.pk]))

    content = response.content.decode()
    assert SCRIPT not in content
    assert f'sandbox srcdoc="&lt;p&gt;{ESCAPED.replace("&", "&amp;")}' not in content
    assert 'sandbox srcdoc="&lt;p&gt;&lt;script&gt;' in content


def test_a_recipient_name_cannot_add_recipients_or_headers(world):
    notification = Notification.objects.create(
        key="escape:1",
        kind="visit_reminder",
        to_email="ana@example.org",
        to_name='Ana "Boss" <evil@example.org>, Eve\r\nBcc: evil@example.org',
        subject="Reminder",
        body_text="Soon.",
        status=Notification.Status.SENDING,
    )

    notification_deliver(notification)

    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    sent = email.message_from_bytes(mail.outbox[0].message().as_bytes())
    assert [address for _name, address in getaddresses(sent.get_all("To"))] == ["ana@example.org"]
    assert sent.get_all("Bcc") is None
    assert mail.outbox[0].recipients() == [mail.outbox[0].to[0]]


def _pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_script_in_text_fields_is_literal_text_in_the_itinerary_pdf(world):
    response = _signed_in(world.delegate).get(reverse("my:visit_pdf", args=[world.visit.pk]))

    text = " ".join(_pdf_text(response.content).split())
    assert f"Meeting {SCRIPT}" in text
    assert "&lt;" not in text


def test_script_in_text_fields_is_literal_text_in_the_report_pdf(world):
    response = _signed_in(world.officer).get(reverse("outcomes:visit_report_pdf", args=[world.visit.pk]))

    text = " ".join(_pdf_text(response.content).split())
    assert f"Visit {SCRIPT}" in text
    assert "&lt;" not in text


def test_calendar_feed_escapes_text_per_rfc_5545_and_cannot_gain_properties(world):
    world.item.title = "Lunch; talk, then\\ more\r\nATTENDEE:mailto:evil@example.org"
    world.item.save()

    response = Client().get(reverse("my:feed", args=[world.feed_token]))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.content.decode()
    assert "SUMMARY:Lunch\\; talk\\, then\\\\ more\\nATTENDEE:mailto:evil@example.org" in raw.replace("\r\n ", "")
    assert "\r\nATTENDEE" not in raw
    event = next(c for c in Calendar.from_ical(response.content).walk("VEVENT") if "Lunch" in str(c["SUMMARY"]))
    assert str(event["SUMMARY"]).splitlines() == ["Lunch; talk, then\\ more", "ATTENDEE:mailto:evil@example.org"]
    assert "ATTENDEE" not in event
