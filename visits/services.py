"""Workflows on visits: they change state and queue what must be said about it.

Every message is written to the outbox (``notifications.services.notification_queue``)
in the same transaction as the change that causes it, with a key that makes it unique,
and handed to Celery only after commit. Messages that depend on the clock (reminders,
digests, follow-ups) are found by the beat tasks in ``tasks.py`` scanning the database.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from delegations.models import DelegationMember, Participant
from notifications.services import notification_queue, notification_render
from officers.history import history_user_set
from partners.models import City

from . import emails
from .localtime import shift_local
from .models import ItineraryChange, ItineraryItem, Programme, StudyVisit, Theme, TravelLeg, VisitStop
from .selectors import itinerary_for_visit


@transaction.atomic
def visit_publish(visit: StudyVisit, *, by) -> StudyVisit:
    """Publish a draft visit: delegates can see its itinerary from now on.

    Changes the visit's status and publication time, and queues one "itinerary
    published" message (itinerary in the body, .ics attached, portal link) to every
    confirmed member of the delegation who has an email address.
    """
    visit = StudyVisit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != StudyVisit.Status.DRAFT:
        raise ValidationError(_("Only a draft visit can be published."))
    visit.status = StudyVisit.Status.PUBLISHED
    visit.published_at = timezone.now()
    visit.full_clean()
    visit._change_reason = "published"
    history_user_set(visit, by)
    visit.save()
    # Edits made before publication are part of what is published, not news.
    visit.itinerary_changes.filter(digested_at__isnull=True).update(digested_at=visit.published_at)
    _itinerary_published_queue(visit)
    return visit


@transaction.atomic
def visit_unpublish(visit: StudyVisit, *, by) -> StudyVisit:
    """Take a published visit back to draft: delegates no longer see it.

    Drops itinerary changes not yet told in a digest; publishing again sends the whole itinerary.
    """
    visit = StudyVisit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != StudyVisit.Status.PUBLISHED:
        raise ValidationError(_("Only a published visit can be unpublished."))
    visit.status = StudyVisit.Status.DRAFT
    visit.published_at = None
    visit.full_clean()
    visit._change_reason = "unpublished"
    history_user_set(visit, by)
    visit.save()
    visit.itinerary_changes.filter(digested_at__isnull=True).delete()
    return visit


def _confirmed_participants(visit: StudyVisit) -> list[Participant]:
    if visit.delegation_id is None:
        return []
    members = (
        DelegationMember.objects.filter(delegation_id=visit.delegation_id, status=DelegationMember.Status.CONFIRMED)
        .exclude(participant__email="")
        .select_related("participant__home_city")
        .order_by("participant__last_name", "participant__first_name", "pk")
    )
    return [member.participant for member in members]


def _queue_to(participant: Participant, *, key: str, kind: str, about, context: dict, attachments=None) -> bool:
    """Queue one message to one participant in their language; ``False`` if that key was already queued."""
    language = participant.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {**context, "participant": participant}
        if "visit" in context:
            context["portal_url"] = emails.portal_url(context["visit"])
        _notification, created = notification_queue(
            key=key,
            kind=kind,
            to_email=participant.email,
            to_name=participant.full_name,
            language=language,
            about=about,
            attachments=attachments,
            **notification_render(kind, language=language, context=context),
        )
    return created


def _itinerary_published_queue(visit: StudyVisit) -> int:
    items = list(itinerary_for_visit(visit).exclude(status=ItineraryItem.Status.CANCELLED))
    attachment = emails.calendar_attachment(visit, items)
    context = {"visit": visit, "days": emails.itinerary_days(items)}
    stamp = visit.published_at.strftime("%Y%m%dT%H%M%S%f")
    return sum(
        _queue_to(
            participant,
            key=f"itinerary-published:{visit.pk}:{stamp}:{participant.pk}",
            kind="itinerary_published",
            about=visit,
            context=context,
            attachments=[attachment],
        )
        for participant in _confirmed_participants(visit)
    )


_ITEM_M2M_FIELDS = ("host_organisations", "themes")


_TOLD_FIELDS = ("city_id", "title", "venue", "address", "starts_at", "ends_at", "status", "kind", "notes_for_delegates")


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
    _change_record(item, action=ItineraryChange.Action.ADDED, before=None, by=by)
    return item


@transaction.atomic
def itinerary_item_update(item: ItineraryItem, *, by, **fields) -> ItineraryItem:
    """Change an item's fields (e.g. a ModelForm's ``cleaned_data``), validated with ``full_clean``.

    On a published visit, records what changed (a move keeps the old times; setting the
    status to cancelled is recorded as a cancellation) for the next itinerary digest.
    """
    item = ItineraryItem.objects.select_for_update().select_related("city", "visit").get(pk=item.pk)
    fields.pop("visit", None)
    m2m = {name: fields.pop(name) for name in _ITEM_M2M_FIELDS if name in fields}
    before = _item_snapshot(item)
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    item._change_reason = "updated"
    history_user_set(item, by)
    item.save()
    for name, values in m2m.items():
        getattr(item, name).set(values)
    if item.status == ItineraryItem.Status.CANCELLED and before["status"] != ItineraryItem.Status.CANCELLED:
        _change_record(item, action=ItineraryChange.Action.CANCELLED, before=before, by=by)
    elif any(before[name] != getattr(item, name) for name in _TOLD_FIELDS):
        _change_record(item, action=ItineraryChange.Action.CHANGED, before=before, by=by)
    return item


def itinerary_item_cancel(item: ItineraryItem, *, by) -> ItineraryItem:
    """Mark an item cancelled (it stays in the itinerary, struck through); recorded for the digest."""
    return itinerary_item_update(item, by=by, status=ItineraryItem.Status.CANCELLED)


def _write(obj, fields: dict, m2m: dict | None = None, *, by=None, reason: str = ""):
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
    _write(
        programme,
        {"name": name, "organiser": organiser, "description": description},
        {"supporters": supporters, "partner_networks": partner_networks},
    )
    programme.officers.add(by)
    return programme


@transaction.atomic
def programme_update(programme: Programme, *, supporters=(), partner_networks=(), **fields) -> Programme:
    """Change a programme's name, organiser, description, supporters, networks or reminder days."""
    return _write(programme, fields, {"supporters": supporters, "partner_networks": partner_networks})


