"""Personal API tokens: made and revoked by their owner, shown once, stored hashed, sent as Bearer."""

import datetime as dt
import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.services import api_token_create, api_token_mark_used, api_token_revoke
from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from outcomes.tests.factories import FollowUpFactory, ItemNoteFactory
from visits.tests.factories import ItineraryItemFactory, PublishedVisitFactory

pytestmark = pytest.mark.django_db


def _user(email):
    return get_user_model().objects.create_user(username=email, email=email, password="Lantern-Quarry-41")


@pytest.fixture
def officer():
    return _user("officer@example.org")


@pytest.fixture
def visit(officer):
    visit = PublishedVisitFactory(title="Belgians in Tennessee")
    visit.programme.officers.add(officer)
    return visit


def _bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_token_page_shows_a_new_token_once_and_keeps_only_its_hash(client, officer):
    client.force_login(officer)

    response = client.post(reverse("api_tokens:list"), {"name": "Reporting sheet", "expires_in_days": "90"})
    first_look = client.get(reverse("api_tokens:list")).content.decode()
    second_look = client.get(reverse("api_tokens:list")).content.decode()

    assert response.status_code == 302
    token = ApiToken.objects.get()
    secret = first_look.split('id="new-token" class="form-control font-monospace" type="text" readonly value="')[1]
    secret = secret.split('"')[0]
    assert secret.startswith("cx_") and len(secret) > 40
    assert secret not in second_look
    assert f"{token.prefix}…" in second_look
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:11]
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert [name for name, value in stored.items() if isinstance(value, str) and secret in value] == []
    assert (token.name, token.user) == ("Reporting sheet", officer)
    assert token.expires_at - token.created_at == dt.timedelta(days=90)


def test_token_page_refuses_a_name_already_in_use_in_words(client, officer):
    api_token_create(officer, name="Reporting sheet")
    client.force_login(officer)

    response = client.post(reverse("api_tokens:list"), {"name": "reporting SHEET", "expires_in_days": ""})

    assert response.status_code == 400
    assert "You already have a token named “reporting SHEET”" in response.content.decode()
    assert ApiToken.objects.count() == 1


def test_a_revoked_tokens_name_may_be_used_again(officer):
    old, _secret = api_token_create(officer, name="Sheet")
    api_token_revoke(old)

    new, _secret = api_token_create(officer, name="Sheet")

    assert list(ApiToken.objects.filter(revoked_at__isnull=True)) == [new]


def test_token_page_speaks_french(client, officer):
    client.force_login(officer)

    page = client.get("/fr" + reverse("api_tokens:list")).content.decode()

    assert "Jetons d’API" in page
    assert "Vous n’avez encore aucun jeton d’API." in page
    assert "Créer le jeton" in page


def test_owner_revokes_their_token_on_the_page_and_it_answers_401(client, officer, visit):
    token, secret = api_token_create(officer, name="Sheet")
    client.force_login(officer)

    response = client.post(reverse("api_tokens:revoke", args=[token.pk]))
    answer = _bearer(secret).get(reverse("api:visit_list"))

    assert response.status_code == 302
    assert answer.status_code == 401
    assert answer.json() == {"detail": "The token is unknown, revoked or expired."}
    assert "revoked" in client.get(reverse("api_tokens:list")).content.decode()


def test_nobody_else_revokes_a_token(client, officer):
    token, _secret = api_token_create(officer, name="Sheet")
    client.force_login(_user("someone@example.org"))

    response = client.post(reverse("api_tokens:revoke", args=[token.pk]))

    token.refresh_from_db()
    assert response.status_code == 404
    assert token.revoked_at is None


def test_bearer_token_reads_what_its_owner_reads_and_marks_its_use(officer, visit):
    PublishedVisitFactory(title="Another programme's visit")
    token, secret = api_token_create(officer, name="Sheet")

    response = _bearer(secret).get(reverse("api:visit_list"))

    token.refresh_from_db()
    assert response.status_code == 200
    assert [v["title"] for v in response.json()["results"]] == ["Belgians in Tennessee"]
    assert token.last_used_at is not None


