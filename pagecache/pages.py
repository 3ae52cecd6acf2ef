"""Whole responses, and costly fragments, cached under the versions of the tables they were made from.

``@cached_page`` on a view (``OfficerListView`` has it for every list) serves a GET or HEAD
from Redis in one round trip: the entry and the table versions come back together
(``store.lookup``), and the entry is served only while every table its cold render read
still has the version it had before that render began. An edit, a rename, a new member:
whatever the ORM writes moves its table's version once the transaction commits, so the
next request renders afresh. Nothing is listed by hand and nothing expires to be right.

The key holds what else a page depends on: the code and templates (``build_id``), the
host and the full path, the user, the language and today's date. A response is stored
only when it is a 200 to a GET, its render wrote nothing, set no cookie and changed no
session, and no flash message was waiting. CSRF tokens in a stored page are replaced by a
placeholder and each request gets its own; so is a CSP nonce (``request.csp_nonce``, the
planner's): a page served from the cache carries a new nonce, which the CSP header names.
Every cached page but one with a nonce answers ``ETag`` and ``Last-Modified`` and 304 to
``If-None-Match`` / ``If-Modified-Since``; it varies on the cookie (the user) and the
language, and tells browsers to ask again each time.

A page that shows what is happening now (the delegate's "Now / Next" card) sets
``response.page_cache_until`` to the next instant at which it would read differently; its
entry is served only before then.
"""

import hashlib
import os
import re
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

from . import store
from .tables import note_read, recording, uncommitted_writes

CSRF_PLACEHOLDER = "cx-page-csrf-placeholder-d41f0b2a9c6e7e15a3b8c0f4e2d19a7b6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a"  # noqa: S105
NONCE_PLACEHOLDER = b"cx-page-csp-nonce-placeholder-7c1e9a4b"
_TOKEN = re.compile(rb"[A-Za-z0-9]{64}")
# The auth user row is read by the middleware before the view: every page depends on who asks.
ALWAYS_READ = frozenset({"auth_user"})
# Says how a page was answered (hit, stored, miss): for the benchmark and for whoever debugs.
STATUS_HEADER = "X-Page-Cache"
_NOT_STORED_HEADERS = {"x-page-cache", "set-cookie", "etag", "last-modified", "date", "content-length"}
_build_id = None


def build_id() -> str:
    """A digest of the code, templates, translations and static manifest this process serves."""
    global _build_id
    if _build_id is None:
        given = os.environ.get("PAGECACHE_BUILD_ID")
        if given:
            _build_id = given
        else:
            digest = hashlib.sha256()
            skip = {".venv", "node_modules", "__pycache__", "test-output", "media", ".git"}
            for folder, dirs, files in os.walk(settings.BASE_DIR):
                dirs[:] = sorted(d for d in dirs if d not in skip and not d.startswith("."))
                for name in sorted(files):
                    if name.endswith((".py", ".html", ".txt", ".mo", ".json", ".ics")):
                        stat = (Path(folder) / name).stat()
                        digest.update(f"{folder}/{name}:{stat.st_mtime_ns}:{stat.st_size}".encode())
            _build_id = digest.hexdigest()[:16]
    return _build_id


def _key(request, kind: str, extra=()) -> str:
    user = request.user
    parts = [
        build_id(),
        request.get_host(),
        request.get_full_path(),
        user.pk if user.is_authenticated else 0,
        get_language(),
        timezone.localdate().isoformat(),
        *extra,
    ]
    return store.entry_key(kind, hashlib.sha256(repr(parts).encode()).hexdigest()[:40])


def _has_messages(request) -> bool:
    return "messages" in request.COOKIES or "_messages" in getattr(request, "session", {})


def _csrf_secret(request) -> str:
    return request.META.get("CSRF_COOKIE", "")


def _strip_csrf(request, body: bytes) -> tuple[bytes, bool]:
    """The body with every CSRF token of this request's secret replaced by the placeholder."""
    secret = _csrf_secret(request)
    if not secret:
        return body, False
    found = False

    def replace(match):
        nonlocal found
        token = match.group(0).decode()
        if _unmask_cipher_token(token) == secret:
            found = True
            return CSRF_PLACEHOLDER.encode()
        return match.group(0)

    body = _TOKEN.sub(replace, body)
    return body, found


def _strip_nonce(request, body: bytes) -> tuple[bytes, bool]:
    """The body with the CSP nonce this render used (if it used one) replaced by the placeholder."""
    nonce = getattr(request, "_csp_nonce", None)  # a str once django-csp made one for this request
    if not isinstance(nonce, str) or nonce.encode() not in body:
        return body, False
    return body.replace(nonce.encode(), NONCE_PLACEHOLDER), True


def _validated(entry: dict) -> bool:
    """Whether the page answers validators and 304s: not one with a CSP nonce. A 304 keeps the body
    the browser holds, with the nonce it was served with, while the 304's own CSP header would name
    another (browsers take a 304's headers into what they hold), and the page's styles would be refused.
    """
    return not entry.get("nonce")


def _etag(entry: dict, request) -> str:
    if entry["csrf"]:
        # A page with forms holds a token of the browser's CSRF secret: a new secret, a new tag.
        secret = hashlib.sha256(_csrf_secret(request).encode()).hexdigest()[:8]
        return f'W/"{entry["etag"]}-{secret}"'
    return f'W/"{entry["etag"]}"'


