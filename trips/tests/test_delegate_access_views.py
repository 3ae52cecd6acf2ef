import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from delegations.models import Invitation
from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from notifications.models import Notification
from partners.tests.factories import CityFactory
from trips.models import CalendarFeedToken, InvitationLetterTemplate, PersonalTravel
from trips.services import calendar_feed_token_create
from visits.tests.factories import PublishedVisitFactory, VisitStopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return get_user_model().objects.create_user(username="officer@example.org", email="officer@example.org")


@pytest.fixture
def visit(officer):
    visit = PublishedVisitFactory(title="Belgians in Tennessee")
    visit.programme.officers.add(officer)
    return visit


@pytest.fixture
def member(visit):
    participant = ParticipantFactory(first_name="Camille", last_name="Exemple", email="camille@example.org")
    return DelegationMemberFactory(delegation=visit.delegation, participant=participant)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def other_officer_client(client):
    user = get_user_model().objects.create_user(username="officer2@example.org", email="officer2@example.org")
    PublishedVisitFactory().programme.officers.add(user)
    client.force_login(user)
    return client


def test_officer_sends_an_invitation(officer_client, visit, member):
    response = officer_client.post(reverse("delegate_access:invite", args=[visit.pk, member.pk]))

    assert response.status_code == 302
    assert Invitation.objects.get().member == member
    assert Notification.objects.get().to_email == "camille@example.org"


def test_officer_resends_an_invitation(officer_client, visit, member):
    officer_client.post(reverse("delegate_access:invite", args=[visit.pk, member.pk]))

    officer_client.post(reverse("delegate_access:resend", args=[visit.pk, member.pk]))

    assert Notification.objects.count() == 2
    assert Invitation.objects.filter(superseded_at__isnull=True).count() == 1


def test_invitation_without_email_is_refused_in_words(officer_client, visit):
    member = DelegationMemberFactory(delegation=visit.delegation, participant=ParticipantFactory(email=""))

    response = officer_client.post(reverse("delegate_access:invite", args=[visit.pk, member.pk]), follow=True)

    assert "has no email address" in response.content.decode()
    assert Notification.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("delegate_access:invite", "post"),
        ("delegate_access:resend", "post"),
        ("delegate_access:feed", "post"),
        ("delegate_access:travel_create", "get"),
        ("delegate_access:stay_create", "get"),
    ],
)
def test_officer_of_another_programme_gets_404(other_officer_client, visit, member, name, method):
    response = getattr(other_officer_client, method)(reverse(name, args=[visit.pk, member.pk]))

    assert response.status_code == 404
    assert Notification.objects.count() == 0


def test_officer_of_another_programme_cannot_see_the_access_page(other_officer_client, visit):
    response = other_officer_client.get(reverse("delegate_access:visit_delegates", args=[visit.pk]))

    assert response.status_code == 404


def test_member_of_another_delegation_answers_404(officer_client, visit):
    stranger = DelegationMemberFactory()

    response = officer_client.post(reverse("delegate_access:invite", args=[visit.pk, stranger.pk]))

    assert response.status_code == 404


def test_officer_revokes_a_members_calendar_link(officer_client, visit, member, officer):
    _feed, token = calendar_feed_token_create(member.participant, by=officer)

    officer_client.post(reverse("delegate_access:feed", args=[visit.pk, member.pk]), {"action": "revoke"})

    assert CalendarFeedToken.objects.get().revoked_at is not None
    assert officer_client.get(reverse("my:feed", args=[token])).status_code == 410


def test_officer_makes_a_new_calendar_link_shown_once(officer_client, visit, member):
    response = officer_client.post(
        reverse("delegate_access:feed", args=[visit.pk, member.pk]), {"action": "create"}, follow=True
    )

    url = response.context["new_feed"]["url"]
    assert officer_client.get(url).status_code == 200
    again = officer_client.get(reverse("delegate_access:visit_delegates", args=[visit.pk]))
    assert again.context["new_feed"] is None


def test_officer_enters_a_members_travel(officer_client, visit, member):
    response = officer_client.post(
        reverse("delegate_access:travel_create", args=[visit.pk, member.pk]),
        {
            "direction": "departure",
            "mode": "train",
            "carrier": "Amtrak 20",
            "departure_place": "Washington Union Station",
            "departure_timezone": "America/New_York",
            "departs_local": "2019-11-09T16:05",
            "arrival_place": "New York Penn",
            "arrival_timezone": "America/New_York",
            "arrives_local": "2019-11-09T19:30",
        },
    )

    assert response.status_code == 302
    leg = PersonalTravel.objects.get()
    assert (leg.participant, leg.visit) == (member.participant, visit)
    assert leg.departs_at == dt.datetime(2019, 11, 9, 21, 5, tzinfo=dt.UTC)
    assert leg.history.count() == 1


@pytest.mark.parametrize("size", [1, 5])
def test_visit_delegates_query_count(officer_client, visit, size, django_assert_num_queries):
    for _ in range(size):
        member = DelegationMemberFactory(delegation=visit.delegation)
        PersonalTravel.objects.create(
            visit=visit,
            participant=member.participant,
            direction="arrival",
            departure_place="BRU",
            departure_timezone="Europe/Brussels",
            departs_at=dt.datetime(2019, 11, 3, 9, tzinfo=dt.UTC),
            arrival_place="BNA",
            arrival_timezone="America/Chicago",
            arrives_at=dt.datetime(2019, 11, 3, 20, tzinfo=dt.UTC),
        )

    with django_assert_num_queries(6):
        response = officer_client.get(reverse("delegate_access:visit_delegates", args=[visit.pk]))

    assert response.status_code == 200


def test_officer_writes_a_letter_template_and_prints_a_personal_letter(officer_client, visit, member):
    VisitStopFactory(visit=visit, city=CityFactory(name="Nashville", country="US", timezone="America/Chicago"))
    response = officer_client.post(
        reverse("delegate_access:letter_template_edit", args=[visit.programme.pk, "fr"]),
        {
            "subject": "Lettre d'invitation pour {participant_name}",
            "body": "Nous invitons {participant_name} à {host_cities} du {visit_starts_on} au {visit_ends_on}.",
            "signatory": "Meridian",
        },
    )
    assert response.status_code == 302
    template = InvitationLetterTemplate.objects.get()
    assert template.fill({"participant_name": "Camille Exemple", "host_cities": "Nashville"})[0] == (
        "Lettre d'invitation pour Camille Exemple"
    )

    pdf = officer_client.get(reverse("delegate_access:letter_pdf", args=[visit.pk, member.pk, "fr"]))

    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_letter_template_with_an_unknown_placeholder_is_refused_in_words(officer_client, visit):
    response = officer_client.post(
        reverse("delegate_access:letter_template_edit", args=[visit.programme.pk, "en"]),
        {"subject": "Invitation", "body": "Dear {name}"},
    )

    assert response.status_code == 200
    assert "Unknown placeholders: {name}" in response.content.decode()
    assert InvitationLetterTemplate.objects.count() == 0


def test_letter_pdf_without_a_template_answers_404(officer_client, visit, member):
    response = officer_client.get(reverse("delegate_access:letter_pdf", args=[visit.pk, member.pk, "en"]))

    assert response.status_code == 404
