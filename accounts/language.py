"""Pages in the person's language: the URL of a page in another language, and the cookie."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.urls import translate_url
from django.utils import translation


def url_in_language(url: str, language: str) -> str:
    """``url`` (a local path with its query) as the same page in ``language``; its ``next`` too.

    The path is resolved in its own language (``/fr/...`` only resolves while French is
    active), then reversed in ``language``. A path that does not resolve is left as it is.
    """
    parts = urlsplit(url)
    source = translation.get_language_from_path(parts.path) or settings.LANGUAGE_CODE
    with translation.override(source):
        path = urlsplit(translate_url(parts.path, language)).path
    query = [
        (key, url_in_language(value, language) if key == "next" and value.startswith("/") else value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(("", "", path, urlencode(query), parts.fragment))


def language_cookie_set(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
