"""The itinerary item services: every change of a published visit's itinerary is recorded for its digest."""

from django.db import transaction
from django.utils.translation import gettext as _

from officers.history import history_user_set

from ..models import ItineraryChange, ItineraryItem, StudyVisit, TravelLeg
from .programmes import write_fields

_ITEM_M2M_FIELDS = ("host_organisations", "themes")
# What delegates are told about when it changes on a published visit.
_TOLD_FIELDS = ("city_id", "title", "venue", "address", "starts_at", "ends_at", "status", "kind", "notes_for_delegates")
# What makes a calendar entry a new revision (its SEQUENCE goes up): when, where, and whether it happens.
_SEQUENCE_FIELDS = ("city_id", "venue", "address", "starts_at", "ends_at")


@transaction.atomic
def itinerary_item_create(visit: StudyVisit, *, by, **fields) -> ItineraryItem:
    """Add an item to ``visit`` from ``fields`` (e.g. a ModelForm's ``cleaned_data``).

    ``fields`` are ItineraryItem fields (``city``, ``title``, ``starts_at``, ...);
    ``host_organisations`` and ``themes`` may be given as iterables. Validates with
    ``full_clean`` (a ``ValidationError`` changes nothing). On a published visit, records
    the addition for the next itinerary digest.
    """
    fields.pop("visit", None)
    m2m = {name: fields.pop(name) for name in _ITEM_M2M_FIELDS if name in fields}
    item = ItineraryItem(visit=visit, **fields)
    item.full_clean()
    item._change_reason = "created"
    history_user_set(item, by)
    item.save()
    for name, values in m2m.items():
        getattr(item, name).set(values)
    change_record(item, action=ItineraryChange.Action.ADDED, before=None, by=by)
    return item


@transaction.atomic
def itinerary_item_update(item: ItineraryItem, *, by, **fields) -> ItineraryItem:
    """Change an item's fields (e.g. a ModelForm's ``cleaned_data``), validated with ``full_clean``.

    On a published visit, records what changed (a move keeps the old times; setting the
    status to cancelled is recorded as a cancellation) for the next itinerary digest.
    A change of time, city, venue or address, a cancellation or its reversal raises the
    item's calendar ``sequence``.
    """
    item = ItineraryItem.objects.select_for_update().select_related("city", "visit").get(pk=item.pk)
    fields.pop("visit", None)
    m2m = {name: fields.pop(name) for name in _ITEM_M2M_FIELDS if name in fields}
    before = _item_snapshot(item)
    for name, value in fields.items():
        setattr(item, name, value)
    if item_revised(before, item):
        item.sequence += 1
    item.full_clean()
    item._change_reason = "updated"
    history_user_set(item, by)
    item.save()
    for name, values in m2m.items():
        getattr(item, name).set(values)
    if item.status == ItineraryItem.Status.CANCELLED and before["status"] != ItineraryItem.Status.CANCELLED:
        change_record(item, action=ItineraryChange.Action.CANCELLED, before=before, by=by)
    elif any(before[name] != getattr(item, name) for name in _TOLD_FIELDS):
        change_record(item, action=ItineraryChange.Action.CHANGED, before=before, by=by)
    return item


def itinerary_item_cancel(item: ItineraryItem, *, by) -> ItineraryItem:
    """Mark an item cancelled (it stays in the itinerary, struck through); recorded for the digest."""
    return itinerary_item_update(item, by=by, status=ItineraryItem.Status.CANCELLED)


@transaction.atomic
def itinerary_item_duplicate(item: ItineraryItem, *, by) -> ItineraryItem:
    """Copy an item, with its hosts and themes, at the same time: the officer then moves the copy."""
    copy = ItineraryItem.objects.get(pk=item.pk)
    copy.pk = None
    copy._state.adding = True
    copy.sequence = 0
    write_fields(
        copy,
        {"title": _("%(title)s (copy)") % {"title": item.title}, "status": ItineraryItem.Status.REQUESTED},
        {"host_organisations": list(item.host_organisations.all()), "themes": list(item.themes.all())},
        by=by,
        reason="duplicated",
    )
    change_record(copy, action=ItineraryChange.Action.ADDED, before=None, by=by)
    return copy


@transaction.atomic
def itinerary_item_delete(item: ItineraryItem, *, by) -> None:
    """Delete an item; on a published visit its removal is recorded for the next digest."""
    item = ItineraryItem.objects.select_for_update().select_related("city", "visit").get(pk=item.pk)
    if item.status != ItineraryItem.Status.CANCELLED:
        change_record(item, action=ItineraryChange.Action.DELETED, before=_item_snapshot(item), by=by)
    history_user_set(item, by)
    item.delete()


