"""Publishing with a preview: who gets which message before anything is sent, a confirmation that
sends only what was shown, the question before emailing about a visit that has ended; and the
outbox's word on the change digest."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delegations.models import DelegationMember
from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from notifications.models import BouncedAddress, Notification
from partners.tests.factories import CityFactory
from visits.models import ItineraryChange, StudyVisit
from visits.services import itinerary_item_update, visit_publish, visit_publish_preview
from visits.tests.factories import ItineraryItemFactory, StudyVisitFactory

pytestmark = pytest.mark.django_db

FUTURE = timezone.localdate() + dt.timedelta(days=30)


@pytest.fixture
def officer():
    return get_user_model().objects.create_user(username="o@example.org", email="o@example.org", password="x")


def _visit(officer, *, starts_on=FUTURE, days=4):
    visit = StudyVisitFactory(
        title="Belgians in Tennessee", starts_on=starts_on, ends_on=starts_on + dt.timedelta(days=days)
    )
    visit.programme.officers.add(officer)
    nashville = CityFactory(name="Nashville", country="US", timezone="America/Chicago")
    start = dt.datetime.combine(starts_on, dt.time(15), tzinfo=dt.UTC)
    for hours in (0, 3):
        ItineraryItemFactory(visit=visit, city=nashville, starts_at=start + dt.timedelta(hours=hours))
    people = [
        ("Camille", "Dubois", "fr", DelegationMember.Status.CONFIRMED, "camille@example.org"),
        ("Ann", "Archer", "en", DelegationMember.Status.CONFIRMED, "ann@example.org"),
        ("Luc", "Martin", "fr", DelegationMember.Status.CONFIRMED, "luc@example.org"),
        ("Ines", "Invited", "fr", DelegationMember.Status.INVITED, "ines@example.org"),
        ("Noe", "Noaddress", "en", DelegationMember.Status.CONFIRMED, ""),
    ]
    for first, last, language, status, email in people:
        participant = ParticipantFactory(first_name=first, last_name=last, preferred_language=language, email=email)
        DelegationMemberFactory(delegation=visit.delegation, participant=participant, status=status)
    return visit


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_preview_names_each_recipient_language_subject_and_attachments_and_sends_nothing(officer):
    visit = _visit(officer)
    history = StudyVisit.history.count()

    response = _signed_in(officer).get(reverse("visits:visit_publish_preview", args=[visit.pk]))

    assert response.status_code == 200
    preview = response.context["preview"]
    assert [(m.to_email, m.language, m.subject, m.methods) for m in preview.messages] == [
        ("ann@example.org", "en", "Your itinerary: Belgians in Tennessee", {"REQUEST": 2}),
        ("camille@example.org", "fr", "Votre programme : Belgians in Tennessee", {"REQUEST": 2}),
        ("luc@example.org", "fr", "Votre programme : Belgians in Tennessee", {"REQUEST": 2}),
    ]
    assert [(p.name, p.reason) for p in preview.left_out] == [
        ("Ines Invited", "invited, not confirmed yet"),
        ("Noe Noaddress", "no email address"),
    ]
    assert list(preview.samples) == ["en", "fr"]
    content = response.content.decode()
    assert "Publish and send 3 messages" in content
    assert "2 calendar entries (.ics, iTIP REQUEST)" in content
    visit.refresh_from_db()
    assert (visit.status, Notification.objects.count(), StudyVisit.history.count()) == ("draft", 0, history)


def test_confirming_the_preview_publishes_and_queues_what_it_showed(officer):
    visit = _visit(officer)
    client = _signed_in(officer)
    preview = client.get(reverse("visits:visit_publish_preview", args=[visit.pk])).context["preview"]

    response = client.post(reverse("visits:visit_publish", args=[visit.pk]), {"fingerprint": preview.fingerprint})

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == StudyVisit.Status.PUBLISHED
    rows = Notification.objects.order_by("to_email")
    assert [(row.to_email, row.language, row.subject) for row in rows] == [
        (m.to_email, m.language, m.subject) for m in preview.messages
    ]


def test_a_roster_change_after_the_preview_is_refused_and_sends_nothing(officer):
    visit = _visit(officer)
    client = _signed_in(officer)
    preview = client.get(reverse("visits:visit_publish_preview", args=[visit.pk])).context["preview"]
    DelegationMember.objects.filter(participant__email="ines@example.org").update(
        status=DelegationMember.Status.CONFIRMED
    )

    response = client.post(reverse("visits:visit_publish", args=[visit.pk]), {"fingerprint": preview.fingerprint})

    assert response.status_code == 400
    assert "has changed since your preview" in response.content.decode()
    assert "Publish and send 4 messages" in response.content.decode()
    visit.refresh_from_db()
    assert (visit.status, Notification.objects.count()) == ("draft", 0)


@pytest.mark.parametrize("data", [{}, {"fingerprint": "x" * 64}, {"fingerprint": "short"}])
def test_publish_without_the_previews_confirmation_sends_nothing(officer, data):
    visit = _visit(officer)

    response = _signed_in(officer).post(reverse("visits:visit_publish", args=[visit.pk]), data)

    assert response.status_code == 400
    visit.refresh_from_db()
    assert (visit.status, Notification.objects.count()) == ("draft", 0)


def test_an_ended_visit_asks_before_emailing_its_delegates(officer):
    visit = _visit(officer, starts_on=dt.date(2019, 11, 3), days=5)
    client = _signed_in(officer)
    page = client.get(reverse("visits:visit_publish_preview", args=[visit.pk]))
    fingerprint = page.context["preview"].fingerprint
    assert "This visit ended on 8 Nov 2019. Email 3 delegates about it anyway?" in page.content.decode()

    refused = client.post(reverse("visits:visit_publish", args=[visit.pk]), {"fingerprint": fingerprint})
    assert refused.status_code == 400
    assert "Tick the box to email the delegates of a visit that has ended." in refused.content.decode()
    assert Notification.objects.count() == 0

    accepted = client.post(
        reverse("visits:visit_publish", args=[visit.pk]), {"fingerprint": fingerprint, "ended_confirmed": "on"}
    )
    assert accepted.status_code == 302
    assert Notification.objects.count() == 3


def test_a_bounced_address_is_shown_as_not_sent_in_the_preview(officer):
    visit = _visit(officer)
    BouncedAddress.objects.create(email="luc@example.org", reason="550 No such user")

    preview = visit_publish_preview(visit, by=officer)

    assert [(m.to_email, bool(m.bounced)) for m in preview.messages] == [
        ("ann@example.org", False),
        ("camille@example.org", False),
        ("luc@example.org", True),
    ]
    assert preview.sending == 2
    assert preview.languages == [("en", 1), ("fr", 1)]


def test_previewing_a_published_visit_says_why_and_goes_back(officer):
    visit = _visit(officer)
    visit_publish(visit, by=officer)

    response = _signed_in(officer).get(reverse("visits:visit_publish_preview", args=[visit.pk]), follow=True)

    assert [str(m) for m in response.context["messages"]] == ["Only a draft visit can be published."]


# --- The change digest on the outbox and the visit page ---


def _published_with_a_change(officer):
    visit = _visit(officer)
    visit_publish(visit, by=officer)
    item = visit.itinerary_items.order_by("starts_at").first()
    itinerary_item_update(
        item, by=officer, starts_at=item.starts_at + dt.timedelta(hours=1), ends_at=item.ends_at + dt.timedelta(hours=1)
    )
    return visit


def test_outbox_says_when_the_pending_digest_goes(officer, settings):
    settings.SCHEDULED_TASKS_RUN = True
    settings.ITINERARY_DIGEST_QUIET_MINUTES = 5
    visit = _published_with_a_change(officer)
    changed_at = ItineraryChange.objects.get().changed_at

    content = _signed_in(officer).get(reverse("outbox:list", args=[visit.pk])).content.decode()

    due = (changed_at + dt.timedelta(minutes=5)).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    assert (
        "A change digest is waiting: 1 change to the itinerary since the last message. It goes once the itinerary "
        f"has been left alone for 5 minutes: at about {due}, if nothing else changes."
    ) in " ".join(content.split())


def test_outbox_says_plainly_that_nothing_is_scheduled_in_embedded_mode(officer, settings):
    settings.SCHEDULED_TASKS_RUN = False
    visit = _published_with_a_change(officer)
    client = _signed_in(officer)

    outbox = " ".join(client.get(reverse("outbox:list", args=[visit.pk])).content.decode().split())
    page = " ".join(client.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode().split())

    words = "1 change to the itinerary since publishing waits for a digest, and nothing is scheduled to send it"
    assert words in outbox
    assert "Send the digest now" in outbox
    assert words in page
    assert "Open the outbox to send it now" in page


def test_outbox_without_a_pending_change_in_embedded_mode_still_says_nothing_is_scheduled(officer, settings):
    settings.SCHEDULED_TASKS_RUN = False
    visit = _visit(officer)
    visit_publish(visit, by=officer)

    content = " ".join(_signed_in(officer).get(reverse("outbox:list", args=[visit.pk])).content.decode().split())

    assert "Nothing is scheduled on this server (no Celery beat, as under make run)" in content
    assert "Send the digest now" not in content


def test_send_the_digest_now_queues_it_without_waiting_for_quiet(officer, settings):
    settings.SCHEDULED_TASKS_RUN = False
    visit = _published_with_a_change(officer)
    published = Notification.objects.count()

    response = _signed_in(officer).post(reverse("outbox:digest_send", args=[visit.pk]), follow=True)

    assert [str(m) for m in response.context["messages"]] == ["The change digest is in the outbox: 3 messages."]
    assert Notification.objects.filter(kind="itinerary_digest").count() == 3
    assert Notification.objects.count() == published + 3
    assert ItineraryChange.objects.filter(digested_at__isnull=True).count() == 0


def test_send_the_digest_now_with_nothing_pending_sends_nothing(officer):
    visit = _visit(officer)
    visit_publish(visit, by=officer)
    published = Notification.objects.count()

    response = _signed_in(officer).post(reverse("outbox:digest_send", args=[visit.pk]), follow=True)

    assert [str(m) for m in response.context["messages"]] == ["No change was waiting for a digest: nothing was sent."]
    assert Notification.objects.count() == published


def test_the_preview_and_its_question_read_in_french(officer):
    visit = _visit(officer, starts_on=dt.date(2019, 11, 3), days=5)

    content = _signed_in(officer).get("/fr" + reverse("visits:visit_publish_preview", args=[visit.pk])).content.decode()

    assert "Cette visite s’est terminée le 8 novembre 2019. Écrire quand même à 3 délégués à son sujet ?" in content
    assert "Publier et envoyer 3 messages" in content
    assert "Qui reçoit quel message" in content
