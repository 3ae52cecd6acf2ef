"""What the benchmark measures, shared by its commands: the pages, who asks for them, and the accounts.

To benchmark a new page, add one line to ``PAGES``: its name, who asks for it, and its path
(built from the bench objects in ``bench_objects``). ``bench/run.py`` drives every entry
with wrk and ``bench_queries`` counts its queries cold and warm.
"""

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from delegations.models import Participant
from visits.models import StudyVisit

from .bench_data import DEFAULT_FEED_TOKEN, DELEGATE_EMAIL, OFFICER_EMAIL

# page name: (who asks: "officer", "delegate" or None for no session, the path from the bench objects)
# A name ending in "_304" is the page before it asked again with the ETag it answered (If-None-Match).
PAGES = {
    "ceiling": ("officer", lambda o: "/bench/ceiling/"),
    # The officer's pages: the menu, and what the bench visit's page links to.
    "dashboard": ("officer", lambda o: reverse("home")),
    "dashboard_304": ("officer", lambda o: reverse("home")),
    "programme_list": ("officer", lambda o: reverse("visits:programme_list")),
    "programme_detail": ("officer", lambda o: reverse("visits:programme_detail", args=[o["programme"]])),
    "visit_list": ("officer", lambda o: reverse("visits:visit_list")),
    "visit_detail": ("officer", lambda o: reverse("visits:visit_detail", args=[o["visit"]])),
    "visit_detail_304": ("officer", lambda o: reverse("visits:visit_detail", args=[o["visit"]])),
    "visit_outbox": ("officer", lambda o: reverse("outbox:list", args=[o["visit"]])),
    "visit_report": ("officer", lambda o: reverse("outcomes:visit_report", args=[o["visit"]])),
    "visit_notes": ("officer", lambda o: reverse("outcomes:visit_notes", args=[o["visit"]])),
    "delegate_access": ("officer", lambda o: reverse("delegate_access:visit_delegates", args=[o["visit"]])),
    "follow_up_board": ("officer", lambda o: reverse("outcomes:follow_up_board")),
    "charts": ("officer", lambda o: reverse("outcomes:charts")),
    "participant_list": ("officer", lambda o: reverse("delegations:participant_list")),
    "participant_detail": ("officer", lambda o: reverse("delegations:participant_detail", args=[o["participant"]])),
    "delegation_list": ("officer", lambda o: reverse("delegations:delegation_list")),
    "delegation_detail": ("officer", lambda o: reverse("delegations:delegation_detail", args=[o["delegation"]])),
    "city_list": ("officer", lambda o: reverse("partners:city_list")),
    "city_detail": ("officer", lambda o: reverse("partners:city_detail", args=[o["city"]])),
    "organisation_list": ("officer", lambda o: reverse("partners:organisation_list")),
    "organisation_detail": ("officer", lambda o: reverse("partners:organisation_detail", args=[o["organisation"]])),
    "membership_list": ("officer", lambda o: reverse("partners:membership_list")),
    "theme_list": ("officer", lambda o: reverse("visits:theme_list")),
    "visit_planner": ("officer", lambda o: reverse("visits:planner", args=[o["visit"]])),
    "visit_messages": ("officer", lambda o: reverse("delegation_messages:list", args=[o["visit"]])),
    # The delegate's pages.
    "my_visits": ("delegate", lambda o: reverse("my:visit_list")),
    "delegate_itinerary": ("delegate", lambda o: reverse("my:itinerary", args=[o["visit"]])),
    "delegate_itinerary_304": ("delegate", lambda o: reverse("my:itinerary", args=[o["visit"]])),
    "itinerary_ics": ("delegate", lambda o: reverse("my:visit_ics", args=[o["visit"]])),
    "travel_form": ("delegate", lambda o: reverse("my:travel_create", args=[o["visit"]])),
    "my_profile": ("delegate", lambda o: reverse("my:profile")),
    "my_notes": ("delegate", lambda o: reverse("outcomes:my_visit_notes", args=[o["visit"]])),
    "my_contacts": ("delegate", lambda o: reverse("my:visit_contacts", args=[o["visit"]])),
    "feed": (None, lambda o: reverse("my:feed", args=[o["feed_token"]])),
    "feed_304": (None, lambda o: reverse("my:feed", args=[o["feed_token"]])),
}


def conditional(name: str) -> bool:
    return name.endswith("_304")


def bench_visit() -> StudyVisit:
    """The visit both bench accounts reach: the delegate's (and the officer's first programme's)."""
    participant = Participant.objects.get(user__email=DELEGATE_EMAIL)
    return StudyVisit.objects.filter(delegation__members__participant=participant).get()


def bench_objects(feed_token: str = DEFAULT_FEED_TOKEN) -> dict:
    """The primary keys the pages' paths are built from."""
    visit = bench_visit()
    return {
        "visit": visit.pk,
        "programme": visit.programme_id,
        "delegation": visit.delegation_id,
        "participant": Participant.objects.get(user__email=DELEGATE_EMAIL).pk,
        "city": visit.stops.order_by("position").first().city_id,
        "organisation": visit.programme.organiser_id,
        "feed_token": feed_token,
    }


def page_paths(feed_token: str = DEFAULT_FEED_TOKEN) -> dict[str, str]:
    objects = bench_objects(feed_token)
    return {name: path(objects) for name, (_role, path) in PAGES.items()}


def page_roles() -> dict[str, str | None]:
    return {name: role for name, (role, _path) in PAGES.items()}


def signed_in_client(role: str | None, host: str = "127.0.0.1") -> Client:
    """A test client with a session of the bench officer or delegate (made as a sign-in would)."""
    client = Client(HTTP_HOST=host)
    if role is not None:
        email = OFFICER_EMAIL if role == "officer" else DELEGATE_EMAIL
        client.force_login(get_user_model().objects.get(email=email))
    return client
