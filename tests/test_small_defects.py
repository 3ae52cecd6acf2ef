"""Small defects from the officers' run-through: the visit's follow-ups link, the delegation's head, the exports."""

import pytest
from django.test import Client
from django.urls import reverse

from delegations.exports import roster_csv
from delegations.imports import guess_mapping, parse_upload, participants_import
from delegations.models import DelegationMember, Participant
from delegations.tests.factories import DelegationMemberFactory
from outcomes.tests.factories import FollowUpFactory
from tests.worlds import build_world
from visits.tests.factories import StudyVisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_visit_follow_ups_link_lists_that_visits_follow_ups_only(world):
    namesake = StudyVisitFactory(programme=world.visit.programme, title=world.visit.title + " (cloned)")
    mine = [world.follow_up, FollowUpFactory(visit=world.visit), FollowUpFactory(visit=world.visit)]
    for _ in range(3):
        FollowUpFactory(visit=namesake)
    client = _client(world.officer)

    visit_page = client.get(reverse("visits:visit_detail", args=[world.visit.pk])).content.decode()
    board = client.get(reverse("outcomes:follow_up_board"), {"visit": world.visit.pk})

    assert f"{reverse('outcomes:follow_up_board')}?visit={world.visit.pk}" in visit_page
    listed = sorted(follow_up.pk for _value, _label, column in board.context["columns"] for follow_up in column)
    assert listed == sorted(follow_up.pk for follow_up in mine)
    assert f"The follow-ups of {world.visit.title}." in board.content.decode()


def test_follow_ups_of_a_visit_out_of_reach_are_not_listed(world):
    FollowUpFactory(visit=world.other_visit)

    board = _client(world.officer).get(reverse("outcomes:follow_up_board"), {"visit": world.other_visit.pk})

    assert board.status_code == 200
    assert board.context["visit"] is None
    assert world.other_visit.title not in board.content.decode()


def test_roster_csv_is_semicolon_separated_with_a_bom_and_names_the_head(world):
    delegation = world.visit.delegation
    delegation.head = world.member.participant
    delegation.save()

    data = roster_csv(delegation)

    assert data.startswith("\ufeff".encode())
    header, row = data.decode("utf-8-sig").splitlines()[:2]
    assert header.split(";")[-3:] == ["Role", "Status", "Head of delegation"]
    assert row.split(";")[-1] == "Head"


def test_roster_with_its_head_imports_back_without_changes(world):
    delegation = world.visit.delegation
    delegation.head = world.member.participant
    delegation.save()
    before = list(Participant.objects.order_by("pk").values())

    parsed = parse_upload(roster_csv(delegation))
    participants_import(parsed, mapping=guess_mapping(parsed.headers), delegation=delegation, by=world.officer)

    after = list(Participant.objects.order_by("pk").values())
    assert [{**row, "updated_at": None} for row in after] == [{**row, "updated_at": None} for row in before]
    assert list(delegation.members.values_list("role", flat=True)) == [DelegationMember.Role.MEMBER]


def test_roster_page_and_report_show_the_head_and_each_status(world):
    delegation = world.visit.delegation
    delegation.head = world.member.participant
    delegation.save()
    invited = DelegationMemberFactory(delegation=delegation, status=DelegationMember.Status.INVITED)
    client = _client(world.officer)

    roster = client.get(reverse("delegations:delegation_detail", args=[delegation.pk])).content.decode()
    report = client.get(reverse("outcomes:visit_report", args=[world.visit.pk])).content.decode()

    assert '<span class="badge text-bg-primary">Head of delegation</span>' in roster
    assert f"<td>{world.member.participant.full_name}</td>" in report
    assert "<td>Head of delegation</td><td>Confirmed</td>" in report
    assert f"<td>{invited.participant.full_name}</td>" in report
    assert "<td>Member</td><td>Invited</td>" in report
