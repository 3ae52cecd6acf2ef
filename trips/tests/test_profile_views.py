"""The delegate's own record: needs and emergency contact (with history), and their letters."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from delegations.models import Participant
from delegations.services import participant_own_record_update
from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from trips.models import InvitationLetterTemplate
from visits.tests.factories import PublishedVisitFactory, StudyVisitFactory

pytestmark = pytest.mark.django_db

NEEDS = {
    "dietary_needs": "Vegetarian, no nuts",
    "accessibility_needs": "Step-free access",
    "emergency_contact_name": "Dominique Lambert",
    "emergency_contact_phone": "+32 470 12 34 56",
}


def _user(email):
    return get_user_model().objects.create_user(username=email, email=email, password="x")


@pytest.fixture
def delegate():
    user = _user("camille@example.org")
    return user, ParticipantFactory(user=user, email=user.email, first_name="Camille", last_name="Dubois")


@pytest.fixture
def visit(delegate):
    visit = PublishedVisitFactory(title="Belgians in Tennessee")
    DelegationMemberFactory(delegation=visit.delegation, participant=delegate[1])
    return visit


def test_profile_shows_own_needs(client, delegate):
    user, participant = delegate
    participant_own_record_update(participant, by=user, dietary_needs="Halal")
    client.force_login(user)

    response = client.get(reverse("my:profile"))

    assert response.status_code == 200
    assert response.context["form"].initial["dietary_needs"] == "Halal"


def test_profile_post_saves_needs_and_names_the_delegate_in_history(client, delegate, visit):
    user, participant = delegate
    officer = _user("officer@example.org")
    visit.programme.officers.add(officer)
    client.force_login(user)

    response = client.post(reverse("my:profile"), NEEDS)

    assert response.status_code == 302
    participant.refresh_from_db()
    assert {name: getattr(participant, name) for name in NEEDS} == NEEDS
    assert participant.history.latest().history_user == user
    client.force_login(officer)
    page = client.get(reverse("delegations:participant_detail", args=[participant.pk])).content.decode()
    assert "camille@example.org" in page
    assert "Vegetarian, no nuts" in page


def test_profile_post_cannot_change_other_fields(client, delegate):
    user, participant = delegate
    client.force_login(user)

    client.post(reverse("my:profile"), {**NEEDS, "first_name": "Mallory", "preferred_language": "fr"})

    participant.refresh_from_db()
    assert (participant.first_name, participant.preferred_language) == ("Camille", "en")


def test_profile_post_too_long_phone_says_so_and_saves_nothing(client, delegate):
    user, participant = delegate
    client.force_login(user)

    response = client.post(reverse("my:profile"), {**NEEDS, "emergency_contact_phone": "9" * 41})

    assert response.status_code == 200
    assert response.context["form"].errors["emergency_contact_phone"]
    assert Participant.objects.get(pk=participant.pk).dietary_needs == ""


def test_profile_without_participant_is_404(client):
    client.force_login(_user("officer@example.org"))

    assert client.get(reverse("my:profile")).status_code == 404


def test_profile_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("my:profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_own_record_update_refuses_other_fields(delegate):
    user, participant = delegate

    with pytest.raises(ValueError, match="first_name"):
        participant_own_record_update(participant, by=user, first_name="Mallory")


def test_profile_lists_letters_of_own_visits(client, delegate, visit):
    user, _participant = delegate
    InvitationLetterTemplate.objects.create(programme=visit.programme, language="fr", subject="Invitation", body="x")
    hidden = StudyVisitFactory(programme=visit.programme, delegation=visit.delegation)  # a draft
    client.force_login(user)

    response = client.get(reverse("my:profile"))

    assert [(v, t.language) for v, t in response.context["letters"]] == [(visit, "fr")]
    assert hidden.pk != visit.pk


def test_letter_pdf_own_visit_is_a_pdf_with_own_name(client, delegate, visit, monkeypatch):
    user, _participant = delegate
    InvitationLetterTemplate.objects.create(
        programme=visit.programme, language="en", subject="Invitation", body="Dear {participant_name}"
    )
    rendered = {}

    def fake_pdf(template_name, context):
        rendered.update(context)
        return b"%PDF-1.7 fake"

    monkeypatch.setattr("trips.letters.pdf_from_template", fake_pdf)
    client.force_login(user)

    response = client.get(reverse("my:letter_pdf", args=[visit.pk, "en"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert rendered["body"] == "Dear Camille Dubois"


def test_letter_pdf_other_visit_is_404(client, delegate):
    user, _participant = delegate
    other = PublishedVisitFactory()
    DelegationMemberFactory(delegation=other.delegation)
    InvitationLetterTemplate.objects.create(programme=other.programme, language="en", subject="I", body="x")
    client.force_login(user)

    assert client.get(reverse("my:letter_pdf", args=[other.pk, "en"])).status_code == 404


def test_letter_pdf_missing_language_is_404(client, delegate, visit):
    client.force_login(delegate[0])

    assert client.get(reverse("my:letter_pdf", args=[visit.pk, "fr"])).status_code == 404


@pytest.mark.parametrize("size", [1, 5])
def test_profile_query_count_does_not_grow(client, delegate, django_assert_num_queries, size):
    user, participant = delegate
    for _ in range(size):
        visit = PublishedVisitFactory()
        DelegationMemberFactory(delegation=visit.delegation, participant=participant)
        InvitationLetterTemplate.objects.create(programme=visit.programme, language="en", subject="I", body="x")
    client.force_login(user)

    with django_assert_num_queries(4):
        response = client.get(reverse("my:profile"))

    assert len(response.context["letters"]) == size
