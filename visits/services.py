"""Workflows on visits: they change state and queue what must be said about it."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from delegations.models import Participant
from delegations.tokens import token_new

from .models import (
    Accommodation,
    CalendarFeedToken,
    InvitationLetterTemplate,
    ItineraryLastSeen,
    PersonalTravel,
    StudyVisit,
)


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


@transaction.atomic
def calendar_feed_token_create(participant: Participant, *, by) -> tuple[CalendarFeedToken, str]:
    """Give the participant a new calendar feed link, revoking the one they had.

    Returns the row and the token; the token is not stored, so show it now or never.
    """
    Participant.objects.select_for_update().filter(pk=participant.pk).first()
    calendar_feed_token_revoke(participant, by=by)
    token, hashed = token_new()
    feed = CalendarFeedToken(participant=participant, token_hash=hashed, created_by=by)
    feed.full_clean()
    feed.save()
    return feed, token


@transaction.atomic
def calendar_feed_token_revoke(participant: Participant, *, by) -> int:
    """Revoke the participant's calendar feed link: calendars subscribed to it stop updating."""
    return CalendarFeedToken.objects.filter(participant=participant, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def itinerary_seen(visit: StudyVisit, *, participant: Participant) -> dt.datetime | None:
    """Record that the participant opened the visit's itinerary now; return when they last had, if ever."""
    now = timezone.now()
    previous = (
        ItineraryLastSeen.objects.filter(visit=visit, participant=participant).values_list("seen_at", flat=True).first()
    )
    ItineraryLastSeen.objects.bulk_create(
        [ItineraryLastSeen(visit=visit, participant=participant, seen_at=now)],
        update_conflicts=True,
        unique_fields=["visit", "participant"],
        update_fields=["seen_at"],
    )
    return previous


@transaction.atomic
def personal_travel_save(travel: PersonalTravel, *, by) -> PersonalTravel:
    """Create or update one member's own travel leg (history records who changed it)."""
    travel.full_clean()
    travel.save()
    return travel


@transaction.atomic
def accommodation_save(stay: Accommodation, *, by) -> Accommodation:
    """Create or update one member's hotel stay (history records who changed it)."""
    stay.full_clean()
    stay.save()
    return stay


@transaction.atomic
def invitation_letter_template_save(template: InvitationLetterTemplate, *, by) -> InvitationLetterTemplate:
    """Create or update a programme's invitation letter in one language."""
    template.full_clean()
    template.save()
    return template
