"""Secret link tokens: the link carries a random token, the database only its hash."""

import hashlib
import secrets

from django.core import signing

_UNSUBSCRIBE_SALT = "cityexchange.mail-unsubscribe"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_new() -> tuple[str, str]:
    """A fresh URL-safe token and the hash to store for it."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash_unusable() -> str:
    """A hash no one holds the token for: the default for rows made by hand in the admin."""
    return token_new()[1]


def unsubscribe_token(participant, switch: str) -> str:
    """A signed token for an unsubscribe link: who, and which optional mail (``Participant.OPTIONAL_MAIL``).

    Signed rather than stored, as a mail provider's one-click POST (RFC 8058) comes without a
    session and every optional message carries one; it names the person's id only.
    """
    return signing.dumps([participant.pk, switch], salt=_UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_token_read(token: str) -> tuple[int, str] | None:
    """The (participant id, switch) an unsubscribe token names, or ``None`` if it was not signed here."""
    try:
        pk, switch = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return int(pk), str(switch)
