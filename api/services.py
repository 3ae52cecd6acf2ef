"""Writes of the API's own rows: making, using and revoking personal tokens."""

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone

from delegations.tokens import token_hash

from .models import ApiToken
from .selectors import PREFIX_LENGTH, TOKEN_START

# How stale ``last_used_at`` may get: a token used all day is written once a minute, not per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@transaction.atomic
def api_token_create(user, *, name: str, expires_in_days: int | None = None) -> tuple[ApiToken, str]:
    """Make a personal API token for ``user``.

    Returns the row and the secret; only its hash and prefix are stored, so the secret is
    shown to its owner now or never.
    """
    secret = TOKEN_START + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=secret[:PREFIX_LENGTH],
        token_hash=token_hash(secret),
        created_at=now,
        expires_at=now + dt.timedelta(days=expires_in_days) if expires_in_days else None,
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def api_token_revoke(token: ApiToken) -> ApiToken:
    """Revoke a token: from now on it answers 401. Revoking twice keeps the first date."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_mark_used(token: ApiToken, *, now: dt.datetime | None = None) -> None:
    """Record that the token was used, at most once per ``LAST_USED_RESOLUTION`` (one UPDATE, no lock)."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
