"""Hostile input to every form an officer or a delegate can reach: no 500, nothing half-saved.

Each target names the page that shows a form and how to find that form on it; the form's
fields (inputs, selects with their options, textareas) are read from the page itself, so a
field added later is fuzzed too. Hypothesis then posts each field missing, with its valid
value, with a valid option, or with something hostile. A redirect is a success and may
change rows; any other answer must be a page (200 or 400) and leave every table as it was.
Set ``FUZZ_MAX_EXAMPLES`` (default 20 per form) to dig deeper locally.
"""

import os
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from delegations.models import Participant
from delegations.services import join_token_new
from tests.worlds import World, build_world, pending_import
from visits.services import itinerary_item_update, visit_unpublish

pytestmark = pytest.mark.django_db

HOSTILE = [
    "",
    " ",
    "x" * 5000,
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE visits_studyvisit; --",
    "1 OR 1=1",
    "\x00",
    "ab\x00cd",
    "9" * 40,
    "-1",
    "0",
    "-99999999999999999999",
    "2147483648",
    "9223372036854775808",
    "1e309",
    "NaN",
    "2019-02-30",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "25:61",
    "24:00",
    "☃💥\u202eevil",
    "[]",
    '{"a": 1}',
    '"\\u0000"',
    "[1, -5, 1000]",
    "javascript:alert(1)",
    "../../etc/passwd",
    "Europe/Nowhere",
]
# Dates at the ends of what Python can hold: a local time there overflows when turned into UTC.
DATE_EXTREMES = {
    "date": ["0001-01-01", "9999-12-31"],
    "datetime-local": ["0001-01-01T00:00", "9999-12-31T23:59", "0001-01-01", "9999-12-31"],
}


class FormReader(HTMLParser):
    """The POST forms of a page: their action and their fields' names with the values they offer."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": {}, "types": {}}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attrs.get("name")
        if tag in ("input", "button") and name and name != "csrfmiddlewaretoken":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                self._form["fields"].setdefault(name, []).append(attrs.get("value") or "on")
            elif kind != "file":
                self._form["fields"].setdefault(name, []).append(attrs.get("value") or "")
                self._form["types"][name] = kind
        elif tag == "select" and name:
            self._select = self._form["fields"].setdefault(name, [])
        elif tag == "option" and self._select is not None and attrs.get("value"):
            self._select.append(attrs["value"])
        elif tag == "textarea" and name:
            self._textarea = self._form["fields"].setdefault(name, [])

    def handle_data(self, data):
        if self._textarea is not None and data.strip():
            self._textarea.append(data.strip())

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


@dataclass(frozen=True)
class Target:
    role: str  # officer, delegate or anonymous
    page: object  # world -> URL of the page showing the form (str), or (URL, client) for a pending import
    action: object = None  # world -> URL the form posts to; None: the page itself
    has_field: str = ""  # which form on the page, when several post to the same place
    skip_fields: tuple = field(default=())
    # A success deletes what the page is about (a merge): each example is rolled back after it.
    consumes: bool = False


def _visit(name):
    return lambda w: reverse(name, args=[w.visit.pk])


def _draft_visit(name):
    """The page of the world's visit taken back to draft (the publish preview needs a draft)."""

    def url(w):
        visit_unpublish(w.visit, by=w.officer)
        return reverse(name, args=[w.visit.pk])

    return url


def _changed_visit(name):
    """The page of the world's visit with an itinerary change waiting for its digest."""

    def url(w):
        itinerary_item_update(w.item, by=w.officer, starts_at=w.item.starts_at, ends_at=w.item.ends_at, title="Moved")
        return reverse(name, args=[w.visit.pk])

    return url


def _member(name):
    return lambda w: reverse(name, args=[w.visit.pk, w.member.pk])


