import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

SIGNED_IN_AT = "cityexchange_signed_in_at"
LAST_SEEN_AT = "cityexchange_last_seen_at"
# Activity is written back at most this often, so a page view costs no session write.
LAST_SEEN_RESOLUTION = 300


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