def item_revised(before: dict, item) -> bool:
    """Whether a change from the snapshot ``before`` makes a new calendar revision of ``item``."""
    cancelled = ItineraryItem.Status.CANCELLED
    if (before["status"] == cancelled) != (item.status == cancelled):
        return True
    return any(before[name] != getattr(item, name) for name in _SEQUENCE_FIELDS)


def _item_snapshot(item: ItineraryItem) -> dict:
    snapshot = {name: getattr(item, name) for name in _TOLD_FIELDS}
    snapshot["timezone"] = item.city.timezone
    snapshot["city_name"] = item.city.name
    return snapshot


def _leg_audience(leg: TravelLeg, before: dict) -> list[int]:
    """The members a change of ``leg`` concerns: those on it before or after; ``[]`` for everyone."""
    states = [(leg.whole_delegation, [member.pk for member in leg.members.all()])]
    if before.get("members"):
        states.append(before["members"])
    if any(whole for whole, _ids in states):
        return []
    return sorted({pk for _whole, ids in states for pk in ids})


def change_record(item: ItineraryItem | TravelLeg, *, action: str, before: dict | None, by) -> ItineraryChange | None:
    """Record an edit of a published visit's item or leg for the next digest; nothing on a draft."""
    visit = item.visit
    if visit.status != StudyVisit.Status.PUBLISHED:
        return None
    before = before or {}
    gone = action == ItineraryChange.Action.DELETED
    if isinstance(item, TravelLeg):
        where = {"audience": _leg_audience(item, before)}
        where |= {
            "subject": ItineraryChange.Subject.LEG,
            "timezone": item.from_city.timezone,
            "end_timezone": item.to_city.timezone,
            "old_end_timezone": before.get("end_timezone", ""),
            "city_name": item.from_city.name,
            "new_venue": "" if gone else item.from_place,
        }
    else:
        where = {"timezone": item.city.timezone, "city_name": item.city.name, "new_venue": "" if gone else item.venue}
    return ItineraryChange.objects.create(
        visit=visit,
        item_pk=item.pk,
        action=action,
        title=item.title,
        old_title=before.get("title", ""),
        old_starts_at=before.get("starts_at"),
        old_ends_at=before.get("ends_at"),
        old_timezone=before.get("timezone", ""),
        old_venue=before.get("venue", ""),
        old_city_name=before.get("city_name", ""),
        old_address=before.get("address", ""),
        new_starts_at=None if gone else item.starts_at,
        new_ends_at=None if gone else item.ends_at,
        sequence=item.sequence + 1 if gone else item.sequence,
        by=by if getattr(by, "pk", None) else None,
        **where,
    )


def own_entry_change_record(
    visit: StudyVisit,
    *,
    participant,
    subject: str,
    pk: int,
    action: str,
    before: dict | None,
    after: dict | None,
    sequence: int,
    by,
) -> ItineraryChange | None:
    """Record an edit of one delegate's own entry (``subject`` travel or stay) for their next digest.

    ``before`` and ``after`` are the entry's snapshots (``title``, ``city_name``, ``venue``,
    ``starts_at``, ``ends_at``, ``timezone``, ``end_timezone``; ``None`` when it did not or no
    longer exists), ``sequence`` its calendar SEQUENCE after the edit. Only that member is
    told (the change's audience); nothing is recorded on a draft visit or for someone not in
    its delegation.
    """
    visit = StudyVisit.objects.get(pk=visit.pk)  # its status now, whatever the caller's copy says
    if visit.status != StudyVisit.Status.PUBLISHED or visit.delegation_id is None:
        return None
    member_pk = visit.delegation.members.filter(participant=participant).values_list("pk", flat=True).first()
    if member_pk is None:
        return None
    before, after = before or {}, after or {}
    now = after or before
    return ItineraryChange.objects.create(
        visit=visit,
        item_pk=pk,
        subject=subject,
        action=action,
        audience=[member_pk],
        title=now["title"],
        city_name=now["city_name"],
        timezone=now["timezone"],
        end_timezone=now["end_timezone"],
        old_title=before.get("title", ""),
        old_starts_at=before.get("starts_at"),
        old_ends_at=before.get("ends_at"),
        old_timezone=before.get("timezone", ""),
        old_end_timezone=before.get("end_timezone", ""),
        old_venue=before.get("venue", ""),
        new_starts_at=after.get("starts_at"),
        new_ends_at=after.get("ends_at"),
        new_venue=after.get("venue", ""),
        sequence=sequence,
        by=by if getattr(by, "pk", None) else None,
    )
