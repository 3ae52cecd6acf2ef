"""Reads of the API's own rows: a person's tokens, and the token a bearer header names."""

import hmac

from django.db.models import QuerySet

from delegations.tokens import token_hash

from .models import ApiToken

TOKEN_START = "cx_"  # noqa: S105 (a marker that says what the string is, not a secret)
# The part of a token kept in clear: "cx_" and eight random characters.
PREFIX_LENGTH = 11


def api_tokens_for_user(user) -> QuerySet[ApiToken]:
    """The tokens a person made, newest first: they see and revoke only their own."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


def api_token_for_secret(secret: str) -> ApiToken | None:
    """The usable token whose secret this is, with its owner, or ``None``.

    Rows are found by the prefix kept in clear; the hash is then compared in constant time,
    so how long the answer takes says nothing about how close a guess came.
    """
    if not secret.startswith(TOKEN_START) or len(secret) <= PREFIX_LENGTH or len(secret) > 200:
        return None
    hashed = token_hash(secret)
    for candidate in ApiToken.objects.usable().select_related("user").filter(prefix=secret[:PREFIX_LENGTH]):
        if hmac.compare_digest(candidate.token_hash, hashed) and candidate.user.is_active:
            return candidate
    return None