def test_last_use_is_written_at_most_once_a_minute(officer, django_assert_num_queries):
    token, _secret = api_token_create(officer, name="Sheet")
    now = timezone.now()
    api_token_mark_used(token, now=now)

    with django_assert_num_queries(0):
        api_token_mark_used(token, now=now + dt.timedelta(seconds=59))
    with django_assert_num_queries(1):
        api_token_mark_used(token, now=now + dt.timedelta(seconds=60))


def test_expired_token_answers_401(officer, visit):
    token, secret = api_token_create(officer, name="Sheet", expires_in_days=30)
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=now - dt.timedelta(days=31), expires_at=now - dt.timedelta(seconds=1)
    )

    response = _bearer(secret).get(reverse("api:visit_list"))

    assert response.status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "Bearer cx_wrong",
        "Bearer cx_" + "A" * 43,
        "Bearer ",
        "Bearer nothing-like-a-token",
        "Bearer " + "x" * 5000,
        "Bearer cx_\u202eevil",
    ],
)
def test_a_wrong_token_answers_401(officer, visit, header):
    api_token_create(officer, name="Sheet")

    response = Client(HTTP_AUTHORIZATION=header).get(reverse("api:visit_list"))

    assert response.status_code == 401


def test_a_wrong_token_is_refused_even_beside_a_signed_in_session(client, officer, visit):
    client.force_login(officer)

    response = client.get(reverse("api:visit_list"), HTTP_AUTHORIZATION="Bearer cx_wrong-token-0123456789")

    assert response.status_code == 401


def test_token_of_a_deactivated_account_answers_401(officer, visit):
    _token, secret = api_token_create(officer, name="Sheet")
    officer.is_active = False
    officer.save()

    assert _bearer(secret).get(reverse("api:visit_list")).status_code == 401


def test_a_delegates_token_reads_their_visit_but_no_officer_endpoint(officer, visit):
    delegate = _user("delegate@example.org")
    member = DelegationMemberFactory(
        delegation=visit.delegation, participant=ParticipantFactory(user=delegate, email="delegate@example.org")
    )
    item = ItineraryItemFactory(visit=visit)
    note = ItemNoteFactory(item=item, author=delegate)
    follow_up = FollowUpFactory(visit=visit)
    _token, secret = api_token_create(delegate, name="My phone")
    api = _bearer(secret)

    assert api.get(reverse("api:visit_detail", args=[visit.pk])).status_code == 200
    assert [n["id"] for n in api.get(reverse("api:note_list")).json()["results"]] == [note.pk]
    for name, pk in [
        ("api:delegation_detail", visit.delegation_id),
        ("api:delegation_members", visit.delegation_id),
        ("api:participant_detail", member.participant_id),
        ("api:follow_up_detail", follow_up.pk),
    ]:
        assert (name, api.get(reverse(name, args=[pk])).status_code) == (name, 404)
    for name in ("api:delegation_list", "api:participant_list", "api:follow_up_list"):
        assert (name, api.get(reverse(name)).json()["count"]) == (name, 0)


@pytest.mark.parametrize("size", [1, 5])
def test_token_page_query_count_does_not_grow(client, officer, django_assert_num_queries, size):
    for number in range(size):
        api_token_create(officer, name=f"Token {number}")
    client.force_login(officer)
    client.get(reverse("api_tokens:list"))  # the session's first read and the language cookie

    # The session, the user, the tokens.
    with django_assert_num_queries(3):
        response = client.get(reverse("api_tokens:list"))

    assert response.content.decode().count("<code>cx_") == size


@pytest.mark.parametrize("size", [1, 5])
def test_bearer_list_query_count_does_not_grow(officer, django_assert_num_queries, size):
    for _ in range(size):
        PublishedVisitFactory().programme.officers.add(officer)
    _token, secret = api_token_create(officer, name="Sheet")
    api = _bearer(secret)
    api.get(reverse("api:visit_list"))  # writes last_used_at

    # The token with its owner, the count, the visits, their stops and themes.
    with django_assert_num_queries(5):
        response = api.get(reverse("api:visit_list"))

    assert response.json()["count"] == size
