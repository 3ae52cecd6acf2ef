import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from outcomes.models import FollowUp
from outcomes.reports import visit_report
from outcomes.tests.factories import FollowUpFactory, ItemNoteFactory, LessonFactory
from visits.models import StudyVisit, Theme
from visits.pdf import STATIC_BASE, _fetcher_class
from visits.tests.factories import ItineraryItemFactory, StudyVisitFactory, ThemeFactory

pytestmark = pytest.mark.django_db

NOVEMBER_2019 = "Belgian delegation in Nashville, Chattanooga and Washington DC"


@pytest.fixture
def demo(settings):
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return StudyVisit.objects.get(title=NOVEMBER_2019)


def _login(client, email):
    client.force_login(get_user_model().objects.get(email=email))
    return client


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_report_page_shows_every_theme_and_follow_up_of_the_demo_visit(client, demo):
    response = _login(client, "officer@example.org").get(reverse("outcomes:visit_report", args=[demo.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    for theme in Theme.objects.all():
        assert f'id="report-theme-{theme.pk}">{theme.name}</h2>' in page
    for follow_up in FollowUp.objects.filter(visit=demo):
        assert follow_up.title in page.replace("&#x27;", "'")
    assert "Strong Cities Network, Applying since 15 Nov 2019" in page


def test_report_pdf_text_carries_every_theme_heading_and_follow_up(client, demo):
    response = _login(client, "officer@example.org").get(reverse("outcomes:visit_report_pdf", args=[demo.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="report-belgian-delegation')
    text = _squash(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages))
    for theme in Theme.objects.all():
        assert theme.name in text
    for follow_up in FollowUp.objects.filter(visit=demo):
        assert _squash(follow_up.title) in text
    for heading in ("Summary", "Delegation", "Hosts", "Itinerary", "Follow-ups"):
        assert heading in text


def test_report_is_refused_outside_the_officers_programmes(client, demo):
    other_officer = _login(client, "officer2@example.org")

    assert other_officer.get(reverse("outcomes:visit_report", args=[demo.pk])).status_code == 404
    assert other_officer.get(reverse("outcomes:visit_report_pdf", args=[demo.pk])).status_code == 404


def test_report_is_refused_to_delegates(client, demo):
    delegate = _login(client, "delegate@example.org")

    assert delegate.get(reverse("outcomes:visit_report", args=[demo.pk])).status_code == 404


def test_report_sends_anonymous_users_to_sign_in(client, demo):
    response = client.get(reverse("outcomes:visit_report_pdf", args=[demo.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_report_marks_open_follow_ups_past_due_as_overdue():
    visit = StudyVisitFactory()
    late = FollowUpFactory(visit=visit, due_on=dt.date(2020, 1, 1), status=FollowUp.Status.OPEN)
    FollowUpFactory(visit=visit, due_on=dt.date(2020, 1, 1), status=FollowUp.Status.DONE)
    FollowUpFactory(visit=visit, due_on=dt.date(2030, 1, 1), status=FollowUp.Status.OPEN)

    report = visit_report(visit, today=dt.date(2021, 1, 1))

    assert report.overdue_follow_ups == [late]


def test_report_groups_meetings_and_lessons_under_their_theme():
    visit = StudyVisitFactory()
    prevention, justice = ThemeFactory(name="Prevention"), ThemeFactory(name="Justice")
    visit.themes.set([prevention, justice])
    meeting = ItineraryItemFactory(visit=visit)
    meeting.themes.set([justice])
    lesson = LessonFactory(visit=visit, theme=justice, item=meeting)

    report = visit_report(visit)

    sections = {section.theme.name: section for section in report.sections}
    assert sections["Justice"].items == [meeting]
    assert sections["Justice"].lessons == [lesson]
    assert sections["Prevention"].items == []


def test_static_file_fetcher_refuses_anything_but_static_files():
    fetcher = _fetcher_class()()

    with pytest.raises(ValueError, match="Only the project's static files"):
        fetcher.fetch("http://example.org/evil.css")
    with pytest.raises(ValueError, match="No static file"):
        fetcher.fetch(f"{STATIC_BASE}../cityexchange/settings.py")
    response = fetcher.fetch(f"{STATIC_BASE}css/report-pdf.css")
    assert response.read().startswith(b"/* The visit report")


@pytest.mark.parametrize("size", [1, 5])
def test_report_page_query_count_does_not_grow(client, django_assert_num_queries, superuser, size):
    visit = StudyVisitFactory()
    theme = ThemeFactory()
    visit.themes.set([theme])
    for _ in range(size):
        item = ItineraryItemFactory(visit=visit)
        item.themes.set([theme])
        ItemNoteFactory(item=item)
        LessonFactory(visit=visit, theme=theme, item=item)
        FollowUpFactory(visit=visit).themes.set([theme])
    client.force_login(superuser)

    with django_assert_num_queries(11):
        response = client.get(reverse("outcomes:visit_report", args=[visit.pk]))

    assert response.status_code == 200
