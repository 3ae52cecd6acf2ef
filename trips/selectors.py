"""Reads for a delegate's pages and calendar feed: their visits, co-delegates, own travel and hotels."""

from django.db.models import (
    Count,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
)

from delegations.models import DelegationMember
from delegations.tokens import token_hash
from visits.models import StudyVisit
from visits.selectors import per_visit, with_itinerary_stamps

from .models import Accommodation, CalendarFeedToken, ItineraryLastSeen, PersonalTravel


def visits_for_participant(participant) -> QuerySet[StudyVisit]:
    """Published (or completed) visits whose delegation lists the participant as invited or confirmed."""
    return (
        StudyVisit.objects.select_related("programme", "delegation")
        .filter(
            status__in=[StudyVisit.Status.PUBLISHED, StudyVisit.Status.COMPLETED],
            delegation__members__participant=participant,
            delegation__members__status__in=DelegationMember.VISIBLE_STATUSES,
        )
        .distinct()
    )


def co_delegates_for_visit(visit: StudyVisit) -> QuerySet[DelegationMember]:
    """The visit's invited and confirmed members, with what a delegate may see of them."""
    if visit.delegation_id is None:
        return DelegationMember.objects.none()
    return (
        DelegationMember.objects.visible_to_delegates()
        .filter(delegation_id=visit.delegation_id)
        .select_related("participant__organisation")
        .order_by("participant__last_name", "participant__first_name")
    )


def personal_travel_for(visit: StudyVisit, participant) -> QuerySet[PersonalTravel]:
    return PersonalTravel.objects.filter(visit=visit, participant=participant).order_by("departs_at", "pk")


def accommodations_for(visit: StudyVisit, participant) -> QuerySet[Accommodation]:
    return Accommodation.objects.filter(visit=visit, participant=participant).select_related("city")


def feed_link_for_token(token: str) -> CalendarFeedToken | None:
    """The calendar feed link that carries ``token``, active or revoked (``revoked_at``), or ``None``."""
    return CalendarFeedToken.objects.select_related("participant").filter(token_hash=token_hash(token)).first()


def with_delegate_stamps(visits: QuerySet[StudyVisit], *, participant) -> QuerySet[StudyVisit]:
    """The itinerary's stamps (``visits.selectors.with_itinerary_stamps``) plus the participant's own:
    the count and latest change of their travel and stays (``travel_count``, ``stays_latest``, ...)
    and their last look (``last_seen_at``), in the same query."""
    seen = ItineraryLastSeen.objects.filter(visit=OuterRef("pk"), participant=participant).values("seen_at")
    stamps = {"last_seen_at": Subquery(seen[:1])}
    for name, model in (("travel", PersonalTravel), ("stays", Accommodation)):
        stamps[f"{name}_count"] = per_visit(model, Count("pk"), participant=participant)
        stamps[f"{name}_latest"] = per_visit(model, Max("updated_at"), participant=participant)
    return with_itinerary_stamps(visits).annotate(**stamps)