TARGETS = {
    # Officer: programmes, visits, itineraries
    "programme_create": Target("officer", lambda w: reverse("visits:programme_create")),
    "programme_edit": Target("officer", lambda w: reverse("visits:programme_edit", args=[w.visit.programme_id])),
    "programme_officer_add": Target(
        "officer",
        lambda w: reverse("visits:programme_detail", args=[w.visit.programme_id]),
        lambda w: reverse("visits:programme_officer_add", args=[w.visit.programme_id]),
    ),
    "visit_create": Target("officer", lambda w: reverse("visits:visit_create")),
    "visit_edit": Target("officer", _visit("visits:visit_edit")),
    "visit_clone": Target("officer", _visit("visits:visit_clone")),
    "stop_create": Target("officer", _visit("visits:visit_detail"), _visit("visits:stop_create")),
    "stop_edit": Target("officer", lambda w: reverse("visits:stop_edit", args=[w.visit.pk, w.stop.pk])),
    "item_create": Target("officer", _visit("visits:visit_detail"), _visit("visits:item_create")),
    "item_edit": Target(
        "officer",
        lambda w: reverse("visits:visit_detail", args=[w.visit.pk]) + f"?edit={w.item.pk}",
        lambda w: reverse("visits:item_edit", args=[w.visit.pk, w.item.pk]),
    ),
    "leg_create": Target("officer", _visit("visits:visit_detail"), _visit("visits:leg_create")),
    "leg_edit": Target(
        "officer",
        lambda w: reverse("visits:visit_detail", args=[w.visit.pk]) + f"?edit_leg={w.leg.pk}",
        lambda w: reverse("visits:leg_edit", args=[w.visit.pk, w.leg.pk]),
    ),
    "planner_move": Target("officer", _visit("visits:planner"), _visit("visits:planner_move")),
    "planner_bulk": Target("officer", _visit("visits:planner"), _visit("visits:planner_bulk")),
    "planner_item_create": Target("officer", _visit("visits:planner"), _visit("visits:planner_item_create")),
    "theme_create": Target("officer", lambda w: reverse("visits:theme_create")),
    "theme_edit": Target("officer", lambda w: reverse("visits:theme_edit", args=[w.theme.pk])),
    "follow_up_create": Target("officer", lambda w: reverse("outcomes:follow_up_create")),
    "follow_up_edit": Target("officer", lambda w: reverse("outcomes:follow_up_edit", args=[w.follow_up.pk])),
    "follow_up_status": Target(
        "officer",
        lambda w: reverse("outcomes:follow_up_board"),
        lambda w: reverse("outcomes:follow_up_status", args=[w.follow_up.pk]),
    ),
    "follow_up_membership": Target(
        "officer", lambda w: reverse("outcomes:follow_up_membership", args=[w.follow_up.pk])
    ),
    "note_add": Target("officer", _visit("outcomes:visit_notes"), has_field="note-item"),
    "lesson_add": Target("officer", _visit("outcomes:visit_notes"), has_field="lesson-theme"),
    "note_edit": Target("officer", lambda w: reverse("outcomes:note_edit", args=[w.visit.pk, w.note.pk])),
    "lesson_edit": Target("officer", lambda w: reverse("outcomes:lesson_edit", args=[w.visit.pk, w.lesson.pk])),
    # Officer: delegate access
    "member_feed": Target(
        "officer", _visit("delegate_access:visit_delegates"), _member("delegate_access:feed"), has_field="action"
    ),
    "member_travel": Target("officer", _member("delegate_access:travel_create")),
    "member_stay": Target("officer", _member("delegate_access:stay_create")),
    "letter_template": Target(
        "officer", lambda w: reverse("delegate_access:letter_template_edit", args=[w.visit.programme_id, "fr"])
    ),
    # Officer: people, delegations, import
    "participant_create": Target("officer", lambda w: reverse("delegations:participant_create")),
    "participant_edit": Target(
        "officer", lambda w: reverse("delegations:participant_edit", args=[w.member.participant_id])
    ),
    "participant_merge": Target(
        "officer", lambda w: reverse("delegations:participant_merge", args=[w.member.participant_id]), consumes=True
    ),
    "participant_join_request": Target("officer", lambda w: reverse("delegations:participant_join_request")),
    "join_accept": Target(
        "anonymous",
        lambda w: reverse(
            "delegations:join_accept",
            args=[join_token_new(Participant.objects.get(email="o@example.org"), w.visit.delegation, w.officer)],
        ),
    ),
    "participant_erase": Target(
        "officer", lambda w: reverse("privacy:participant_erase", args=[w.member.participant_id])
    ),
    "delegation_create": Target("officer", lambda w: reverse("delegations:delegation_create")),
    "delegation_edit": Target(
        "officer", lambda w: reverse("delegations:delegation_edit", args=[w.visit.delegation_id])
    ),
    "member_add": Target(
        "officer",
        lambda w: reverse("delegations:delegation_detail", args=[w.visit.delegation_id]),
        lambda w: reverse("delegations:member_add", args=[w.visit.delegation_id]),
    ),
    "member_edit": Target(
        "officer",
        lambda w: reverse("delegations:delegation_detail", args=[w.visit.delegation_id]),
        lambda w: reverse("delegations:member_edit", args=[w.visit.delegation_id, w.member.pk]),
    ),
    "import_mapping": Target("officer", "PENDING_IMPORT", has_field="first_name"),
    # Officer: reference data
    "city_create": Target("officer", lambda w: reverse("partners:city_create")),
    "city_edit": Target("officer", lambda w: reverse("partners:city_edit", args=[w.city.pk])),
    "organisation_create": Target("officer", lambda w: reverse("partners:organisation_create")),
    "city_merge": Target("officer", lambda w: reverse("partners:city_merge", args=[w.city.pk]), consumes=True),
    "organisation_merge": Target(
        "officer", lambda w: reverse("partners:organisation_merge", args=[w.organisation.pk]), consumes=True
    ),
    "organisation_edit": Target("officer", lambda w: reverse("partners:organisation_edit", args=[w.organisation.pk])),
    "membership_create": Target("officer", lambda w: reverse("partners:membership_create")),
    "membership_edit": Target("officer", lambda w: reverse("partners:membership_edit", args=[w.membership.pk])),
    # Officer and delegate: their own API tokens
    "api_token_create": Target("officer", lambda w: reverse("api_tokens:list"), has_field="name"),
    "api_token_revoke": Target(
        "officer",
        lambda w: reverse("api_tokens:list"),
        lambda w: reverse("api_tokens:revoke", args=[w.api_token.pk]),
    ),
    "my_api_token_create": Target("delegate", lambda w: reverse("api_tokens:list"), has_field="name"),
    # Delegate
    "my_travel": Target("delegate", _visit("my:travel_create")),
    "my_travel_edit": Target("delegate", lambda w: reverse("my:travel_edit", args=[w.visit.pk, w.travel.pk])),
    "my_stay": Target("delegate", _visit("my:stay_create")),
    "my_calendar": Target("delegate", lambda w: reverse("my:calendar"), has_field="action"),
    "my_profile": Target("delegate", lambda w: reverse("my:profile"), has_field="dietary_needs"),
    "my_mail": Target("delegate", lambda w: reverse("my:mail"), has_field="reminders_mail"),
    "my_note_add": Target("delegate", _visit("outcomes:my_visit_notes"), has_field="note-item"),
    "my_lesson_add": Target("delegate", _visit("outcomes:my_visit_notes"), has_field="lesson-theme"),
    "my_note_edit": Target("delegate", lambda w: reverse("outcomes:my_note_edit", args=[w.visit.pk, w.note.pk])),
    "my_lesson_edit": Target("delegate", lambda w: reverse("outcomes:my_lesson_edit", args=[w.visit.pk, w.lesson.pk])),
    "my_check_in": Target("delegate", _visit("check_ins:mine"), has_field="message"),
    "check_in_request": Target("officer", _visit("check_ins:request"), has_field="scope"),
    "delegation_message": Target("officer", _visit("delegation_messages:compose"), has_field="subject_en"),
    "publish_confirm": Target("officer", _draft_visit("visits:visit_publish_preview"), _visit("visits:visit_publish")),
    "outbox_digest_send": Target("officer", _changed_visit("outbox:list"), _visit("outbox:digest_send"), has_field=""),
    # The links that need no sign-in (nobody signed in yet)
    "check_in_answer": Target("anonymous", lambda w: reverse("check_ins:answer", args=[w.check_in_token])),
    "invitation_accept": Target("anonymous", lambda w: reverse("my:invitation_accept", args=[w.invitation_token])),
}


