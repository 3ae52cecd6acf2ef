"""Messages the clock makes due about visits: reminders before, lessons-learned requests after."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from delegations.models import DelegationMember, Participant

from .. import emails
from ..models import ItineraryItem, StudyVisit
from ..selectors import itinerary_for_visit
from .publishing import live_legs, participant_message_queue


def morning_on(day: dt.date, zone) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(settings.NOTIFICATION_LOCAL_HOUR), tzinfo=zone)


def home_zone(participant: Participant, fallback):
    return participant.home_zone or fallback


def is_due(moment: dt.datetime, now: dt.datetime) -> bool:
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
            zone = home_zone(participant, _first_zone(visit))
            if now >= dt.datetime.combine(visit.starts_on, dt.time(0), tzinfo=zone):
                continue
            due = [
                days
                for days in visit.programme.reminder_days
                if is_due(morning_on(visit.starts_on - dt.timedelta(days=days), zone), now)
            ]
            if due:
                queued += _reminder_queue(visit, participant, days=min(due))
    return queued


@transaction.atomic
def _reminder_queue(visit: StudyVisit, participant: Participant, *, days: int) -> int:
    items = list(itinerary_for_visit(visit).exclude(status=ItineraryItem.Status.CANCELLED))
    return participant_message_queue(
        participant,
        key=f"visit-reminder:{visit.pk}:{visit.starts_on:%Y%m%d}:{days}:{participant.pk}",
        kind="visit_reminder",
        about=visit,
        context={
            "visit": visit,
            "days_before": days,
            "days": emails.itinerary_days(items, emails.legs_for_member(live_legs(visit), participant)),
        },
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
            zone = home_zone(participant, _first_zone(visit))
            if is_due(morning_on(visit.ends_on + after, zone), now):
                with transaction.atomic():
                    queued += participant_message_queue(
                        participant,
                        key=f"visit-lessons:{visit.pk}:{participant.pk}",
                        kind="visit_lessons_request",
                        about=visit,
                        context={"visit": visit},
                    )
    return queued
