import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

SIGNED_IN_AT = "cityexchange_signed_in_at"


class SessionLifetimeMiddleware:
    """End a signed-in session once it is older than ``SESSION_ABSOLUTE_LIFETIME`` seconds.

    The idle timeout is the session cookie's age, renewed on every request; this caps how
    long a stolen or forgotten session can be kept alive by activity.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            signed_in_at = request.session.setdefault(SIGNED_IN_AT, now)
            if now - signed_in_at > settings.SESSION_ABSOLUTE_LIFETIME:
                logout(request)
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)
