import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from delegations.models import DelegationMember, Invitation
from delegations.services import delegation_member_invite
from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from notifications.models import Notification
from pagecache.tables import without_version_bumps

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return get_user_model().objects.create_user(username="officer@example.org", email="officer@example.org")


@pytest.fixture
def member():
    participant = ParticipantFactory(first_name="Camille", email="camille@example.org", preferred_language="fr")
    return DelegationMemberFactory(participant=participant, status=DelegationMember.Status.INVITED)


def _link(notification: Notification) -> str:
    return re.search(r"https?://\S+/invitation/[\w-]+/", notification.body_text).group(0)


def _path(notification: Notification) -> str:
    return "/" + _link(notification).split("/", 3)[3]


def test_invite_writes_one_email_in_the_participants_language(member, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        invitation = delegation_member_invite(member, by=officer)

    notification = Notification.objects.get()
    assert notification.key == f"invitation:{invitation.pk}"
    assert notification.to_email == "camille@example.org"
    assert notification.language == "fr"
    assert notification.subject.startswith("Votre accès CityExchange") or notification.subject.startswith(
        "Your CityExchange access"
    )
    assert "/fr/my/invitation/" in notification.body_text
    assert _link(notification) in notification.body_html
    assert len(without_version_bumps(callbacks)) == 1
    member.refresh_from_db()
    assert member.invited_at == invitation.created_at


def test_invite_stores_only_a_hash_of_the_token(member, officer):
    invitation = delegation_member_invite(member, by=officer)

    token = _link(Notification.objects.get()).rstrip("/").rsplit("/", 1)[1]
    assert token not in invitation.token_hash
    assert Invitation.objects.filter(token_hash__contains=token).count() == 0


def test_resend_supersedes_the_earlier_link(client, member, officer):
    delegation_member_invite(member, by=officer)
    first = Notification.objects.get()
    second_invitation = delegation_member_invite(member, by=officer)
    second = Notification.objects.get(key=f"invitation:{second_invitation.pk}")

    assert Notification.objects.count() == 2
    assert client.get(_path(first)).status_code == 410
    assert client.get(_path(second)).status_code == 200


def test_invite_refuses_a_participant_without_email(officer):
    member = DelegationMemberFactory(participant=ParticipantFactory(email=""))

    with pytest.raises(ValidationError, match="has no email address"):
        delegation_member_invite(member, by=officer)

    assert Invitation.objects.count() == 0
    assert Notification.objects.count() == 0


def test_invite_refuses_a_withdrawn_member(officer):
    member = DelegationMemberFactory(status=DelegationMember.Status.WITHDRAWN)

    with pytest.raises(ValidationError, match="only invited or confirmed members"):
        delegation_member_invite(member, by=officer)

    assert Notification.objects.count() == 0


def test_accepting_sets_a_password_links_the_account_and_signs_in(client, member, officer):
    delegation_member_invite(member, by=officer)
    path = _path(Notification.objects.get())

    response = client.post(path, {"password1": "lantern-harbour-42", "password2": "lantern-harbour-42"})

    assert response.status_code == 302
    assert response["Location"] == reverse("my:visit_list")
    member.participant.refresh_from_db()
    user = member.participant.user
    assert user.email == "camille@example.org"
    assert user.check_password("lantern-harbour-42")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert Invitation.objects.get().used_at is not None


def test_used_link_shows_a_clear_page(client, member, officer):
    delegation_member_invite(member, by=officer)
    path = _path(Notification.objects.get())
    client.post(path, {"password1": "lantern-harbour-42", "password2": "lantern-harbour-42"})
    client.logout()

    response = client.get(path)

    assert response.status_code == 410
    # The page speaks the invitee's language (French here).
    assert "Ce lien d'invitation a déjà servi" in response.content.decode()


def test_expired_link_shows_a_clear_page(client, member, officer):
    delegation_member_invite(member, by=officer)
    Invitation.objects.update(
        created_at=timezone.now() - dt.timedelta(days=20), expires_at=timezone.now() - dt.timedelta(days=6)
    )

    response = client.get(_path(Notification.objects.get()))

    assert response.status_code == 410
    assert "Ce lien d'invitation a expiré" in response.content.decode()


def test_unknown_link_answers_404_with_words(client):
    response = client.get(reverse("my:invitation_accept", args=["nonsense"]))

    assert response.status_code == 404
    assert "We do not recognise this link" in response.content.decode()


def test_mismatched_passwords_change_nothing(client, member, officer):
    delegation_member_invite(member, by=officer)

    response = client.post(
        _path(Notification.objects.get()), {"password1": "lantern-harbour-42", "password2": "lantern-harbour-43"}
    )

    assert response.status_code == 200
    assert "Les deux mots de passe diffèrent" in response.content.decode()
    member.participant.refresh_from_db()
    assert member.participant.user is None
    assert Invitation.objects.get().used_at is None


def test_weak_password_is_refused_in_words(client, member, officer):
    delegation_member_invite(member, by=officer)

    response = client.post(_path(Notification.objects.get()), {"password1": "123", "password2": "123"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["password1"]
    assert Invitation.objects.get().used_at is None