def _client(world: World, role: str) -> Client:
    client = Client()
    user = {"officer": world.officer, "delegate": world.delegate}.get(role)
    if user is not None:
        client.force_login(user)
    return client


def _form(world: World, target: Target) -> tuple[Client, str, dict[str, list[str]], dict[str, str]]:
    if target.page == "PENDING_IMPORT":
        token, client = pending_import(world)
        page = reverse("spreadsheets:import_preview", args=[world.visit.delegation_id, token])
    else:
        client, page = _client(world, target.role), target.page(world)
    action = target.action(world) if target.action else urlsplit(page).path
    response = client.get(page)
    assert response.status_code == 200, (page, response.status_code)
    reader = FormReader()
    reader.feed(response.content.decode())
    for form in reader.forms:
        form_action = form["action"] or urlsplit(page).path
        if form_action == action and (not target.has_field or target.has_field in form["fields"]):
            return client, action, form["fields"], form["types"]
    raise AssertionError(f"No form posting to {action} on {page}: {[f['action'] for f in reader.forms]}")


def _payloads(fields: dict[str, list[str]], types: dict[str, str]):
    """Each field missing, as the page offered it, one of its options, hostile, or random text."""
    strategies = {}
    for name, offered in fields.items():
        choices = [st.just(None), st.sampled_from(HOSTILE), st.text(max_size=80)]
        if types.get(name) in DATE_EXTREMES:
            choices.append(st.sampled_from(DATE_EXTREMES[types[name]]))
        if offered:
            choices.append(st.sampled_from(offered))
            choices.append(st.sampled_from(offered))
        strategies[name] = st.one_of(*choices)
    return st.fixed_dictionaries(strategies).map(lambda data: {k: v for k, v in data.items() if v is not None})


