"""Reads of people and delegations, with the officer's reach built in.

An officer reaches a delegation that travels on a visit of one of their programmes, or
one they formed themselves and no visit takes yet; they reach a participant on the roster
of such a delegation, or one they entered themselves. Admins reach everything.
"""

from django.db.models import Q, QuerySet

from .models import Delegation, DelegationMember, Participant


def _delegation_ids_for_officer(user):
    return Delegation.objects.filter(Q(visits__programme__officers=user) | Q(created_by=user)).values("pk")


def delegations_for_officer(user) -> QuerySet[Delegation]:
    """Delegations the user may manage."""
    if not user.is_authenticated:
        return Delegation.objects.none()
    delegations = Delegation.objects.select_related("head")
    if user.is_superuser:
        return delegations
    return delegations.filter(pk__in=_delegation_ids_for_officer(user))


def participants_for_officer(user) -> QuerySet[Participant]:
    """Participants the user may see and edit."""
    if not user.is_authenticated:
        return Participant.objects.none()
    participants = Participant.objects.select_related("organisation", "home_city")
    if user.is_superuser:
        return participants
    on_rosters = DelegationMember.objects.filter(delegation__in=_delegation_ids_for_officer(user)).values(
        "participant_id"
    )
    return participants.filter(Q(pk__in=on_rosters) | Q(created_by=user))


def roster_for_delegation(delegation: Delegation) -> QuerySet[DelegationMember]:
    """A delegation's members with what a roster shows of each."""
    return delegation.members.select_related("participant__organisation", "participant__home_city").order_by(
        "participant__last_name", "participant__first_name"
    )