def _headers_only(request, entry: dict) -> HttpResponse:
    response = HttpResponse(status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    return response


def _serve(request, entry: dict, key: str) -> HttpResponse:
    response = _headers_only(request, entry)
    if entry["csrf"] and not _csrf_secret(request):
        get_token(request)  # before the tag: a browser without a secret gets one now
    if _validated(entry):
        response["ETag"] = _etag(entry, request)
        response["Last-Modified"] = http_date(entry["last_modified"])
        conditional = get_conditional_response(
            request, etag=response["ETag"], last_modified=entry["last_modified"], response=response
        )
        if conditional is not response:
            return conditional
    body = entry.get("body")
    if body is None:
        body = store.body_of(key)
        if body is None:  # evicted between the two reads: the view renders it
            return None
    if entry["csrf"]:
        # Only a body needs a token (a 304 neither masks one nor sends the CSRF cookie again).
        body = body.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    if entry.get("nonce"):
        # Reading it makes django-csp name this request's nonce in the header it writes.
        body = body.replace(NONCE_PLACEHOLDER, str(request.csp_nonce).encode())
    if request.method == "HEAD":
        response["Content-Length"] = str(len(body))
    else:
        response.content = body
    return response


def _session_items(request) -> dict | None:
    session = getattr(request, "session", None)
    return dict(session.items()) if session is not None else None


def _storable(request, response, recorded, session_before) -> bool:
    return (
        request.method == "GET"
        and response.status_code == 200
        and not getattr(response, "streaming", False)
        and not response.cookies
        and not recorded.wrote
        and _session_items(request) == session_before
        and not _has_messages(request)
        and not (recorded.read & uncommitted_writes(connection))
    )


def _entry(request, response, recorded, versions: dict, previous: dict | None) -> dict:
    body, has_csrf = _strip_csrf(request, response.content)
    body, has_nonce = _strip_nonce(request, body)
    last_modified = int(timezone.now().timestamp())
    if previous is not None:
        # A client that holds the page before this one must not be told "not modified".
        last_modified = max(last_modified, previous["last_modified"] + 1)
    headers = [(name, value) for name, value in response.items() if name.lower() not in _NOT_STORED_HEADERS]
    return {
        "tables": store.versions_of(recorded.read | ALWAYS_READ, versions),
        "status": response.status_code,
        "headers": headers,
        "body": body,
        "csrf": has_csrf,
        "nonce": has_nonce,
        "etag": hashlib.sha256(body).hexdigest()[:24],
        "last_modified": last_modified,
        "until": until.timestamp() if (until := getattr(response, "page_cache_until", None)) else None,
    }


def _in_time(entry: dict) -> bool:
    """Before the instant the page said it would read differently (``page_cache_until``), if any."""
    return entry.get("until") is None or timezone.now().timestamp() < entry["until"]


def _mark_private(response) -> None:
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    # Added to what the view said (the offline pages' "private"): without no-cache a browser may
    # reuse a page it holds for a tenth of its age (heuristic freshness) and show a stale itinerary.
    patch_cache_control(response, private=True, no_cache=True)


def cached_page(view=None, *, unless_session: tuple[str, ...] = (), vary_on_session: tuple[str, ...] = ()):
    """Cache the view's GET answers whole, under the versions of what they read (see the module's note).

    ``unless_session``: session keys that, when present, make the view run (a one-time notice).
    ``vary_on_session``: session keys whose values the answer depends on (a list's remembered
    filters decide whether the bare list redirects): they are part of the key.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            if not store.enabled() or _has_messages(request) or any(name in request.session for name in unless_session):
                response = view(request, *args, **kwargs)
                response[STATUS_HEADER] = "skipped"
                return response
            key = _key(request, "page", [repr(request.session.get(name)) for name in vary_on_session])
            pending = uncommitted_writes(connection)  # first: in a test case it settles what is settled
            # A browser that holds the page asks with its validators: fetch the body only if it may be needed.
            conditional = "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META
            entry, versions = store.lookup(key, body=not conditional and request.method == "GET")
            if (
                entry is not None
                and _in_time(entry)
                and store.current(entry, versions)
                and not (pending & set(entry["tables"]))
            ):
                response = _serve(request, entry, key)
                if response is not None:
                    _mark_private(response)
                    response[STATUS_HEADER] = "hit"
                    return response
            session_before = _session_items(request)
            with recording() as recorded:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                    response.render()
            stored = versions is not None and _storable(request, response, recorded, session_before)
            if stored:
                fresh = _entry(request, response, recorded, versions, entry)
                store.store(key, fresh)
                if _validated(fresh):
                    response["ETag"] = _etag(fresh, request)
                    response["Last-Modified"] = http_date(fresh["last_modified"])
                    response = get_conditional_response(
                        request, etag=response["ETag"], last_modified=fresh["last_modified"], response=response
                    )
            if response.status_code in (200, 304):
                _mark_private(response)
            response[STATUS_HEADER] = "stored" if stored else "miss"
            return response

        wrapper.cached_page = True
        return wrapper

    return decorate(view) if view is not None else decorate


def cached_fragment(name: str, parts, render):
    """What ``render()`` returns (any picklable value: HTML and small values beside it), rendered once
    and kept under ``name`` and ``parts`` while the tables it read are unchanged.

    Inside a page's render, the page depends on the fragment's tables too.
    """
    if not store.enabled():
        return render()
    key = store.entry_key("fragment", hashlib.sha256(repr([build_id(), name, *parts]).encode()).hexdigest()[:40])
    pending = uncommitted_writes(connection)
    entry, versions = store.lookup(key)
    if entry is not None and store.current(entry, versions) and not (pending & set(entry["tables"])):
        note_read(entry["tables"])
        return entry["value"]
    with recording() as recorded:
        value = render()
    if versions is not None and not recorded.wrote and not (recorded.read & pending):
        store.store(key, {"tables": store.versions_of(recorded.read, versions), "value": value})
    return value