@transaction.atomic
def visit_create(*, by, programme: Programme, themes=(), **fields) -> StudyVisit:
    """Create a draft visit in ``programme``."""
    return _write(StudyVisit(programme=programme, status=StudyVisit.Status.DRAFT), fields, {"themes": themes}, by=by)


@transaction.atomic
def visit_update(visit: StudyVisit, *, by, themes=(), **fields) -> StudyVisit:
    """Change a visit's details; its status changes only through publish and unpublish."""
    fields.pop("status", None)
    return _write(visit, fields, {"themes": themes}, by=by)


@transaction.atomic
def visit_stop_create(
    visit: StudyVisit, *, city: City, arrives_on: dt.date, departs_on: dt.date, position: int | None = None
) -> VisitStop:
    """Add a host city to a visit, by default after the last one."""
    if position is None:
        position = (visit.stops.aggregate(last=Max("position"))["last"] or 0) + 1
    stop = VisitStop(visit=visit)
    return _write(stop, {"city": city, "arrives_on": arrives_on, "departs_on": departs_on, "position": position})


@transaction.atomic
def visit_stop_update(stop: VisitStop, **fields) -> VisitStop:
    """Change a host city's city, order or dates."""
    return _write(stop, fields)


@transaction.atomic
def visit_stop_delete(stop: VisitStop) -> None:
    """Remove a host city from its visit; the itinerary items there stay."""
    stop.delete()


@transaction.atomic
def itinerary_item_duplicate(item: ItineraryItem, *, by) -> ItineraryItem:
    """Copy an item, with its hosts and themes, at the same time: the officer then moves the copy."""
    copy = ItineraryItem.objects.get(pk=item.pk)
    copy.pk = None
    copy._state.adding = True
    _write(
        copy,
        {"title": _("%(title)s (copy)") % {"title": item.title}, "status": ItineraryItem.Status.REQUESTED},
        {"host_organisations": list(item.host_organisations.all()), "themes": list(item.themes.all())},
        by=by,
        reason="duplicated",
    )
    _change_record(copy, action=ItineraryChange.Action.ADDED, before=None, by=by)
    return copy


