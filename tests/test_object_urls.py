"""The attacker's sweep: every URL that names an object, tried by everyone who should not reach it.

The URL patterns are walked from the root resolver. Every pattern that captures an argument
(a converter such as ``<int:pk>`` or a regex group) must appear in ``OBJECT_URLS`` with how
to build its arguments in a world where the object exists, who owns it and how it is
called; a new object URL without an entry fails ``test_every_object_url_is_in_the_sweep``.
Then, for each entry: the owner reaches it (so the entry is right), an outsider (signed in,
no role), a delegate of another visit and an officer of another programme get 404, the
visit's own delegate gets 404 on officer pages, and an anonymous caller is sent to sign in
(401 on /api/, 404 on a token URL with a wrong token).
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from delegations.models import Participant
from delegations.services import join_token_new
from delegations.tokens import unsubscribe_token
from tests.worlds import World, build_world, pending_import

pytestmark = pytest.mark.django_db

WRONG_TOKEN = "not-a-real-token-0123456789abcdefABCDEF"

# Namespaces and names left out of the sweep, each with its reason.
NOT_OURS = {
    # Django's admin: staff only, checked by the admin itself (test_admin_object_urls_turn_away_non_staff).
    "admin",
}
LIBRARY_TOKEN_URLS = {
    # allauth's email-confirmation and password-reset links: a wrong key gets allauth's "bad link" page.
    "account_confirm_email",
    "account_reset_password_from_key",
}


@pytest.fixture
def world() -> World:
    return build_world()


OFFICER, DELEGATE, TOKEN = "officer", "delegate", "token"


@dataclass(frozen=True)
class ObjectUrl:
    """How to reach one object URL: its arguments in a world, who owns it, and how it is called."""

    kwargs: Callable[[World], dict]
    owner: str = OFFICER  # OFFICER pages, DELEGATE pages (/my/), or TOKEN (the secret in the URL is the key)
    method: str = "GET"
    # Every officer reaches it: reference data (cities, organisations, themes) or an export of their own reach.
    shared: bool = False


def _visit(w):
    return {"pk": w.visit.pk}


def _member(w):
    return {"pk": w.visit.pk, "member_pk": w.member.pk}


OBJECT_URLS: dict[str, ObjectUrl] = {
    # API: read-only, 401 for anonymous callers
    "api:programme_detail": ObjectUrl(lambda w: {"pk": w.visit.programme_id}),
    "api:visit_detail": ObjectUrl(_visit),
    "api:visit_itinerary": ObjectUrl(_visit),
    "api:follow_up_detail": ObjectUrl(lambda w: {"pk": w.follow_up.pk}),
    "api:delegation_detail": ObjectUrl(lambda w: {"pk": w.visit.delegation_id}),
    "api:delegation_members": ObjectUrl(lambda w: {"pk": w.visit.delegation_id}),
    "api:participant_detail": ObjectUrl(lambda w: {"pk": w.member.participant_id}),
    "api:note_detail": ObjectUrl(lambda w: {"pk": w.note.pk}),
    "api:lesson_detail": ObjectUrl(lambda w: {"pk": w.lesson.pk}),
    # A person's own API tokens
    "api_tokens:revoke": ObjectUrl(lambda w: {"pk": w.api_token.pk}, method="POST"),
    # Programmes, visits and their itineraries
    "visits:programme_detail": ObjectUrl(lambda w: {"pk": w.visit.programme_id}),
    "visits:programme_edit": ObjectUrl(lambda w: {"pk": w.visit.programme_id}),
    "visits:programme_officer_add": ObjectUrl(lambda w: {"pk": w.visit.programme_id}, method="POST"),
    "visits:programme_officer_remove": ObjectUrl(
        lambda w: {"pk": w.visit.programme_id, "user_pk": w.officer.pk}, method="POST"
    ),
    "visits:visit_detail": ObjectUrl(_visit),
    "visits:visit_edit": ObjectUrl(_visit),
    "visits:visit_publish": ObjectUrl(_visit, method="POST"),
    "visits:visit_unpublish": ObjectUrl(_visit, method="POST"),
    "visits:visit_publish_preview": ObjectUrl(_visit),
    "visits:visit_clone": ObjectUrl(_visit),
    "visits:stop_create": ObjectUrl(_visit, method="POST"),
    "visits:stop_edit": ObjectUrl(lambda w: {"pk": w.visit.pk, "stop_pk": w.stop.pk}),
    "visits:stop_delete": ObjectUrl(lambda w: {"pk": w.visit.pk, "stop_pk": w.stop.pk}, method="POST"),
    "visits:item_create": ObjectUrl(_visit, method="POST"),
    "visits:item_edit": ObjectUrl(lambda w: {"pk": w.visit.pk, "item_pk": w.item.pk}),
    "visits:item_duplicate": ObjectUrl(lambda w: {"pk": w.visit.pk, "item_pk": w.item.pk}, method="POST"),
    "visits:item_delete": ObjectUrl(lambda w: {"pk": w.visit.pk, "item_pk": w.item.pk}, method="POST"),
    "visits:leg_create": ObjectUrl(_visit, method="POST"),
    "visits:leg_edit": ObjectUrl(lambda w: {"pk": w.visit.pk, "leg_pk": w.leg.pk}),
    "visits:leg_cancel": ObjectUrl(lambda w: {"pk": w.visit.pk, "leg_pk": w.leg.pk}, method="POST"),
    "visits:leg_delete": ObjectUrl(lambda w: {"pk": w.visit.pk, "leg_pk": w.leg.pk}, method="POST"),
    "visits:planner": ObjectUrl(_visit),
    "visits:planner_move": ObjectUrl(_visit, method="POST"),
    "visits:planner_bulk": ObjectUrl(_visit, method="POST"),
    "visits:planner_item_create": ObjectUrl(_visit, method="POST"),
    "visits:theme_edit": ObjectUrl(lambda w: {"pk": w.theme.pk}, shared=True),
    "outcomes:follow_up_edit": ObjectUrl(lambda w: {"pk": w.follow_up.pk}),
    "outcomes:follow_up_status": ObjectUrl(lambda w: {"pk": w.follow_up.pk}, method="POST"),
    # A visit's outbox
    "outbox:list": ObjectUrl(_visit),
    "outbox:digest_send": ObjectUrl(_visit, method="POST"),
    "outbox:preview": ObjectUrl(lambda w: {"pk": w.visit.pk, "notification_id": w.notification.pk}),
    "outbox:cancel": ObjectUrl(lambda w: {"pk": w.visit.pk, "notification_id": w.notification.pk}, method="POST"),
    "outbox:resend": ObjectUrl(lambda w: {"pk": w.visit.pk, "notification_id": w.notification.pk}, method="POST"),
    # The delegate's side
    "my:itinerary": ObjectUrl(_visit, owner=DELEGATE),
    "my:visit_ics": ObjectUrl(_visit, owner=DELEGATE),
    "my:visit_pdf": ObjectUrl(_visit, owner=DELEGATE),
    "my:visit_contacts": ObjectUrl(_visit, owner=DELEGATE),
    "my:travel_create": ObjectUrl(_visit, owner=DELEGATE),
    "my:travel_edit": ObjectUrl(lambda w: {"pk": w.visit.pk, "travel_pk": w.travel.pk}, owner=DELEGATE),
    "my:stay_create": ObjectUrl(_visit, owner=DELEGATE),
    "my:stay_edit": ObjectUrl(lambda w: {"pk": w.visit.pk, "stay_pk": w.stay.pk}, owner=DELEGATE),
    "my:letter_pdf": ObjectUrl(lambda w: {"pk": w.visit.pk, "language": "en"}, owner=DELEGATE),
    "my:feed": ObjectUrl(lambda w: {"token": w.feed_token}, owner=TOKEN),
    "my:invitation_accept": ObjectUrl(lambda w: {"token": w.invitation_token}, owner=TOKEN),
    "my:mail_unsubscribe": ObjectUrl(
        lambda w: {"token": unsubscribe_token(w.member.participant, "reminders_mail")}, owner=TOKEN
    ),
    "outcomes:my_visit_notes": ObjectUrl(_visit, owner=DELEGATE),
    "outcomes:my_note_edit": ObjectUrl(lambda w: {"pk": w.visit.pk, "note_pk": w.note.pk}, owner=DELEGATE),
    "outcomes:my_lesson_edit": ObjectUrl(lambda w: {"pk": w.visit.pk, "lesson_pk": w.lesson.pk}, owner=DELEGATE),
    # Safety check-ins
    "check_ins:mine": ObjectUrl(_visit, owner=DELEGATE),
    "check_ins:answer": ObjectUrl(lambda w: {"token": w.check_in_token}, owner=TOKEN),
    "check_ins:board": ObjectUrl(_visit),
    "check_ins:request": ObjectUrl(_visit),
    # Messages to the delegation
    "delegation_messages:list": ObjectUrl(_visit),
    "delegation_messages:compose": ObjectUrl(_visit),
    # The officer's delegate access
    "delegate_access:visit_delegates": ObjectUrl(_visit),
    "delegate_access:invite": ObjectUrl(_member, method="POST"),
    "delegate_access:resend": ObjectUrl(_member, method="POST"),
    "delegate_access:feed": ObjectUrl(_member, method="POST"),
    "delegate_access:travel_create": ObjectUrl(_member),
    "delegate_access:travel_edit": ObjectUrl(lambda w: {**_member(w), "travel_pk": w.travel.pk}),
    "delegate_access:stay_create": ObjectUrl(_member),
    "delegate_access:stay_edit": ObjectUrl(lambda w: {**_member(w), "stay_pk": w.stay.pk}),
    "delegate_access:letter_pdf": ObjectUrl(lambda w: {**_member(w), "language": "en"}),
    "delegate_access:letter_templates": ObjectUrl(lambda w: {"programme_pk": w.visit.programme_id}),
    "delegate_access:letter_template_edit": ObjectUrl(
        lambda w: {"programme_pk": w.visit.programme_id, "language": "en"}
    ),
    # Reports, notes, lessons, outcomes
    "outcomes:visit_report": ObjectUrl(_visit),
    "outcomes:visit_report_pdf": ObjectUrl(_visit),
    "outcomes:visit_notes": ObjectUrl(_visit),
    "outcomes:note_edit": ObjectUrl(lambda w: {"pk": w.visit.pk, "note_pk": w.note.pk}),
    "outcomes:lesson_edit": ObjectUrl(lambda w: {"pk": w.visit.pk, "lesson_pk": w.lesson.pk}),
    "outcomes:follow_up_membership": ObjectUrl(lambda w: {"pk": w.follow_up.pk}),
    # Import and exports
    "spreadsheets:import_upload": ObjectUrl(lambda w: {"pk": w.visit.delegation_id}),
    "spreadsheets:import_preview": ObjectUrl(lambda w: {"pk": w.visit.delegation_id, "token": "PENDING"}),
    "spreadsheets:import_confirm": ObjectUrl(
        lambda w: {"pk": w.visit.delegation_id, "token": "PENDING"}, method="POST"
    ),
    "spreadsheets:roster_export": ObjectUrl(lambda w: {"pk": w.visit.delegation_id, "fmt": "csv"}),
    "spreadsheets:participants_export": ObjectUrl(lambda w: {"fmt": "csv"}, shared=True),
    # Reference data shared by every officer
    "partners:city_detail": ObjectUrl(lambda w: {"pk": w.city.pk}, shared=True),
    "partners:city_edit": ObjectUrl(lambda w: {"pk": w.city.pk}, shared=True),
    "partners:organisation_detail": ObjectUrl(lambda w: {"pk": w.organisation.pk}, shared=True),
    "partners:organisation_edit": ObjectUrl(lambda w: {"pk": w.organisation.pk}, shared=True),
    "partners:city_merge": ObjectUrl(lambda w: {"pk": w.city.pk}, shared=True),
    "partners:city_delete": ObjectUrl(lambda w: {"pk": w.city.pk}, method="POST", shared=True),
    "partners:organisation_merge": ObjectUrl(lambda w: {"pk": w.organisation.pk}, shared=True),
    "partners:organisation_delete": ObjectUrl(lambda w: {"pk": w.organisation.pk}, method="POST", shared=True),
    "partners:membership_edit": ObjectUrl(lambda w: {"pk": w.membership.pk}, shared=True),
    # People and delegations
    "delegations:participant_detail": ObjectUrl(lambda w: {"pk": w.member.participant_id}),
    "delegations:participant_edit": ObjectUrl(lambda w: {"pk": w.member.participant_id}),
    "delegations:join_accept": ObjectUrl(
        lambda w: {
            "token": join_token_new(Participant.objects.get(email="o@example.org"), w.visit.delegation, w.officer)
        },
        owner=TOKEN,
    ),
    "delegations:participant_merge": ObjectUrl(lambda w: {"pk": w.member.participant_id}),
    "delegations:participant_delete": ObjectUrl(lambda w: {"pk": w.member.participant_id}, method="POST"),
    "privacy:participant_export": ObjectUrl(lambda w: {"pk": w.member.participant_id}),
    "privacy:participant_erase": ObjectUrl(lambda w: {"pk": w.member.participant_id}),
    "delegations:delegation_detail": ObjectUrl(lambda w: {"pk": w.visit.delegation_id}),
    "delegations:delegation_edit": ObjectUrl(lambda w: {"pk": w.visit.delegation_id}),
    "delegations:member_add": ObjectUrl(lambda w: {"pk": w.visit.delegation_id}, method="POST"),
    "delegations:member_edit": ObjectUrl(
        lambda w: {"pk": w.visit.delegation_id, "member_pk": w.member.pk}, method="POST"
    ),
    "delegations:member_remove": ObjectUrl(
        lambda w: {"pk": w.visit.delegation_id, "member_pk": w.member.pk}, method="POST"
    ),
}


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace and (f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace)
            yield from _walk(pattern.url_patterns, inner or namespace)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield namespace, name, pattern


def object_url_names() -> set[str]:
    """Names of every URL pattern that captures an argument, outside ``NOT_OURS``."""
    names = set()
    for namespace, name, pattern in _walk(get_resolver().url_patterns):
        if namespace in NOT_OURS or name in LIBRARY_TOKEN_URLS:
            continue
        if pattern.pattern.regex.groupindex or getattr(pattern.pattern, "converters", None):
            assert name, f"An object URL has no name: {pattern.pattern}"
            names.add(name)
    return names


def test_every_object_url_is_in_the_sweep():
    names = object_url_names()

    assert sorted(names - OBJECT_URLS.keys()) == [], "add these URL names to OBJECT_URLS"
    assert sorted(OBJECT_URLS.keys() - names) == [], "these names in OBJECT_URLS no longer exist"


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _call(client: Client, spec: ObjectUrl, url: str):
    return client.post(url) if spec.method == "POST" else client.get(url)


def _url(name: str, world: World, **override) -> str:
    kwargs = {**OBJECT_URLS[name].kwargs(world), **override}
    return reverse(name, kwargs=kwargs)


def _owner_url(name: str, world: World) -> tuple[Client, str]:
    spec = OBJECT_URLS[name]
    kwargs = spec.kwargs(world)
    if kwargs.get("token") == "PENDING":
        kwargs["token"], client = pending_import(world)
        return client, reverse(name, kwargs=kwargs)
    owner = {OFFICER: world.officer, DELEGATE: world.delegate, TOKEN: None}[spec.owner]
    return _client(owner), reverse(name, kwargs=kwargs)


def _outsider_url(name: str, world: World) -> str:
    """The URL others try: the real object, but never a live secret."""
    kwargs = OBJECT_URLS[name].kwargs(world)
    if "token" in kwargs:
        kwargs["token"] = WRONG_TOKEN
    return reverse(name, kwargs=kwargs)


SWEEP = sorted(OBJECT_URLS)


@pytest.mark.parametrize("name", SWEEP)
def test_object_url_answers_its_owner(world, name):
    spec = OBJECT_URLS[name]
    client, url = _owner_url(name, world)

    response = _call(client, spec, url)

    # A POST-only view called with no data answers the owner with a form error (400), never 404 or 500.
    expected = (200, 302, 400) if spec.method == "POST" else (200, 302)
    assert response.status_code in expected, (url, response.status_code)
    if response.status_code == 302:
        assert "/accounts/login/" not in response["Location"]


@pytest.mark.parametrize("name", [name for name in SWEEP if OBJECT_URLS[name].method == "POST"])
def test_post_only_object_url_refuses_get_from_its_owner(world, name):
    client, url = _owner_url(name, world)

    assert client.get(url).status_code == 405


@pytest.mark.parametrize("who", ["outsider", "other_delegate", "other_officer"])
@pytest.mark.parametrize("name", SWEEP)
def test_object_url_is_404_outside_reach(world, name, who):
    spec = OBJECT_URLS[name]
    url = _outsider_url(name, world)
    client = _client(getattr(world, who))
    counts = _row_counts()

    response = _call(client, spec, url)

    if spec.shared and who == "other_officer":
        # Reference data (cities, organisations, themes): every officer reaches it by design.
        assert response.status_code in (200, 302, 400), (url, response.status_code)
    else:
        assert response.status_code == 404, (url, response.status_code)
        assert _row_counts() == counts


# What the API keeps for officers: follow-ups, delegations and their rosters, people.
OFFICER_ONLY_API = {"api:follow_up_detail", "api:delegation_detail", "api:delegation_members", "api:participant_detail"}


@pytest.mark.parametrize("name", [name for name in SWEEP if OBJECT_URLS[name].owner == OFFICER])
def test_officer_object_url_is_404_for_the_visits_own_delegate(world, name):
    spec = OBJECT_URLS[name]

    response = _call(_client(world.delegate), spec, _outsider_url(name, world))

    if name.startswith("api:") and name not in OFFICER_ONLY_API:
        # The API serves a delegate their own published visit, its programme, notes and lessons, read-only.
        assert response.status_code == 200, response.status_code
    elif name == "visits:visit_detail":
        # A delegate is sent on to their own itinerary of the same visit.
        assert response.status_code == 302
        assert response["Location"].startswith("/my/")
    else:
        assert response.status_code == 404, response.status_code


@pytest.mark.parametrize("name", SWEEP)
def test_object_url_turns_away_anonymous_callers(world, name):
    spec = OBJECT_URLS[name]
    url = _outsider_url(name, world)
    counts = _row_counts()

    response = _call(Client(), spec, url)

    if name.startswith("api:"):
        assert response.status_code == 401
    elif spec.owner == TOKEN:
        assert response.status_code == 404
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login") + "?next=")
    assert _row_counts() == counts


def _captures(name: str) -> set[str]:
    for _namespace, pattern_name, pattern in _walk(get_resolver().url_patterns):
        if pattern_name == name:
            return set(pattern.pattern.regex.groupindex)
    raise LookupError(name)


@pytest.mark.parametrize("name", [name for name in SWEEP if "token" in _captures(name)])
def test_token_url_with_a_wrong_token_is_404_even_for_the_owner(world, name):
    spec = OBJECT_URLS[name]
    client, _url_with_live_token = _owner_url(name, world)

    response = _call(client, spec, _outsider_url(name, world))

    assert response.status_code == 404


def test_participants_export_of_another_officer_leaves_out_this_programmes_people(world):
    response = _client(world.other_officer).get(reverse("spreadsheets:participants_export", args=["csv"]))

    assert response.status_code == 200
    assert b"delegate@example.org" not in response.content
    assert b"o@example.org" in response.content


def test_revoked_calendar_feed_is_gone(world):
    from trips.services import calendar_feed_token_revoke

    calendar_feed_token_revoke(world.member.participant)

    assert Client().get(reverse("my:feed", args=[world.feed_token])).status_code == 410


def test_admin_object_urls_turn_away_non_staff(world):
    officer = _client(world.officer)
    tried = 0
    for namespace, name, pattern in _walk(get_resolver().url_patterns):
        if namespace != "admin" or not name or "object_id" not in pattern.pattern.regex.groupindex:
            continue
        kwargs = {"object_id": world.visit.pk}
        if "content_type_id" in pattern.pattern.regex.groupindex:
            kwargs["content_type_id"] = 1
        url = reverse(name, kwargs=kwargs)

        response = officer.get(url)

        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("admin:login")), name
        tried += 1
    assert tried > 20


def _row_counts() -> dict[str, int]:
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label not in {"sessions", "usersessions"}
    }
