"""Hostile query strings on every page that reads one: lists and their filters, the API, page hints.

A filter that cannot be read is ignored or said in words; no value makes a 500.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_form_fuzz import HOSTILE
from tests.worlds import build_world

pytestmark = pytest.mark.django_db

# Values that look like digits to str.isdigit() but are no int() (superscripts), and wide numbers.
TRICKY = ["²", "١٢", "9" * 30, "99999", "-0", "1.5", "1e5", "0x10", "%00"]

# A list's "Reset filters" (any value) forgets its remembered filters and shows the bare list.
RESET = "reset"

# page: (role, URL builder, the query parameters it reads)
PAGES = {
    "visit_list": (
        "officer",
        lambda w: reverse("visits:visit_list"),
        ["q", "programme", "status", "themes", "year", "page", "reset"],
    ),
    "programme_list": ("officer", lambda w: reverse("visits:programme_list"), ["q", "page", "reset"]),
    "theme_list": ("officer", lambda w: reverse("visits:theme_list"), ["q", "page", "reset"]),
    "follow_up_board": (
        "officer",
        lambda w: reverse("outcomes:follow_up_board"),
        ["q", "visit", "visit__programme", "themes", "overdue", "reset"],
    ),
    "participant_list": (
        "officer",
        lambda w: reverse("delegations:participant_list"),
        ["q", "profession", "organisation", "home_city", "preferred_language", "page", "reset"],
    ),
    "delegation_list": (
        "officer",
        lambda w: reverse("delegations:delegation_list"),
        ["q", "home_cities", "page", "reset"],
    ),
    "city_list": ("officer", lambda w: reverse("partners:city_list"), ["q", "country", "page", "reset"]),
    "organisation_list": (
        "officer",
        lambda w: reverse("partners:organisation_list"),
        ["q", "kind", "city", "page", "reset"],
    ),
    "membership_list": (
        "officer",
        lambda w: reverse("partners:membership_list"),
        ["city", "network", "status", "current", "page", "reset"],
    ),
    "dashboard": ("officer", lambda w: reverse("home"), ["programme"]),
    "charts": ("officer", lambda w: reverse("outcomes:charts"), ["programme", "year"]),
    "visit_detail": ("officer", lambda w: reverse("visits:visit_detail", args=[w.visit.pk]), ["edit"]),
    "visit_create": ("officer", lambda w: reverse("visits:visit_create"), ["programme"]),
    "follow_up_create": ("officer", lambda w: reverse("outcomes:follow_up_create"), ["visit"]),
    "membership_create": ("officer", lambda w: reverse("partners:membership_create"), ["city"]),
    "outbox": ("officer", lambda w: reverse("outbox:list", args=[w.visit.pk]), ["status"]),
    "api_visits": ("officer", lambda w: reverse("api:visit_list"), ["programme", "page", "page_size"]),
    "api_follow_ups": ("officer", lambda w: reverse("api:follow_up_list"), ["status", "visit", "page", "page_size"]),
    "api_programmes": ("officer", lambda w: reverse("api:programme_list"), ["page", "page_size"]),
    "api_delegations": ("officer", lambda w: reverse("api:delegation_list"), ["visit", "page", "page_size"]),
    "api_members": (
        "officer",
        lambda w: reverse("api:delegation_members", args=[w.visit.delegation_id]),
        ["page", "page_size"],
    ),
    "api_participants": (
        "officer",
        lambda w: reverse("api:participant_list"),
        ["delegation", "organisation", "page", "page_size"],
    ),
    "api_notes": ("delegate", lambda w: reverse("api:note_list"), ["visit", "item", "page", "page_size"]),
    "api_lessons": ("delegate", lambda w: reverse("api:lesson_list"), ["visit", "theme", "page", "page_size"]),
    "my_visits": ("delegate", lambda w: reverse("my:visit_list"), ["page"]),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_hostile_query_values_never_make_a_500(page):
    world = build_world()
    role, url, params = PAGES[page]
    client = Client()
    client.force_login(getattr(world, role))
    for param in params:
        for value in [*HOSTILE, *TRICKY]:
            response = client.get(url(world), {param: value})

            if param == RESET:
                assert (response.status_code, response["Location"]) == (302, url(world)), value
            else:
                assert response.status_code in (200, 400, 404), (param, value, response.status_code)
