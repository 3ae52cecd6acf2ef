"""Every named database constraint refuses the row it exists to refuse."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from api.models import ApiToken
from delegations.models import DelegationMember
from delegations.tests.factories import DelegationFactory, DelegationMemberFactory, ParticipantFactory
from notifications.models import Notification
from outcomes.tests.factories import FollowUpFactory
from partners.models import City, Organisation
from partners.tests.factories import CityFactory, NetworkMembershipFactory, OrganisationFactory
from trips.models import CheckInLink, CheckInRequest, DelegationMessage
from visits.models import StudyVisit
from visits.tests.factories import (
    ItineraryItemFactory,
    ProgrammeFactory,
    StudyVisitFactory,
    ThemeFactory,
    TravelLegFactory,
    VisitStopFactory,
)

pytestmark = pytest.mark.django_db


def _city_duplicate():
    CityFactory(name="Liège", region="Wallonia", country="BE")
    CityFactory(name="LIÈGE", region="wallonia", country="BE")


def _city_without_zone():
    City.objects.create(name="Nowhere", country="BE", timezone="")


def _organisation_duplicate():
    OrganisationFactory(name="Efus")
    OrganisationFactory(name="EFUS")


def _membership_duplicate():
    membership = NetworkMembershipFactory(since=dt.date(2019, 11, 15))
    NetworkMembershipFactory(city=membership.city, network=membership.network, since=dt.date(2019, 11, 15))


def _membership_ends_before_start():
    NetworkMembershipFactory(since=dt.date(2020, 1, 1), until=dt.date(2019, 1, 1))


def _participant_duplicate_email():
    ParticipantFactory(email="camille@example.org")
    ParticipantFactory(email="Camille@Example.org")


def _member_twice():
    member = DelegationMemberFactory()
    DelegationMember.objects.create(delegation=member.delegation, participant=member.participant)


def _programme_duplicate():
    ProgrammeFactory(name="City Pair")
    ProgrammeFactory(name="city pair")


def _theme_duplicate():
    ThemeFactory(name="Restorative justice")
    ThemeFactory(name="restorative JUSTICE")


def _visit_ends_before_start():
    StudyVisitFactory(starts_on=dt.date(2019, 11, 9), ends_on=dt.date(2019, 11, 3))


def _visit_published_without_date():
    StudyVisitFactory(status=StudyVisit.Status.PUBLISHED, published_at=None)


def _stop_same_position():
    stop = VisitStopFactory(position=1)
    VisitStopFactory(visit=stop.visit, position=1)


def _stop_departs_before_arrival():
    VisitStopFactory(arrives_on=dt.date(2019, 11, 5), departs_on=dt.date(2019, 11, 4))


def _item_ends_before_start():
    start = dt.datetime(2019, 11, 4, 15, tzinfo=dt.UTC)
    ItineraryItemFactory(starts_at=start, ends_at=start - dt.timedelta(minutes=1))


def _item_ends_when_it_starts():
    start = dt.datetime(2019, 11, 4, 15, tzinfo=dt.UTC)
    ItineraryItemFactory(starts_at=start, ends_at=start)


def _leg_arrives_before_departure():
    departs = dt.datetime(2019, 11, 5, 17, tzinfo=dt.UTC)
    TravelLegFactory(departs_at=departs, arrives_at=departs - dt.timedelta(minutes=1))


def _leg_arrives_when_it_departs():
    departs = dt.datetime(2019, 11, 5, 17, tzinfo=dt.UTC)
    TravelLegFactory(departs_at=departs, arrives_at=departs)


def _leg_unknown_kind():
    TravelLegFactory(kind="teleport")


def _leg_unknown_status():
    TravelLegFactory(status="maybe")


def _follow_up_two_owners():
    FollowUpFactory(owner_organisation=OrganisationFactory())


def _follow_up_no_owner():
    FollowUpFactory(owner_city=None)


def _notification_sent_without_date():
    Notification.objects.create(
        key="k", kind="test", to_email="a@example.org", subject="s", body_text="b", status="sent", sent_at=None
    )


def _check_in_request(**fields):
    return CheckInRequest.objects.create(
        visit=StudyVisitFactory(), expires_at=dt.datetime(2019, 11, 6, tzinfo=dt.UTC), **fields
    )


def _check_in_request_city_scope_without_city():
    _check_in_request(scope="city")


def _check_in_request_all_with_city():
    _check_in_request(scope="all", city=CityFactory())


def _delegation_message(**fields):
    DelegationMessage.objects.create(visit=StudyVisitFactory(), subject_en="Hello", body_en="Hi", **fields)


def _delegation_message_city_audience_without_city():
    _delegation_message(audience="city")


def _delegation_message_all_with_city():
    _delegation_message(audience="all", city=CityFactory())


def _delegation_message_role_audience_without_role():
    _delegation_message(audience="role")


def _delegation_message_all_with_role():
    _delegation_message(audience="all", role="expert")


def _api_token_same_name_twice():
    from api.services import api_token_create

    user = get_user_model().objects.create_user(username="t@example.org", email="t@example.org")
    api_token_create(user, name="Sheet")
    ApiToken.objects.create(user=user, name="SHEET", prefix="cx_x", token_hash="0" * 64)


def _api_token_expires_before_created():
    user = get_user_model().objects.create_user(username="t@example.org", email="t@example.org")
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    ApiToken.objects.create(user=user, name="Sheet", prefix="cx_x", created_at=now, expires_at=now)


def _check_in_link_twice():
    request, participant = _check_in_request(), ParticipantFactory()
    CheckInLink.objects.create(request=request, participant=participant)
    CheckInLink.objects.create(request=request, participant=participant)


@pytest.mark.parametrize(
    ("make_bad_row", "constraint"),
    [
        (_city_duplicate, "partners_city_unique_name_region_country"),
        (_city_without_zone, "partners_city_timezone_not_empty"),
        (_organisation_duplicate, "partners_organisation_unique_name"),
        (_membership_duplicate, "partners_membership_unique_city_network_since"),
        (_membership_ends_before_start, "partners_membership_until_after_since"),
        (_participant_duplicate_email, "delegations_participant_unique_email"),
        (_member_twice, "delegations_member_unique_participant"),
        (_programme_duplicate, "visits_programme_unique_name"),
        (_theme_duplicate, "visits_theme_unique_name"),
        (_visit_ends_before_start, "visits_visit_ends_after_start"),
        (_visit_published_without_date, "visits_visit_published_has_date"),
        (_stop_same_position, "visits_stop_unique_position"),
        (_stop_departs_before_arrival, "visits_stop_departs_after_arrival"),
        (_item_ends_before_start, "visits_item_ends_after_start"),
        (_item_ends_when_it_starts, "visits_item_ends_after_start"),
        (_leg_arrives_before_departure, "visits_travelleg_arrives_after_departure"),
        (_leg_arrives_when_it_departs, "visits_travelleg_arrives_after_departure"),
        (_leg_unknown_kind, "visits_travelleg_kind_known"),
        (_leg_unknown_status, "visits_travelleg_status_known"),
        (_follow_up_two_owners, "visits_followup_exactly_one_owner"),
        (_follow_up_no_owner, "visits_followup_exactly_one_owner"),
        (_notification_sent_without_date, "notifications_sent_has_date"),
        (_check_in_request_city_scope_without_city, "trips_checkinrequest_city_with_scope"),
        (_check_in_request_all_with_city, "trips_checkinrequest_city_with_scope"),
        (_check_in_link_twice, "trips_checkinlink_one_per_person"),
        (_delegation_message_city_audience_without_city, "trips_delegationmessage_city_with_audience"),
        (_delegation_message_all_with_city, "trips_delegationmessage_city_with_audience"),
        (_delegation_message_role_audience_without_role, "trips_delegationmessage_role_with_audience"),
        (_delegation_message_all_with_role, "trips_delegationmessage_role_with_audience"),
        (_api_token_same_name_twice, "api_apitoken_unique_active_name"),
        (_api_token_expires_before_created, "api_apitoken_expires_after_created"),
    ],
)
def test_constraint_refuses_bad_row(make_bad_row, constraint):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        make_bad_row()


def test_participants_without_email_may_share_the_blank():
    ParticipantFactory(email="")
    ParticipantFactory(email="")

    assert DelegationMember.objects.count() == 0


def test_same_participant_may_join_two_delegations():
    participant = ParticipantFactory()

    DelegationMemberFactory(participant=participant, delegation=DelegationFactory())
    DelegationMemberFactory(participant=participant, delegation=DelegationFactory())

    assert participant.memberships.count() == 2


def test_organisation_kinds_cover_the_brief():
    assert set(Organisation.Kind.values) == {
        "network",
        "ngo",
        "embassy",
        "government",
        "municipality",
        "police",
        "civil_society",
        "academic",
    }
