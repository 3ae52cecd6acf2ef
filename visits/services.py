"""Workflows on visits: they change state and queue what must be said about it."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import City

from .localtime import shift_local
from .models import FollowUp, ItineraryItem, Programme, StudyVisit, Theme, VisitStop


@transaction.atomic
def visit_publish(visit: StudyVisit, *, by) -> StudyVisit:
    """Publish a draft visit: delegates can see its itinerary from now on.

    Changes the visit's status and publication time.
    """
    visit = StudyVisit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != StudyVisit.Status.DRAFT:
        raise ValidationError(_("Only a draft visit can be published."))
    visit.status = StudyVisit.Status.PUBLISHED
    visit.published_at = timezone.now()
    visit.full_clean()
    visit._change_reason = "published"
    visit.save()
    return visit


@transaction.atomic
def visit_unpublish(visit: StudyVisit, *, by) -> StudyVisit:
    """Take a published visit back to draft: delegates no longer see it."""
    visit = StudyVisit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != StudyVisit.Status.PUBLISHED:
        raise ValidationError(_("Only a published visit can be unpublished."))
    visit.status = StudyVisit.Status.DRAFT
    visit.published_at = None
    visit.full_clean()
    visit._change_reason = "unpublished"
    visit.save()
    return visit


def _write(obj, fields: dict, m2m: dict | None = None, *, reason: str = ""):
    """Set ``fields`` on ``obj``, validate the whole row, save it and then its many-to-many sets."""
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean()
    if reason:
        obj._change_reason = reason
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    return obj


@transaction.atomic
def programme_create(
    *, by, name: str, organiser, description: str = "", supporters=(), partner_networks=(), reminder_days=None
) -> Programme:
    """Create a programme; the officer who creates it is assigned to it."""
    programme = Programme(reminder_days=reminder_days if reminder_days is not None else [7, 1])
    _write(
        programme,
        {"name": name, "organiser": organiser, "description": description},
        {"supporters": supporters, "partner_networks": partner_networks},
    )
    programme.officers.add(by)
    return programme


@transaction.atomic
def programme_update(programme: Programme, *, by, supporters=(), partner_networks=(), **fields) -> Programme:
    """Change a programme's name, organiser, description, supporters, networks or reminder days."""
    return _write(programme, fields, {"supporters": supporters, "partner_networks": partner_networks})


@transaction.atomic
def visit_create(*, by, programme: Programme, themes=(), **fields) -> StudyVisit:
    """Create a draft visit in ``programme``."""
    return _write(StudyVisit(programme=programme, status=StudyVisit.Status.DRAFT), fields, {"themes": themes})


@transaction.atomic
def visit_update(visit: StudyVisit, *, by, themes=(), **fields) -> StudyVisit:
    """Change a visit's details; its status changes only through publish and unpublish."""
    fields.pop("status", None)
    return _write(visit, fields, {"themes": themes})


@transaction.atomic
def visit_stop_create(
    visit: StudyVisit, *, by, city: City, arrives_on: dt.date, departs_on: dt.date, position: int | None = None
) -> VisitStop:
    """Add a host city to a visit, by default after the last one."""
    if position is None:
        position = (visit.stops.aggregate(last=Max("position"))["last"] or 0) + 1
    stop = VisitStop(visit=visit)
    return _write(stop, {"city": city, "arrives_on": arrives_on, "departs_on": departs_on, "position": position})


@transaction.atomic
def visit_stop_update(stop: VisitStop, *, by, **fields) -> VisitStop:
    """Change a host city's city, order or dates."""
    return _write(stop, fields)


@transaction.atomic
def visit_stop_delete(stop: VisitStop, *, by) -> None:
    """Remove a host city from its visit; the itinerary items there stay."""
    stop.delete()


@transaction.atomic
def itinerary_item_create(visit: StudyVisit, *, by, host_organisations=(), themes=(), **fields) -> ItineraryItem:
    """Add an item to a visit's itinerary."""
    return _write(
        ItineraryItem(visit=visit),
        fields,
        {"host_organisations": host_organisations, "themes": themes},
        reason="added",
    )


