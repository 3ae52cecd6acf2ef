"""The delegate's side: calendar feed links, last looks at an itinerary, own travel, hotels and letter templates."""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from delegations.models import Participant
from delegations.tokens import token_new
from officers.history import history_user_set
from visits.models import StudyVisit

from .models import Accommodation, CalendarFeedToken, InvitationLetterTemplate, ItineraryLastSeen, PersonalTravel


@transaction.atomic
def calendar_feed_token_create(participant: Participant, *, by) -> tuple[CalendarFeedToken, str]:
    """Give the participant a new calendar feed link, revoking the one they had.

    Returns the row and the token; the token is not stored, so show it now or never.
    """
    Participant.objects.select_for_update().filter(pk=participant.pk).first()
    calendar_feed_token_revoke(participant)
    token, hashed = token_new()
    feed = CalendarFeedToken(participant=participant, token_hash=hashed, created_by=by)
    feed.full_clean()
    feed.save()
    return feed, token


@transaction.atomic
def calendar_feed_token_revoke(participant: Participant) -> int:
    """Revoke the participant's calendar feed link: calendars subscribed to it stop updating."""
    return CalendarFeedToken.objects.filter(participant=participant, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


# A look that changes nothing is written at most this often (see itinerary_look_record).
LOOK_RESOLUTION = dt.timedelta(minutes=5)


def itinerary_look_record(
    visit: StudyVisit, *, participant: Participant, previous: dt.datetime | None, latest_change: dt.datetime | None
) -> dt.datetime | None:
    """Record a look at the itinerary when it matters; return when the participant last looked (``previous``).

    ``previous`` is the stored last look, read with the visit, and ``latest_change`` the items'
    latest ``updated_at``. When no item changed since that look and it is under
    ``LOOK_RESOLUTION`` old, nothing is written: the next look marks the same items either
    way, and the stored time stays that close to the truth.
    """
    unchanged = previous is not None and (latest_change is None or latest_change <= previous)
    if unchanged and timezone.now() - previous < LOOK_RESOLUTION:
        return previous
    itinerary_seen(visit, participant=participant)
    return previous


def itinerary_seen(visit: StudyVisit, *, participant: Participant) -> None:
    """Record that the participant opened the visit's itinerary now (their last look)."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        # One statement instead of a read and a write in a transaction: the page is opened often.
        table = connection.ops.quote_name(ItineraryLastSeen._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (visit_id, participant_id, seen_at) VALUES (%s, %s, %s) "  # noqa: S608
                "ON CONFLICT (visit_id, participant_id) DO UPDATE SET seen_at = EXCLUDED.seen_at",
                [visit.pk, participant.pk, now],
            )
        return
    ItineraryLastSeen.objects.bulk_create(
        [ItineraryLastSeen(visit=visit, participant=participant, seen_at=now)],
        update_conflicts=True,
        unique_fields=["visit", "participant"],
        update_fields=["seen_at"],
    )


@transaction.atomic
def personal_travel_save(travel: PersonalTravel, *, by) -> PersonalTravel:
    """Create or update one member's own travel leg (history records who changed it)."""
    travel.full_clean()
    history_user_set(travel, by)
    travel.save()
    return travel


@transaction.atomic
def accommodation_save(stay: Accommodation, *, by) -> Accommodation:
    """Create or update one member's hotel stay (history records who changed it)."""
    stay.full_clean()
    history_user_set(stay, by)
    stay.save()
    return stay


@transaction.atomic
def invitation_letter_template_save(template: InvitationLetterTemplate, *, by) -> InvitationLetterTemplate:
    """Create or update a programme's invitation letter in one language."""
    template.full_clean()
    history_user_set(template, by)
    template.save()
    return template
