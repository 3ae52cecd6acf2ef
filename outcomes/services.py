"""Follow-ups, meeting notes and lessons learned, membership outcomes, and the clock-driven messages about them."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from officers.history import history_user_set
from partners.models import NetworkMembership
from visits.models import StudyVisit
from visits.services import (
    home_zone,
    is_due,
    morning_on,
    participant_message_queue,
    visit_lessons_requests_queue,
    visit_reminders_queue,
    write_fields,
)

from .models import FollowUp, ItemNote, Lesson


def follow_up_reminders_queue(*, now: dt.datetime | None = None) -> int:
    """Queue reminders to owners of open follow-ups as their due dates come and pass.

    Owners are participants with an email; the reminders fall ``FOLLOW_UP_REMINDER_DAYS``
    days before the due date (negative: after), in the owner's morning. Returns how
    many were queued.
    """
    now = now or timezone.now()
    offsets = settings.FOLLOW_UP_REMINDER_DAYS
    window = 2 + settings.SCHEDULED_MESSAGE_CATCH_UP_HOURS // 24
    follow_ups = (
        FollowUp.objects.open()
        .filter(
            owner_participant__isnull=False,
            due_on__gte=now.date() + dt.timedelta(days=min(offsets) - window),
            due_on__lte=now.date() + dt.timedelta(days=max(offsets) + 1),
        )
        .exclude(owner_participant__email="")
        .select_related("visit", "owner_participant__home_city")
    )
    queued = 0
    for follow_up in follow_ups:
        participant = follow_up.owner_participant
        zone = home_zone(participant, dt.UTC)
        due = [days for days in offsets if is_due(morning_on(follow_up.due_on - dt.timedelta(days=days), zone), now)]
        if not due:
            continue
        days = min(due)
        with transaction.atomic():
            queued += participant_message_queue(
                participant,
                key=f"follow-up-reminder:{follow_up.pk}:{follow_up.due_on:%Y%m%d}:{days}",
                kind="follow_up_reminder",
                about=follow_up.visit,
                context={"visit": follow_up.visit, "follow_up": follow_up, "days_before": days, "overdue": days < 0},
            )
    return queued


def scheduled_messages_queue(*, now: dt.datetime | None = None) -> int:
    """Queue every clock-driven message that is due: reminders, lessons requests, follow-up reminders."""
    now = now or timezone.now()
    return visit_reminders_queue(now=now) + visit_lessons_requests_queue(now=now) + follow_up_reminders_queue(now=now)


@transaction.atomic
def item_note_create(item, *, by, discussed: str, met_with: str = ""):
    """Record what was discussed at an itinerary item and who met whom."""
    note = ItemNote(item=item, author=by, discussed=discussed, met_with=met_with)
    note.full_clean()
    history_user_set(note, by)
    note.save()
    return note


@transaction.atomic
def item_note_update(note, *, by, discussed: str, met_with: str = ""):
    """Change a meeting note's text; its history keeps the earlier wording."""
    note.discussed = discussed
    note.met_with = met_with
    note.full_clean()
    history_user_set(note, by)
    note.save()
    return note


@transaction.atomic
def lesson_create(visit: StudyVisit, *, by, theme, title: str, body: str = "", item=None):
    """Record a lesson learned on a visit under a theme."""
    lesson = Lesson(visit=visit, author=by, theme=theme, title=title, body=body, item=item)
    lesson.full_clean()
    history_user_set(lesson, by)
    lesson.save()
    return lesson


@transaction.atomic
def lesson_update(lesson, *, by, theme, title: str, body: str = "", item=None):
    """Change a lesson; its history keeps the earlier wording."""
    lesson.theme = theme
    lesson.title = title
    lesson.body = body
    lesson.item = item
    lesson.full_clean()
    history_user_set(lesson, by)
    lesson.save()
    return lesson


@transaction.atomic
def follow_up_record_membership(
    follow_up,
    *,
    by,
    status: str,
    since,
    network,
    city=None,
    role: str = "",
    notes: str = "",
    close: bool = False,
):
    """Record a city's new standing in a network as the outcome of a follow-up.

    Closes the city's open period in that network the day before ``since``, creates the new
    ``NetworkMembership`` and links it to the follow-up as its resulting membership. The city
    defaults to the follow-up's owner (a city, an organisation's city or a person's home city).
    With ``close``, an open or in-progress follow-up also moves to done (``follow_up_set_status``),
    so its history shows the link and then the status change.
    """
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    city = city or _follow_up_owner_city(follow_up)
    if city is None:
        raise ValidationError(_("Choose the city whose membership changes."))
    open_periods = list(
        NetworkMembership.objects.select_for_update().filter(city=city, network=network, until__isnull=True)
    )
    for period in open_periods:
        if period.since >= since:
            raise ValidationError(
                _("%(city)s already has a standing in %(network)s since %(since)s; choose a later date.")
                % {"city": city.name, "network": network.name, "since": period.since}
            )
        period.until = since - dt.timedelta(days=1)
        period.full_clean()
        period.save()
    membership = NetworkMembership(city=city, network=network, status=status, since=since, role=role, notes=notes)
    membership.full_clean()
    membership.save()
    follow_up.resulting_membership = membership
    follow_up.full_clean()
    history_user_set(follow_up, by)
    follow_up._change_reason = "network membership recorded"
    follow_up.save()
    if close and follow_up.status in FollowUp.OPEN_STATUSES:
        follow_up_set_status(follow_up, by=by, status=FollowUp.Status.DONE)
    return follow_up


def _follow_up_owner_city(follow_up):
    if follow_up.owner_city_id:
        return follow_up.owner_city
    if follow_up.owner_organisation_id:
        return follow_up.owner_organisation.city
    if follow_up.owner_participant_id:
        return follow_up.owner_participant.home_city
    return None


@transaction.atomic
def follow_up_create(visit: StudyVisit, *, by, themes=(), **fields) -> FollowUp:
    """Record a commitment made after ``visit``."""
    return write_fields(FollowUp(visit=visit), fields, {"themes": themes}, by=by)


@transaction.atomic
def follow_up_update(follow_up: FollowUp, *, by, themes=(), **fields) -> FollowUp:
    """Change a follow-up: its owner, due date, status, outcome or themes."""
    return write_fields(follow_up, fields, {"themes": themes}, by=by)


@transaction.atomic
def follow_up_set_status(follow_up: FollowUp, *, by, status: str) -> FollowUp:
    """Move a follow-up to another column of the board."""
    return write_fields(follow_up, {"status": status}, by=by, reason=f"status: {status}")
