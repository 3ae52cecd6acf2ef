"""Services name who made a change in its history, also when no request is there (Celery, commands)."""

import datetime as dt

import pytest

from delegations import services as delegation_services
from delegations.tests.factories import DelegationMemberFactory
from outcomes import services as outcome_services
from outcomes.tests.factories import FollowUpFactory
from visits import services
from visits.tests.factories import ItineraryItemFactory, StudyVisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user(username="o@example.org", email="o@example.org")


def test_visit_update_outside_a_request_records_the_officer(officer):
    visit = StudyVisitFactory()

    services.visit_update(visit, by=officer, title="Nashville and Chattanooga")

    assert visit.history.first().history_user == officer


def test_itinerary_item_delete_outside_a_request_records_the_officer(officer):
    item = ItineraryItemFactory()

    services.itinerary_item_delete(item, by=officer)

    record = item.history.first()
    assert (record.history_type, record.history_user) == ("-", officer)


def test_follow_up_set_status_outside_a_request_records_the_officer(officer):
    follow_up = FollowUpFactory(due_on=dt.date(2020, 1, 1))

    outcome_services.follow_up_set_status(follow_up, by=officer, status=follow_up.Status.DONE)

    record = follow_up.history.first()
    assert (record.history_change_reason, record.history_user) == ("status: done", officer)


def test_delegation_member_update_outside_a_request_records_the_officer(officer):
    member = DelegationMemberFactory()

    delegation_services.delegation_member_update(member, by=officer, role=member.role, status="declined")

    assert member.history.first().history_user == officer


def test_service_without_a_user_leaves_history_user_empty():
    visit = StudyVisitFactory()

    services.visit_update(visit, by=None, title="Washington DC")

    assert visit.history.first().history_user is None