@transaction.atomic
def itinerary_item_delete(item: ItineraryItem, *, by) -> None:
    """Delete an item; on a published visit its removal is recorded for the next digest."""
    item = ItineraryItem.objects.select_for_update().select_related("city", "visit").get(pk=item.pk)
    if item.status != ItineraryItem.Status.CANCELLED:
        _change_record(item, action=ItineraryChange.Action.DELETED, before=_item_snapshot(item), by=by)
    history_user_set(item, by)
    item.delete()


def _item_snapshot(item: ItineraryItem) -> dict:
    snapshot = {name: getattr(item, name) for name in _TOLD_FIELDS}
    snapshot["timezone"] = item.city.timezone
    return snapshot


def _change_record(item: ItineraryItem | TravelLeg, *, action: str, before: dict | None, by) -> ItineraryChange | None:
    """Record an edit of a published visit's item or leg for the next digest; nothing on a draft."""
    visit = item.visit
    if visit.status != StudyVisit.Status.PUBLISHED:
        return None
    before = before or {}
    gone = action == ItineraryChange.Action.DELETED
    if isinstance(item, TravelLeg):
        where = {
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
        new_starts_at=None if gone else item.starts_at,
        new_ends_at=None if gone else item.ends_at,
        by=by if getattr(by, "pk", None) else None,
        **where,
    )


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
        end_timezone=leg.to_city.timezone,
        venue=leg.from_place,
        members=sorted(member.pk for member in leg.members.all()),
    )
    return snapshot


def _leg_members_check(visit: StudyVisit, members) -> list:
    members = list(members or [])
    if any(member.delegation_id != visit.delegation_id for member in members):
        raise ValidationError({"members": _("Choose members of this visit's delegation.")})
    return members


@transaction.atomic
def travel_leg_create(visit: StudyVisit, *, by, members=(), **fields) -> TravelLeg:
    """Add a travel leg to ``visit`` (for the whole delegation, or for ``members`` only).

    ``fields`` are TravelLeg fields (``kind``, ``from_city``, ``departs_at``, ...). Validated
    with ``full_clean``; a leg outside the visit's days is allowed. On a published visit,
    records the addition for the next itinerary digest.
    """
    fields.pop("visit", None)
    members = _leg_members_check(visit, members)
    leg = TravelLeg(visit=visit, **fields)
    leg.full_clean()
    leg._change_reason = "created"
    history_user_set(leg, by)
    leg.save()
    leg.members.set(members)
    _change_record(leg, action=ItineraryChange.Action.ADDED, before=None, by=by)
    return leg


@transaction.atomic
def travel_leg_update(leg: TravelLeg, *, by, members=None, **fields) -> TravelLeg:
    """Change a leg's fields (and, when given, who travels), validated with ``full_clean``.

    On a published visit, records what changed (old times kept; a new cancelled status is
    recorded as a cancellation) for the next itinerary digest.
    """
    leg = TravelLeg.objects.select_for_update().select_related("visit", "from_city", "to_city").get(pk=leg.pk)
    fields.pop("visit", None)
    before = _leg_snapshot(leg)
    for name, value in fields.items():
        setattr(leg, name, value)
    leg.full_clean()
    leg._change_reason = "updated"
    history_user_set(leg, by)
    leg.save()
    if members is not None:
        leg.members.set(_leg_members_check(leg.visit, members))
    after = _leg_snapshot(leg)
    if leg.status == TravelLeg.Status.CANCELLED and before["status"] != TravelLeg.Status.CANCELLED:
        _change_record(leg, action=ItineraryChange.Action.CANCELLED, before=before, by=by)
    elif any(before[name] != after[name] for name in (*_LEG_TOLD_FIELDS, "members")):
        _change_record(leg, action=ItineraryChange.Action.CHANGED, before=before, by=by)
    return leg


