"""The travel leg services: like items, every change of a published visit's legs is recorded for its digest."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from officers.history import history_user_set

from ..models import ItineraryChange, StudyVisit, TravelLeg
from .itinerary import change_record

# What a calendar's copy of a leg shows of when and where: a change makes a new revision.
_LEG_SEQUENCE_FIELDS = ("from_city_id", "from_place", "to_city_id", "to_place", "departs_at", "arrives_at")
_LEG_TOLD_FIELDS = (
    "kind",
    "from_city_id",
    "from_place",
    "to_city_id",
    "to_place",
    "departs_at",
    "arrives_at",
    "carrier",
    "reference",
    "status",
    "notes_for_delegates",
)


def _leg_snapshot(leg: TravelLeg) -> dict:
    snapshot = {name: getattr(leg, name) for name in _LEG_TOLD_FIELDS}
    snapshot.update(
        title=leg.title,
        starts_at=leg.departs_at,
        ends_at=leg.arrives_at,
        timezone=leg.from_city.timezone,
        city_name=leg.from_city.name,
        end_timezone=leg.to_city.timezone,
        venue=leg.from_place,
        members=(leg.whole_delegation, sorted(member.pk for member in leg.members.all())),
    )
    return snapshot


def _leg_members_check(visit: StudyVisit, members) -> list:
    members = list(members or [])
    if any(member.delegation_id != visit.delegation_id for member in members):
        raise ValidationError({"members": _("Choose members of this visit's delegation.")})
    return members


@transaction.atomic
def travel_leg_create(visit: StudyVisit, *, by, members=(), **fields) -> TravelLeg:
    """Add a travel leg to ``visit`` (for the whole delegation, or for ``members`` only, a sub-group).

    ``fields`` are TravelLeg fields (``kind``, ``from_city``, ``departs_at``, ...). Validated
    with ``full_clean``; a leg outside the visit's days is allowed. On a published visit,
    records the addition for the next itinerary digest.
    """
    fields.pop("visit", None)
    members = _leg_members_check(visit, members)
    leg = TravelLeg(visit=visit, whole_delegation=not members, **fields)
    leg.full_clean()
    leg._change_reason = "created"
    history_user_set(leg, by)
    leg.save()
    leg.members.set(members)
    change_record(leg, action=ItineraryChange.Action.ADDED, before=None, by=by)
    return leg


@transaction.atomic
def travel_leg_update(leg: TravelLeg, *, by, members=None, **fields) -> TravelLeg:
    """Change a leg's fields (and, when given, who travels), validated with ``full_clean``.

    On a published visit, records what changed (old times kept; a new cancelled status is
    recorded as a cancellation) for the next itinerary digest. A change of time, city, place,
    a cancellation or its reversal raises the leg's calendar ``sequence``.
    """
    leg = TravelLeg.objects.select_for_update().select_related("visit", "from_city", "to_city").get(pk=leg.pk)
    fields.pop("visit", None)
    before = _leg_snapshot(leg)
    for name, value in fields.items():
        setattr(leg, name, value)
    if members is not None:
        members = _leg_members_check(leg.visit, members)
        leg.whole_delegation = not members
    cancelled = TravelLeg.Status.CANCELLED
    moved = any(before[name] != getattr(leg, name) for name in _LEG_SEQUENCE_FIELDS)
    if moved or (before["status"] == cancelled) != (leg.status == cancelled):
        leg.sequence += 1
    leg.full_clean()
    leg._change_reason = "updated"
    history_user_set(leg, by)
    leg.save()
    if members is not None:
        leg.members.set(members)
    after = _leg_snapshot(leg)
    if leg.status == TravelLeg.Status.CANCELLED and before["status"] != TravelLeg.Status.CANCELLED:
        change_record(leg, action=ItineraryChange.Action.CANCELLED, before=before, by=by)
    elif any(before[name] != after[name] for name in (*_LEG_TOLD_FIELDS, "members")):
        change_record(leg, action=ItineraryChange.Action.CHANGED, before=before, by=by)
    return leg


def travel_leg_cancel(leg: TravelLeg, *, by) -> TravelLeg:
    """Mark a leg cancelled (it stays in the itinerary, struck through); recorded for the digest."""
    return travel_leg_update(leg, by=by, status=TravelLeg.Status.CANCELLED)


@transaction.atomic
def travel_leg_delete(leg: TravelLeg, *, by) -> None:
    """Delete a leg; on a published visit its removal is recorded for the next digest."""
    leg = TravelLeg.objects.select_for_update().select_related("visit", "from_city", "to_city").get(pk=leg.pk)
    if leg.status != TravelLeg.Status.CANCELLED:
        change_record(leg, action=ItineraryChange.Action.DELETED, before=_leg_snapshot(leg), by=by)
    history_user_set(leg, by)
    leg.delete()
