import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import get_script_prefix, is_valid_path
from django.utils import translation
from django.utils.cache import patch_vary_headers

from accounts.language import language_cookie_set, url_in_language

SIGNED_IN_AT = "cityexchange_signed_in_at"
LAST_SEEN_AT = "cityexchange_last_seen_at"
# Activity is written back at most this often, so a page view costs no session write.
LAST_SEEN_RESOLUTION = 300


class SignOutClearsSiteDataMiddleware:
    """The response that signs someone out (the sign-out button, or the session's lifetime
    running out in ``SessionLifetimeMiddleware``) tells the browser to drop what this site
    keeps in it: ``Clear-Site-Data: "storage"`` removes the service worker's saved pages (a
    delegate's itinerary on a shared phone), its registration and local storage. The service
    worker also forgets them itself when the sign-out is posted (``static/js/sw.js``), offline too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if signed_in and not request.user.is_authenticated:
            response["Clear-Site-Data"] = '"storage"'
        return response


class SessionLifetimeMiddleware:
    """End a signed-in session after ``SESSION_IDLE_TIMEOUT`` seconds without a request,
    or ``SESSION_ABSOLUTE_LIFETIME`` seconds after sign-in, whichever comes first.

    The idle clock is kept in the session at a five-minute resolution: the session is
    saved only when that clock moves, not on every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            signed_in_at = session.get(SIGNED_IN_AT) or now
            last_seen_at = session.get(LAST_SEEN_AT) or now
            if (
                now - signed_in_at > settings.SESSION_ABSOLUTE_LIFETIME
                or now - last_seen_at > settings.SESSION_IDLE_TIMEOUT
            ):
                logout(request)
                return redirect(settings.LOGIN_URL)
            if SIGNED_IN_AT not in session:
                session[SIGNED_IN_AT] = signed_in_at
            if LAST_SEEN_AT not in session or now - last_seen_at >= LAST_SEEN_RESOLUTION:
                session[LAST_SEEN_AT] = now
        return self.get_response(request)


# Set by the sign-in receiver (receivers.language_follow_user) for the response to carry.
LANGUAGE_AFTER_SIGN_IN = "_cityexchange_language_after_sign_in"


class LanguageMiddleware:
    """Unprefixed pages in the person's language; sign-in brings their own language.

    ``LocaleMiddleware`` with ``prefix_default_language=False`` takes every unprefixed URL as
    English. Here an unprefixed GET whose page exists in another language is redirected there
    when the person's language (the language cookie, else the browser's Accept-Language) is
    that one. At sign-in the receiver names the account's language (see
    ``services.language_for_user``): the response sets the cookie and, when it redirects to a
    page of the site, to that page in this language. Reads no database row.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and not translation.get_language_from_path(request.path_info):
            language = translation.get_language_from_request(request)
            if language != settings.LANGUAGE_CODE:
                with translation.override(language):
                    exists = is_valid_path(f"/{language}{request.path_info}", getattr(request, "urlconf", None))
                if exists:
                    script_prefix = get_script_prefix()
                    path = request.get_full_path().replace(script_prefix, f"{script_prefix}{language}/", 1)
                    response = HttpResponseRedirect(path)
                    patch_vary_headers(response, ("Accept-Language", "Cookie"))
                    return response
        response = self.get_response(request)
        language = getattr(request, LANGUAGE_AFTER_SIGN_IN, None)
        if language:
            language_cookie_set(response, language)
            location = response.get("Location", "")
            if response.status_code in (301, 302, 303, 307, 308) and location.startswith("/"):
                response["Location"] = url_in_language(location, language)
        return response