def travel_leg_cancel(leg: TravelLeg, *, by) -> TravelLeg:
    """Mark a leg cancelled (it stays in the itinerary, struck through); recorded for the digest."""
    return travel_leg_update(leg, by=by, status=TravelLeg.Status.CANCELLED)


@transaction.atomic
def travel_leg_delete(leg: TravelLeg, *, by) -> None:
    """Delete a leg; on a published visit its removal is recorded for the next digest."""
    leg = TravelLeg.objects.select_for_update().select_related("visit", "from_city", "to_city").get(pk=leg.pk)
    if leg.status != TravelLeg.Status.CANCELLED:
        _change_record(leg, action=ItineraryChange.Action.DELETED, before=_leg_snapshot(leg), by=by)
    history_user_set(leg, by)
    leg.delete()


def itinerary_digests_queue(*, now: dt.datetime | None = None) -> int:
    """Queue a digest for every visit whose itinerary changes have been quiet long enough.

    Returns how many messages were queued. Quiet means the latest pending change is
    older than ``ITINERARY_DIGEST_QUIET_MINUTES``, so ten quick edits make one digest.
    """
    now = now or timezone.now()
    quiet_since = now - dt.timedelta(minutes=settings.ITINERARY_DIGEST_QUIET_MINUTES)
    visit_ids = (
        ItineraryChange.objects.filter(digested_at__isnull=True)
        .values("visit")
        .annotate(last_change=Max("changed_at"))
        .filter(last_change__lte=quiet_since)
        .values_list("visit", flat=True)
    )
    return sum(visit_itinerary_digest_queue(visit_id, now=now) for visit_id in list(visit_ids))


@transaction.atomic
def visit_itinerary_digest_queue(visit_id: int, *, now: dt.datetime) -> int:
    """Tell a visit's pending itinerary changes in one digest per confirmed member, and mark them told.

    The message key names the batch's last change, so the same batch is never sent
    twice, even by two beat processes racing. Returns how many messages were queued.
    """
    visit = StudyVisit.objects.select_for_update().get(pk=visit_id)
    changes = list(
        visit.itinerary_changes.filter(digested_at__isnull=True).select_for_update().order_by("changed_at", "pk")
    )
    quiet_since = now - dt.timedelta(minutes=settings.ITINERARY_DIGEST_QUIET_MINUTES)
    if not changes or changes[-1].changed_at > quiet_since:
        return 0
    queued = 0
    lines = emails.digest_lines(changes)
    if lines and visit.status == StudyVisit.Status.PUBLISHED:
        batch = changes[-1].pk
        for participant in _confirmed_participants(visit):
            queued += _queue_to(
                participant,
                key=f"itinerary-digest:{visit.pk}:{batch}:{participant.pk}",
                kind="itinerary_digest",
                about=visit,
                context={"visit": visit, "lines": lines},
            )
    ItineraryChange.objects.filter(pk__in=[change.pk for change in changes]).update(digested_at=now)
    return queued


def _morning(day: dt.date, zone) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(settings.NOTIFICATION_LOCAL_HOUR), tzinfo=zone)


def _home_zone(participant: Participant, fallback):
    return participant.home_zone or fallback


def _is_due(moment: dt.datetime, now: dt.datetime) -> bool:
    return moment <= now < moment + dt.timedelta(hours=settings.SCHEDULED_MESSAGE_CATCH_UP_HOURS)


def _visits_with_members(visits):
    confirmed = DelegationMember.objects.filter(status=DelegationMember.Status.CONFIRMED).exclude(participant__email="")
    return visits.select_related("programme", "delegation").prefetch_related(
        "stops__city",
        Prefetch(
            "delegation__members", queryset=confirmed.select_related("participant__home_city"), to_attr="confirmed"
        ),
    )


def _first_zone(visit: StudyVisit):
    stops = list(visit.stops.all())
    return stops[0].city.zone if stops else dt.UTC


