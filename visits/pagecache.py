"""Rendered page fragments kept in the cache under their data's version and the versions of the tables they read.

A page computes a version from cheap stamps (counts and latest ``updated_at``, usually
annotated on the query that fetches the page's object anyway) and asks for its expensive
fragment under it. The fragment is also kept only while every table its render read is
unchanged (``pagecache.cached_fragment``): a rename of a city, an organisation or a theme,
or a city's new time zone, shows on the next request.

Fragments are rendered without the request. Where they hold forms, they are rendered with
:data:`CSRF_PLACEHOLDER` as the token, and each request's own token replaces it when served.
"""

from collections.abc import Callable

from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe

from pagecache.pages import cached_fragment as _cached_fragment

CSRF_PLACEHOLDER = "cx-csrf-token-placeholder-7c1e3a"  # noqa: S105 - not a secret: replaced per request


def fragment_key(name: str, *version) -> tuple:
    return (name, version)


def cached_fragment(key: tuple, render: Callable[[], dict]) -> dict:
    """The dict ``render()`` returns (an ``html`` string and any small values beside it), cached under ``key``."""
    name, version = key
    return _cached_fragment(name, version, render)


def with_csrf(request, html: str) -> SafeString:
    """Cached HTML with this request's CSRF token in place of the placeholder."""
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return mark_safe(html)  # noqa: S308 - rendered by our own templates, escaped there
