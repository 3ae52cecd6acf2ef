"""Programmes, visits, their host-city stops and themes; cloning a visit as the next one."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from officers.history import history_user_set
from partners.models import City

from ..localtime import shift_local
from ..models import ItineraryItem, Programme, StudyVisit, Theme, TravelLeg, VisitStop


def write_fields(obj, fields: dict, m2m: dict | None = None, *, by=None, reason: str = ""):
    """Set ``fields`` on ``obj``, validate the whole row, save it and then its many-to-many sets.

    On a model with history, the records of the save and of the sets name ``by`` and ``reason``.
    """
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean()
    if reason:
        obj._change_reason = reason
    history_user_set(obj, by)
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
    write_fields(
        programme,
        {"name": name, "organiser": organiser, "description": description},
        {"supporters": supporters, "partner_networks": partner_networks},
    )
    programme.officers.add(by)
    return programme


@transaction.atomic
def programme_update(programme: Programme, *, supporters=(), partner_networks=(), **fields) -> Programme:
    """Change a programme's name, organiser, description, supporters, networks or reminder days."""
    return write_fields(programme, fields, {"supporters": supporters, "partner_networks": partner_networks})


@transaction.atomic
def programme_officer_add(programme: Programme, *, email: str, by) -> tuple[object, bool]:
    """Make the account with ``email`` an officer of ``programme``, creating it if there is none.

    A new account has no usable password: returns ``(user, needs_password)`` so the caller sends
    allauth's password-reset email, whose link sets one (there is still no open sign-up). An
    existing account that never set a password needs it too. Staff-only and superuser accounts
    are added like any other. Queues nothing.
    """
    email = email.strip().lower()
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is None:
        user = User(username=email, email=email)
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
    elif not user.is_active:
        raise ValidationError(
            _("The account of %(email)s is switched off: ask an administrator to switch it on.") % {"email": email}
        )
    if programme.officers.filter(pk=user.pk).exists():
        raise ValidationError(_("%(email)s is already an officer of this programme.") % {"email": user.email})
    programme.officers.add(user)
    return user, not user.has_usable_password()


@transaction.atomic
def programme_officer_remove(programme: Programme, *, officer, by) -> None:
    """Take ``officer`` off ``programme``'s team; the last officer stays (a programme needs someone)."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if not programme.officers.filter(pk=officer.pk).exists():
        raise ValidationError(_("%(email)s is not an officer of this programme.") % {"email": officer.email})
    if programme.officers.count() == 1:
        raise ValidationError(
            _("%(email)s is the last officer of this programme: add another officer before removing them.")
            % {"email": officer.email}
        )
    programme.officers.remove(officer)


@transaction.atomic
def visit_create(*, by, programme: Programme, themes=(), **fields) -> StudyVisit:
    """Create a draft visit in ``programme``."""
    return write_fields(
        StudyVisit(programme=programme, status=StudyVisit.Status.DRAFT), fields, {"themes": themes}, by=by
    )


@transaction.atomic
def visit_update(visit: StudyVisit, *, by, themes=(), **fields) -> StudyVisit:
    """Change a visit's details; its status changes only through publish and unpublish."""
    fields.pop("status", None)
    return write_fields(visit, fields, {"themes": themes}, by=by)


@transaction.atomic
def visit_stop_create(
    visit: StudyVisit, *, city: City, arrives_on: dt.date, departs_on: dt.date, position: int | None = None
) -> VisitStop:
    """Add a host city to a visit, by default after the last one."""
    if position is None:
        position = (visit.stops.aggregate(last=Max("position"))["last"] or 0) + 1
    stop = VisitStop(visit=visit)
    return write_fields(stop, {"city": city, "arrives_on": arrives_on, "departs_on": departs_on, "position": position})


@transaction.atomic
def visit_stop_update(stop: VisitStop, **fields) -> VisitStop:
    """Change a host city's city, order or dates."""
    return write_fields(stop, fields)