def visit_reminders_queue(*, now: dt.datetime | None = None) -> int:
    """Queue the reminders before published visits that are due now.

    A member is reminded ``Programme.reminder_days`` days before the visit starts, at
    ``NOTIFICATION_LOCAL_HOUR`` in their home city's zone; when several reminders are
    due (the beat was down), only the nearest to the visit is sent. Returns how many
    were queued.
    """
    now = now or timezone.now()
    today = now.date()
    visits = _visits_with_members(
        StudyVisit.objects.filter(
            status=StudyVisit.Status.PUBLISHED, starts_on__gte=today, starts_on__lte=today + dt.timedelta(days=366)
        )
    )
    queued = 0
    for visit in visits:
        for member in visit.delegation.confirmed if visit.delegation else []:
            participant = member.participant
            zone = _home_zone(participant, _first_zone(visit))
            if now >= dt.datetime.combine(visit.starts_on, dt.time(0), tzinfo=zone):
                continue
            due = [
                days
                for days in visit.programme.reminder_days
                if _is_due(_morning(visit.starts_on - dt.timedelta(days=days), zone), now)
            ]
            if due:
                queued += _reminder_queue(visit, participant, days=min(due))
    return queued


@transaction.atomic
def _reminder_queue(visit: StudyVisit, participant: Participant, *, days: int) -> int:
    items = list(itinerary_for_visit(visit).exclude(status=ItineraryItem.Status.CANCELLED))
    return _queue_to(
        participant,
        key=f"visit-reminder:{visit.pk}:{visit.starts_on:%Y%m%d}:{days}:{participant.pk}",
        kind="visit_reminder",
        about=visit,
        context={"visit": visit, "days_before": days, "days": emails.itinerary_days(items)},
    )


def visit_lessons_requests_queue(*, now: dt.datetime | None = None) -> int:
    """Queue the request for lessons learned and follow-up reports after each visit.

    Sent ``LESSONS_REQUEST_DAYS_AFTER_VISIT`` days after the visit ends, in each member's
    morning. Returns how many were queued.
    """
    now = now or timezone.now()
    after = dt.timedelta(days=settings.LESSONS_REQUEST_DAYS_AFTER_VISIT)
    window = dt.timedelta(days=2 + settings.SCHEDULED_MESSAGE_CATCH_UP_HOURS // 24)
    visits = _visits_with_members(
        StudyVisit.objects.filter(
            status__in=[StudyVisit.Status.PUBLISHED, StudyVisit.Status.COMPLETED],
            ends_on__gte=now.date() - after - window,
            ends_on__lte=now.date() - after + dt.timedelta(days=1),
        )
    )
    queued = 0
    for visit in visits:
        for member in visit.delegation.confirmed if visit.delegation else []:
            participant = member.participant
            zone = _home_zone(participant, _first_zone(visit))
            if _is_due(_morning(visit.ends_on + after, zone), now):
                with transaction.atomic():
                    queued += _queue_to(
                        participant,
                        key=f"visit-lessons:{visit.pk}:{participant.pk}",
                        kind="visit_lessons_request",
                        about=visit,
                        context={"visit": visit},
                    )
    return queued


@transaction.atomic
def visit_clone(visit: StudyVisit, *, by, title: str, starts_on: dt.date) -> StudyVisit:
    """Start the next visit from this one: a draft with the same programme, delegation, themes,
    host cities and itinerary, moved so that it starts on ``starts_on``.

    Each item keeps its wall-clock time in its city, whatever daylight saving does in between;
    items come back as requested, since the hosts have not yet confirmed the new dates.
    """
    days = (starts_on - visit.starts_on).days
    shift = dt.timedelta(days=days)
    # Leave room for the whole visit and a day of time-zone slack before the calendar ends.
    if starts_on > dt.date.max - (visit.ends_on - visit.starts_on) - dt.timedelta(days=2):
        raise ValidationError({"starts_on": _("Choose a start date that leaves room for the whole visit.")})
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
        by=by,
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
            by=by,
            reason="cloned",
        )
    return clone


@transaction.atomic
def theme_save(theme: Theme | None, **fields) -> Theme:
    """Create a theme (``theme`` is None) or change one."""
    return _write(theme or Theme(), fields)
