"""Erasure revokes the person's API tokens (privacy reaches them by ``user.api_tokens``; it and api
are siblings, so the test that uses both lives here)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from api.models import ApiToken
from api.services import api_token_create
from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from privacy.services import participant_erase
from visits.tests.factories import PublishedVisitFactory

pytestmark = pytest.mark.django_db


def _delegate(visit, first):
    email = f"{first.lower()}@example.org"
    user = get_user_model().objects.create_user(username=email, email=email, password="Lantern-Quarry-41")
    participant = ParticipantFactory(user=user, first_name=first, email=email)
    DelegationMemberFactory(delegation=visit.delegation, participant=participant, status="confirmed")
    return participant


def _visits_status(secret: str) -> int:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/visits/").status_code


def test_erasure_revokes_their_api_tokens_only():
    visit = PublishedVisitFactory()
    camille, ann = _delegate(visit, "Camille"), _delegate(visit, "Ann")
    token, secret = api_token_create(camille.user, name="Spreadsheet")
    theirs, their_secret = api_token_create(ann.user, name="Spreadsheet")
    assert _visits_status(secret) == 200

    participant_erase(camille, by=None)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert list(ApiToken.objects.usable()) == [theirs]
    assert (_visits_status(secret), _visits_status(their_secret)) == (401, 200)