def _row_counts() -> dict[str, int]:
    """Rows in every table of ours, in one query (sessions aside: signing in writes them)."""
    from django.apps import apps

    tables = [
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label not in {"sessions", "usersessions"} and not model._meta.proxy
    ]
    # Table names come from the models, never from input.
    counts = ", ".join(f"(SELECT count(*) FROM {connection.ops.quote_name(t)})" for t in tables)  # noqa: S608
    sql = f"SELECT {counts}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_hostile_form_input_is_refused_in_words_and_saves_nothing(name):
    world = build_world()
    target = TARGETS[name]
    client, action, fields, types = _form(world, target)

    @settings(
        max_examples=int(os.environ.get("FUZZ_MAX_EXAMPLES", "20")),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(data=_payloads(fields, types))
    def post_hostile(data):
        with transaction.atomic():
            before = _row_counts()

            response = client.post(action, data)

            assert response.status_code in (200, 302, 400, 410), (data, response.status_code)
            if response.status_code != 302:
                assert _row_counts() == before, data
            transaction.set_rollback(target.consumes)

    post_hostile()


# The forms whose dates become instants in a place's zone: an extreme date is a form error in words.
DATED_FORMS = [
    "item_create",
    "item_edit",
    "planner_item_create",
    "member_stay",
    "member_travel",
    "my_stay",
    "my_travel",
    "my_travel_edit",
]


@pytest.mark.parametrize("name", DATED_FORMS)
def test_dates_out_of_range_are_refused_in_words_and_save_nothing(name):
    world = build_world()
    client, action, fields, types = _form(world, TARGETS[name])
    offered = {name: values[0] for name, values in fields.items() if values}
    dated = [name for name, kind in types.items() if kind in DATE_EXTREMES]
    assert dated, fields

    for date_field in dated:
        for extreme in DATE_EXTREMES[types[date_field]]:
            before = _row_counts()

            response = client.post(action, {**offered, date_field: extreme})

            assert response.status_code in (200, 400), (date_field, extreme, response.status_code)
            assert "Enter a date between the years 1900 and 2100." in response.content.decode(), (date_field, extreme)
            assert _row_counts() == before, (date_field, extreme)
