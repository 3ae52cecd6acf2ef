import time

from .middleware import LANGUAGE_AFTER_SIGN_IN, LAST_SEEN_AT, SIGNED_IN_AT
from .services import language_for_user


def start_session_clocks(sender, request, user, **kwargs):
    """Start the absolute and idle clocks at sign-in, in the write that sign-in makes anyway."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


def language_follow_user(sender, request, user, **kwargs):
    """At sign-in, the person's own language (their choice, else their participant's) wins
    over the browser's: ``LanguageMiddleware`` puts it in the cookie and the redirect."""
    if request is None:
        return
    language = language_for_user(user)
    if language:
        setattr(request, LANGUAGE_AFTER_SIGN_IN, language)
