"""What ``@cached_page`` stores and what it never stores, on plain views (no app of ours)."""

import datetime as dt
import time

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.utils import timezone

from pagecache.pages import STATUS_HEADER, cached_page

pytestmark = pytest.mark.django_db


def _request(rf, path="/groups/", **headers):
    request = rf.get(path, headers=headers)
    request.user = AnonymousUser()
    request.session = SessionStore()
    return request


@cached_page
def groups(request):
    return HttpResponse(", ".join(Group.objects.values_list("name", flat=True)))


@cached_page
def groups_with_cookie(request):
    response = HttpResponse(", ".join(Group.objects.values_list("name", flat=True)))
    response.set_cookie("seen", "1")
    return response


@cached_page
def groups_noting_in_session(request):
    request.session["looked"] = True
    return HttpResponse("noted")


@cached_page
def groups_counting_visits(request):
    Group.objects.filter(name="Visitors").update(name="Visitors")  # a write on every request
    return HttpResponse("counted")


@cached_page(unless_session=("notice",))
def groups_with_notice(request):
    return HttpResponse(request.session.get("notice", "none"))


def test_a_page_is_stored_then_served_and_a_write_to_its_table_renders_it_again(rf):
    Group.objects.create(name="Officers")
    answers = [groups(_request(rf)) for _ in range(2)]
    Group.objects.create(name="Delegates")
    after = groups(_request(rf))

    assert [answer[STATUS_HEADER] for answer in answers] == ["stored", "hit"]
    assert answers[1].content == b"Officers"
    assert (after[STATUS_HEADER], after.content) == ("stored", b"Officers, Delegates")


@pytest.mark.parametrize("view", [groups_with_cookie, groups_noting_in_session, groups_counting_visits])
def test_a_page_that_sets_a_cookie_changes_the_session_or_writes_is_never_stored(rf, view):
    answers = [view(_request(rf, path=f"/{view.__name__}/")) for _ in range(2)]

    assert [answer[STATUS_HEADER] for answer in answers] == ["miss", "miss"]


def test_a_waiting_session_notice_makes_the_view_run(rf):
    plain = [groups_with_notice(_request(rf, path="/notice/")) for _ in range(2)]
    noticed = _request(rf, path="/notice/")
    noticed.session["notice"] = "New link made"

    answer = groups_with_notice(noticed)

    assert [answer[STATUS_HEADER] for answer in plain] == ["stored", "hit"]
    assert (answer[STATUS_HEADER], answer.content) == ("skipped", b"New link made")


def test_a_post_passes_through_untouched(rf):
    request = rf.post("/groups/")
    request.user = AnonymousUser()
    request.session = SessionStore()

    assert not groups(request).has_header(STATUS_HEADER)


@cached_page
def groups_until(request):
    response = HttpResponse(", ".join(Group.objects.values_list("name", flat=True)))
    response.page_cache_until = request.until
    return response


def test_a_page_that_reads_differently_later_is_served_only_until_then(rf, monkeypatch):
    now = time.time()
    requests = [_request(rf, path="/until/") for _ in range(3)]
    for request in requests:
        request.until = dt.datetime.fromtimestamp(now + 60, tz=dt.UTC)

    first, second = groups_until(requests[0]), groups_until(requests[1])
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime.fromtimestamp(now + 61, tz=dt.UTC))
    later = groups_until(requests[2])

    assert [first[STATUS_HEADER], second[STATUS_HEADER], later[STATUS_HEADER]] == ["stored", "hit", "stored"]
