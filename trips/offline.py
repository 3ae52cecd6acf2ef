"""What a delegate's phone keeps for offline reading, and whose copy it is.

The service worker (``static/js/sw.js``) keeps a response only when it names its owner in
``X-Offline-Copy``: an opaque key per signed-in person (an HMAC of the user's id, so the
phone's cache names say nothing about who they are). It keeps one person's copies in one
cache and drops every other person's when it stores the next, so a phone that changes hands
never answers with the previous person's itinerary.
"""

from functools import wraps

from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.crypto import salted_hmac

OFFLINE_COPY_HEADER = "X-Offline-Copy"

# The delegate pages of one visit that the phone keeps, in the order they are fetched.
VISIT_PAGES = ("my:itinerary", "my:visit_pdf", "my:visit_contacts")


def offline_copy_key(user) -> str:
    return salted_hmac("trips.offline_copy", str(user.pk)).hexdigest()[:32]


def offline_copy(view):
    """Mark a signed-in delegate's page as one the phone may keep, in that person's cache alone."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and request.user.is_authenticated:
            response[OFFLINE_COPY_HEADER] = offline_copy_key(request.user)
            patch_cache_control(response, private=True)
        return response

    return wrapped


def offline_urls(visits) -> list[str]:
    """The pages the phone fetches and keeps: the visit list, and each visit's itinerary, PDF
    and contacts sheet. ``visits`` come from a delegate selector, so they are the person's own."""
    urls = [reverse("my:visit_list")]
    for visit in visits:
        urls += [reverse(name, args=[visit.pk]) for name in VISIT_PAGES]
    return urls
