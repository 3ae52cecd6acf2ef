"""Workflows on visits: they change state and queue what must be said about it."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from delegations.models import Participant
from delegations.tokens import token_new
from partners.models import NetworkMembership

from .models import (
    Accommodation,
    CalendarFeedToken,
    FollowUp,
    InvitationLetterTemplate,
    ItemNote,
    ItineraryLastSeen,
    Lesson,
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


@transaction.atomic
def item_note_create(item, *, by, discussed: str, met_with: str = ""):
    """Record what was discussed at an itinerary item and who met whom."""
    note = ItemNote(item=item, author=by, discussed=discussed, met_with=met_with)
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def item_note_update(note, *, by, discussed: str, met_with: str = ""):
    """Change a meeting note's text; its history keeps the earlier wording."""
    note.discussed = discussed
    note.met_with = met_with
    note.full_clean()
    note._history_user = by
    note.save()
    return note


@transaction.atomic
def lesson_create(visit: StudyVisit, *, by, theme, title: str, body: str = "", item=None):
    """Record a lesson learned on a visit under a theme."""
    lesson = Lesson(visit=visit, author=by, theme=theme, title=title, body=body, item=item)
    lesson.full_clean()
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
    lesson._history_user = by
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
):
    """Record a city's new standing in a network as the outcome of a follow-up.

    Closes the city's open period in that network the day before ``since``, creates the new
    ``NetworkMembership`` and links it to the follow-up as its resulting membership. The city
    defaults to the follow-up's owner (a city, an organisation's city or a person's home city).
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
    follow_up._history_user = by
    follow_up._change_reason = "network membership recorded"
    follow_up.save()
    return follow_up


def _follow_up_owner_city(follow_up):
    if follow_up.owner_city_id:
        return follow_up.owner_city
    if follow_up.owner_organisation_id:
        return follow_up.owner_organisation.city
    if follow_up.owner_participant_id:
        return follow_up.owner_participant.home_city
    return None
