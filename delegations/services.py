"""Writes on people, delegations and rosters."""

from django.db import transaction
from django.utils import timezone

from .models import Delegation, DelegationMember, Participant


def _write(obj, fields: dict, m2m: dict | None = None):
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    return obj


@transaction.atomic
def participant_create(*, by, **fields) -> Participant:
    """Enter a person; until they join a roster only ``by`` (and admins) can see them."""
    return _write(Participant(created_by=by), fields)


@transaction.atomic
def participant_update(participant: Participant, *, by, **fields) -> Participant:
    """Change a person's details."""
    return _write(participant, fields)


@transaction.atomic
def delegation_create(*, by, home_cities=(), **fields) -> Delegation:
    """Form a travelling group; until a visit takes it only ``by`` (and admins) can see it."""
    return _write(Delegation(created_by=by), fields, {"home_cities": home_cities})


@transaction.atomic
def delegation_update(delegation: Delegation, *, by, home_cities=(), **fields) -> Delegation:
    """Change a delegation's name, head, notes or home cities."""
    return _write(delegation, fields, {"home_cities": home_cities})


@transaction.atomic
def delegation_member_add(
    delegation: Delegation, *, by, participant: Participant, role: str, status: str
) -> DelegationMember:
    """Put a participant on a delegation's roster with a role and a status."""
    member = DelegationMember(delegation=delegation, participant=participant)
    if status == DelegationMember.Status.INVITED:
        member.invited_at = timezone.now()
    return _write(member, {"role": role, "status": status})


@transaction.atomic
def delegation_member_update(member: DelegationMember, *, by, role: str, status: str) -> DelegationMember:
    """Change a member's role or status; a new answer records when it came."""
    previous = DelegationMember.objects.select_for_update().values_list("status", flat=True).get(pk=member.pk)
    fields = {"role": role, "status": status}
    if status != previous and status in (DelegationMember.Status.CONFIRMED, DelegationMember.Status.DECLINED):
        fields["responded_at"] = timezone.now()
    return _write(member, fields)


@transaction.atomic
def delegation_member_remove(member: DelegationMember, *, by) -> None:
    """Take a participant off a roster (its history keeps the line)."""
    member.delete()
