"""Reads that pages share, with the visibility rules built in.

Admins (superusers) see everything; a programme officer sees the programmes they are
assigned to and everything inside them; a delegate sees only published visits of a
delegation they belong to (and not as declined or withdrawn).
"""

from django.db.models import Q, QuerySet

from delegations.models import DelegationMember
from delegations.tokens import token_hash

from .models import Accommodation, CalendarFeedToken, ItineraryItem, PersonalTravel, Programme, StudyVisit

VISIBLE_MEMBER_STATUSES = (DelegationMember.Status.INVITED, DelegationMember.Status.CONFIRMED)


def is_officer(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.programmes.exists())


def programmes_for_officer(user) -> QuerySet[Programme]:
    """Programmes the user may manage."""
    if not user.is_authenticated:
        return Programme.objects.none()
    programmes = Programme.objects.select_related("organiser")
    if user.is_superuser:
        return programmes
    return programmes.filter(officers=user)


def visits_for_officer(user) -> QuerySet[StudyVisit]:
    """Visits of the programmes the user may manage, drafts included."""
    if not user.is_authenticated:
        return StudyVisit.objects.none()
    visits = StudyVisit.objects.select_related("programme", "delegation")
    if user.is_superuser:
        return visits
    return visits.filter(programme__officers=user)


def visits_for_delegate(user) -> QuerySet[StudyVisit]:
    """Published (or completed) visits whose delegation lists the user as invited or confirmed."""
    if not user.is_authenticated:
        return StudyVisit.objects.none()
    return (
        StudyVisit.objects.select_related("programme", "delegation")
        .filter(
            status__in=[StudyVisit.Status.PUBLISHED, StudyVisit.Status.COMPLETED],
            delegation__members__participant__user=user,
            delegation__members__status__in=VISIBLE_MEMBER_STATUSES,
        )
        .distinct()
    )


def visits_for_user(user) -> QuerySet[StudyVisit]:
    """Every visit the user may read: as an officer, or as a delegate."""
    if not user.is_authenticated:
        return StudyVisit.objects.none()
    if user.is_superuser:
        return StudyVisit.objects.select_related("programme", "delegation")
    officer_visits = Q(programme__officers=user)
    delegate_visits = Q(
        status__in=[StudyVisit.Status.PUBLISHED, StudyVisit.Status.COMPLETED],
        delegation__members__participant__user=user,
        delegation__members__status__in=VISIBLE_MEMBER_STATUSES,
    )
    ids = StudyVisit.objects.filter(officer_visits | delegate_visits).values("pk")
    return StudyVisit.objects.select_related("programme", "delegation").filter(pk__in=ids)


def itinerary_for_visit(visit: StudyVisit) -> QuerySet[ItineraryItem]:
    """A visit's items in time order, with what a page shows of each."""
    return (
        visit.itinerary_items.select_related("city")
        .prefetch_related("host_organisations", "themes")
        .order_by("starts_at", "ends_at", "pk")
    )


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


def members_for_officer(user) -> QuerySet[DelegationMember]:
    """Delegation members travelling on a visit of a programme the user manages."""
    if not user.is_authenticated:
        return DelegationMember.objects.none()
    members = DelegationMember.objects.select_related("participant", "delegation")
    if user.is_superuser:
        return members
    delegation_ids = StudyVisit.objects.filter(programme__officers=user).values("delegation_id")
    return members.filter(delegation_id__in=delegation_ids)
