"""Rendered page fragments kept in the cache (Redis in production) under keys that carry their data's version.

A page computes a version from cheap stamps (counts and latest ``updated_at``, usually
annotated on the query that fetches the page's object anyway) and asks for its expensive
fragment under a key built from that version: an edit changes the stamps, so the next
request misses and renders afresh, and nothing is ever invalidated by hand. Names of
shared reference data (a city, an organisation, a theme) carry no stamp: a rename shows
in cached fragments within ``FRAGMENT_TIMEOUT``.

Fragments are rendered without the request. Where they hold forms, they are rendered with
:data:`CSRF_PLACEHOLDER` as the token, and each request's own token replaces it when served.
"""

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe

CSRF_PLACEHOLDER = "cx-csrf-token-placeholder-7c1e3a"  # noqa: S105 - not a secret: replaced per request
FRAGMENT_TIMEOUT = 600


def fragment_key(name: str, *version) -> str:
    digest = hashlib.sha256(repr(version).encode()).hexdigest()[:40]
    return f"fragment:{name}:{digest}"


def cached_fragment(key: str, render: Callable[[], dict], *, timeout: int = FRAGMENT_TIMEOUT) -> dict:
    """The dict ``render()`` returns (an ``html`` string and any small values beside it), cached under ``key``."""
    fragment = cache.get(key)
    if fragment is None:
        fragment = render()
        cache.set(key, fragment, timeout)
    return fragment


def with_csrf(request, html: str) -> SafeString:
    """Cached HTML with this request's CSRF token in place of the placeholder."""
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return mark_safe(html)  # noqa: S308 - rendered by our own templates, escaped there
