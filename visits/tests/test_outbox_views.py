import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notification_queue
from visits.tests.factories import ProgrammeFactory, StudyVisitFactory

pytestmark = pytest.mark.django_db

Status = Notification.Status


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user(username="officer@example.org", email="officer@example.org")


@pytest.fixture
def visit(officer):
    programme = ProgrammeFactory()
    programme.officers.add(officer)
    return StudyVisitFactory(programme=programme)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def _queue(visit, number: int, **fields) -> Notification:
    notification, _created = notification_queue(
        key=f"test:{visit.pk}:{number}",
        kind="test",
        to_email=f"person{number}@example.org",
        to_name=f"Person {number}",
        subject=f"Message {number}",
        body_text=f"Plain body {number}",
        body_html=f"<p>HTML body {number}</p>",
        about=visit,
    )
    if fields:
        Notification.objects.filter(pk=notification.pk).update(**fields)
        notification.refresh_from_db()
    return notification


def _url(name: str, visit, notification=None) -> str:
    args = [visit.pk] if notification is None else [visit.pk, notification.pk]
    return reverse(f"outbox:{name}", args=args)


@pytest.mark.parametrize("count", [1, 5])
def test_visit_outbox_lists_messages_with_a_constant_number_of_queries(
    officer_client, visit, count, django_assert_num_queries
):
    rows = [_queue(visit, number, status=Status.SENT, sent_at=visit.created_at) for number in range(count)]
    _queue(StudyVisitFactory(programme=visit.programme), 99)  # about another visit: not listed
    Notification.objects.filter(pk=rows[0].pk).update(status=Status.FAILED, sent_at=None, last_error="550 No such user")

    with django_assert_num_queries(4):
        response = officer_client.get(_url("list", visit))

    assert response.status_code == 200
    assert [row.pk for row in response.context["notifications"]] == [row.pk for row in reversed(rows)]
    assert "550 No such user" in response.text


def test_visit_outbox_filters_by_status(officer_client, visit):
    queued = _queue(visit, 1)
    _queue(visit, 2, status=Status.CANCELLED)

    response = officer_client.get(_url("list", visit), {"status": "queued"})

    assert list(response.context["notifications"]) == [queued]


def test_visit_outbox_of_another_programme_is_404(officer_client):
    other_visit = StudyVisitFactory()

    assert officer_client.get(_url("list", other_visit)).status_code == 404


def test_visit_outbox_redirects_anonymous_users_to_sign_in(client, visit):
    response = client.get(_url("list", visit))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_visit_outbox_preview_shows_the_message(officer_client, visit):
    notification = _queue(visit, 1)

    response = officer_client.get(_url("preview", visit, notification))

    assert response.status_code == 200
    assert "Plain body 1" in response.text
    assert 'sandbox srcdoc="&lt;p&gt;HTML body 1&lt;/p&gt;"' in response.text


def test_visit_outbox_preview_of_a_message_about_another_visit_is_404(officer_client, visit):
    other = _queue(StudyVisitFactory(programme=visit.programme), 1)

    assert officer_client.get(_url("preview", visit, other)).status_code == 404


def test_visit_outbox_cancel_cancels_a_queued_message(officer_client, visit):
    notification = _queue(visit, 1)

    response = officer_client.post(_url("cancel", visit, notification))

    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.status == Status.CANCELLED


def test_visit_outbox_cancel_of_a_sent_message_says_why_and_changes_nothing(officer_client, visit):
    notification = _queue(visit, 1, status=Status.SENT, sent_at=visit.created_at)

    response = officer_client.post(_url("cancel", visit, notification), follow=True)

    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert "Only a queued message can be cancelled; this one is sent." in response.text


def test_visit_outbox_resend_queues_a_linked_copy(officer_client, visit):
    notification = _queue(visit, 1, status=Status.SENT, sent_at=visit.created_at)

    response = officer_client.post(_url("resend", visit, notification))

    assert response.status_code == 302
    copy = Notification.objects.exclude(pk=notification.pk).get()
    assert (copy.resend_of, copy.about, copy.subject, copy.to_email) == (
        notification,
        visit,
        "Message 1",
        "person1@example.org",
    )
    assert copy.key != notification.key


def test_visit_outbox_resend_answers_get_with_405(officer_client, visit):
    notification = _queue(visit, 1, status=Status.SENT, sent_at=visit.created_at)

    assert officer_client.get(_url("resend", visit, notification)).status_code == 405
