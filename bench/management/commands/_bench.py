"""What the benchmark measures, shared by its commands: the pages, who asks for them, and the accounts."""

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from delegations.models import Participant
from visits.models import StudyVisit

from .bench_data import DEFAULT_FEED_TOKEN, DELEGATE_EMAIL, OFFICER_EMAIL

# page name: (who asks: "officer", "delegate" or None for no session, conditional GET with the ETag first served)
PAGES = {
    "ceiling": ("officer", False),
    "delegate_itinerary": ("delegate", False),
    "visit_list": ("officer", False),
    "visit_detail": ("officer", False),
    "dashboard": ("officer", False),
    "feed": (None, False),
    "feed_304": (None, True),
}


def bench_visit() -> StudyVisit:
    """The visit both bench accounts reach: the delegate's (and the officer's first programme's)."""
    participant = Participant.objects.get(user__email=DELEGATE_EMAIL)
    return StudyVisit.objects.filter(delegation__members__participant=participant).get()


def page_paths(feed_token: str = DEFAULT_FEED_TOKEN) -> dict[str, str]:
    visit = bench_visit()
    feed = reverse("my:feed", args=[feed_token])
    return {
        "ceiling": "/bench/ceiling/",
        "delegate_itinerary": reverse("my:itinerary", args=[visit.pk]),
        "visit_list": reverse("visits:visit_list"),
        "visit_detail": reverse("visits:visit_detail", args=[visit.pk]),
        "dashboard": reverse("home"),
        "feed": feed,
        "feed_304": feed,
    }


def signed_in_client(role: str | None, host: str = "127.0.0.1") -> Client:
    """A test client with a session of the bench officer or delegate (made as a sign-in would)."""
    client = Client(HTTP_HOST=host)
    if role is not None:
        email = OFFICER_EMAIL if role == "officer" else DELEGATE_EMAIL
        client.force_login(get_user_model().objects.get(email=email))
    return client