@transaction.atomic
def visit_stop_delete(stop: VisitStop) -> None:
    """Remove a host city from its visit; the itinerary items there stay."""
    stop.delete()


@transaction.atomic
def visit_clone(visit: StudyVisit, *, by, title: str, starts_on: dt.date) -> StudyVisit:
    """Start the next visit from this one: a draft with the same programme, delegation, themes,
    host cities and itinerary, moved so that it starts on ``starts_on``.

    Each item keeps its wall-clock time in its city, whatever daylight saving does in between;
    items come back as requested, since the hosts have not yet confirmed the new dates.
    Travel legs come along the same way, each end at its wall-clock time in its own city.
    Cancelled items and legs are left out; how many is on the clone as ``cancelled_left_out``.
    """
    days = (starts_on - visit.starts_on).days
    shift = dt.timedelta(days=days)
    # Leave room for the whole visit and a day of time-zone slack before the calendar ends.
    if starts_on > dt.date.max - (visit.ends_on - visit.starts_on) - dt.timedelta(days=2):
        raise ValidationError({"starts_on": _("Choose a start date that leaves room for the whole visit.")})
    clone = write_fields(
        StudyVisit(programme=visit.programme, status=StudyVisit.Status.DRAFT),
        {
            "title": title,
            "delegation": visit.delegation,
            "starts_on": starts_on,
            "ends_on": visit.ends_on + shift,
            "summary": visit.summary,
        },
        {"themes": list(visit.themes.all())},
        by=by,
        reason="cloned",
    )
    for stop in visit.stops.select_related("city"):
        write_fields(
            VisitStop(visit=clone),
            {
                "city": stop.city,
                "position": stop.position,
                "arrives_on": stop.arrives_on + shift,
                "departs_on": stop.departs_on + shift,
            },
        )
    items = list(visit.itinerary_items.select_related("city").prefetch_related("host_organisations", "themes"))
    clone.cancelled_left_out = sum(item.status == ItineraryItem.Status.CANCELLED for item in items)
    for item in items:
        if item.status == ItineraryItem.Status.CANCELLED:
            continue
        zone = item.city.zone
        copy = ItineraryItem(visit=clone)
        write_fields(
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
                "host_contact_role": item.host_contact_role,
                "host_contact_phone": item.host_contact_phone,
                "host_contact_shared": item.host_contact_shared,
                "description": item.description,
                "notes_for_delegates": item.notes_for_delegates,
            },
            {"host_organisations": list(item.host_organisations.all()), "themes": list(item.themes.all())},
            by=by,
            reason="cloned",
        )
    legs = list(visit.legs.select_related("from_city", "to_city").prefetch_related("members"))
    clone.cancelled_left_out += sum(leg.status == TravelLeg.Status.CANCELLED for leg in legs)
    for leg in legs:
        if leg.status == TravelLeg.Status.CANCELLED:
            continue
        # Each end keeps its wall-clock time in its own city: 11:00 CST out, 14:15 EST in.
        write_fields(
            TravelLeg(visit=clone),
            {
                "kind": leg.kind,
                "from_city": leg.from_city,
                "from_place": leg.from_place,
                "to_city": leg.to_city,
                "to_place": leg.to_place,
                "departs_at": shift_local(leg.departs_at, leg.from_city.zone, days),
                "arrives_at": shift_local(leg.arrives_at, leg.to_city.zone, days),
                "carrier": leg.carrier,
                "reference": leg.reference,
                "notes_for_delegates": leg.notes_for_delegates,
                "status": TravelLeg.Status.REQUESTED,
                "whole_delegation": leg.whole_delegation,
            },
            {"members": list(leg.members.all())},
            by=by,
            reason="cloned",
        )
    return clone


@transaction.atomic
def theme_save(theme: Theme | None, **fields) -> Theme:
    """Create a theme (``theme`` is None) or change one."""
    return write_fields(theme or Theme(), fields)
