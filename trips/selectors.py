"""Reads for a delegate's pages and calendar feed: their visits, co-delegates, own travel and hotels."""

from django.db.models import (
    QuerySet,
)

from delegations.models import DelegationMember
from delegations.tokens import token_hash
from visits.models import StudyVisit
from visits.selectors import VISIBLE_MEMBER_STATUSES

from .models import Accommodation, CalendarFeedToken, PersonalTravel


def visits_for_participant(participant) -> QuerySet[StudyVisit]:
    """Published (or completed) visits whose delegation lists the participant as invited or confirmed."""
    return (
        StudyVisit.objects.select_related("programme", "delegation")
        .filter(
            status__in=[StudyVisit.Status.PUBLISHED, StudyVisit.Status.COMPLETED],
            delegation__members__participant=participant,
            delegation__members__status__in=VISIBLE_MEMBER_STATUSES,
        )
        .distinct()
    )


def co_delegates_for_visit(visit: StudyVisit) -> QuerySet[DelegationMember]:
    """The visit's invited and confirmed members, with what a delegate may see of them."""
    if visit.delegation_id is None:
        return DelegationMember.objects.none()
    return (
        DelegationMember.objects.filter(delegation_id=visit.delegation_id, status__in=VISIBLE_MEMBER_STATUSES)
        .select_related("participant__organisation")
        .order_by("participant__last_name", "participant__first_name")
    )


def personal_travel_for(visit: StudyVisit, participant) -> QuerySet[PersonalTravel]:
    return PersonalTravel.objects.filter(visit=visit, participant=participant).order_by("departs_at", "pk")


def accommodations_for(visit: StudyVisit, participant) -> QuerySet[Accommodation]:
    return Accommodation.objects.filter(visit=visit, participant=participant).select_related("city")


def feed_participant_for_token(token: str):
    """The participant whose active calendar feed link carries ``token``, or ``None``."""
    feed = (
        CalendarFeedToken.objects.select_related("participant")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )
    return feed.participant if feed else None
