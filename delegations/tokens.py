"""Secret link tokens: the link carries a random token, the database only its hash."""

import hashlib
import secrets


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_new() -> tuple[str, str]:
    """A fresh URL-safe token and the hash to store for it."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash_unusable() -> str:
    """A hash no one holds the token for: the default for rows made by hand in the admin."""
    return token_new()[1]