@transaction.atomic
def itinerary_item_update(item: ItineraryItem, *, by, host_organisations=(), themes=(), **fields) -> ItineraryItem:
    """Change an itinerary item (its time, place, hosts, status or notes)."""
    return _write(item, fields, {"host_organisations": host_organisations, "themes": themes}, reason="changed")


@transaction.atomic
def itinerary_item_duplicate(item: ItineraryItem, *, by) -> ItineraryItem:
    """Copy an item, with its hosts and themes, at the same time: the officer then moves the copy."""
    copy = ItineraryItem.objects.get(pk=item.pk)
    copy.pk = None
    copy._state.adding = True
    return _write(
        copy,
        {"title": _("%(title)s (copy)") % {"title": item.title}, "status": ItineraryItem.Status.REQUESTED},
        {"host_organisations": list(item.host_organisations.all()), "themes": list(item.themes.all())},
        reason="duplicated",
    )


@transaction.atomic
def itinerary_item_delete(item: ItineraryItem, *, by) -> None:
    """Delete an item; its history keeps what it was."""
    item._change_reason = "deleted"
    item.delete()


@transaction.atomic
def visit_clone(visit: StudyVisit, *, by, title: str, starts_on: dt.date) -> StudyVisit:
    """Start the next visit from this one: a draft with the same programme, delegation, themes,
    host cities and itinerary, moved so that it starts on ``starts_on``.

    Each item keeps its wall-clock time in its city, whatever daylight saving does in between;
    items come back as requested, since the hosts have not yet confirmed the new dates.
    """
    days = (starts_on - visit.starts_on).days
    shift = dt.timedelta(days=days)
    clone = _write(
        StudyVisit(programme=visit.programme, status=StudyVisit.Status.DRAFT),
        {
            "title": title,
            "delegation": visit.delegation,
            "starts_on": starts_on,
            "ends_on": visit.ends_on + shift,
            "summary": visit.summary,
        },
        {"themes": list(visit.themes.all())},
        reason="cloned",
    )
    for stop in visit.stops.select_related("city"):
        _write(
            VisitStop(visit=clone),
            {
                "city": stop.city,
                "position": stop.position,
                "arrives_on": stop.arrives_on + shift,
                "departs_on": stop.departs_on + shift,
            },
        )
    for item in visit.itinerary_items.select_related("city").prefetch_related("host_organisations", "themes"):
        zone = item.city.zone
        copy = ItineraryItem(visit=clone)
        _write(
            copy,
            {
                "city": item.city,
                "kind": item.kind,
                "title": item.title,
                "venue": item.venue,
                "address": item.address,
                "starts_at": shift_local(item.starts_at, zone, days),
                "ends_at": shift_local(item.ends_at, zone, days),
                "status": ItineraryItem.Status.REQUESTED,
                "host_contact": item.host_contact,
                "description": item.description,
                "notes_for_delegates": item.notes_for_delegates,
            },
            {"host_organisations": list(item.host_organisations.all()), "themes": list(item.themes.all())},
            reason="cloned",
        )
    return clone


@transaction.atomic
def theme_save(theme: Theme | None, *, by, **fields) -> Theme:
    """Create a theme (``theme`` is None) or change one."""
    return _write(theme or Theme(), fields)


@transaction.atomic
def follow_up_create(visit: StudyVisit, *, by, themes=(), **fields) -> FollowUp:
    """Record a commitment made after ``visit``."""
    return _write(FollowUp(visit=visit), fields, {"themes": themes})


@transaction.atomic
def follow_up_update(follow_up: FollowUp, *, by, themes=(), **fields) -> FollowUp:
    """Change a follow-up: its owner, due date, status, outcome or themes."""
    return _write(follow_up, fields, {"themes": themes})


@transaction.atomic
def follow_up_set_status(follow_up: FollowUp, *, by, status: str) -> FollowUp:
    """Move a follow-up to another column of the board."""
    return _write(follow_up, {"status": status}, reason=f"status: {status}")
