import time

from .middleware import LAST_SEEN_AT, SIGNED_IN_AT


def start_session_clocks(sender, request, user, **kwargs):
    """Start the absolute and idle clocks at sign-in, in the write that sign-in makes anyway."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now
