"""The delegate's side: calendar feed links, last looks at an itinerary, own travel, hotels and letter
templates; safety check-ins and the requests for them; the officers' messages to a delegation."""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import AccountLanguage
from delegations.models import Participant
from delegations.tokens import token_new
from notifications.services import notification_queue, notification_render
from officers.history import history_user_set
from partners.models import City
from visits import emails
from visits.models import ItineraryChange, StudyVisit
from visits.services import own_entry_change_record

from .models import (
    Accommodation,
    CalendarFeedToken,
    CheckIn,
    CheckInLink,
    CheckInRequest,
    DelegationMessage,
    InvitationLetterTemplate,
    ItineraryLastSeen,
    PersonalTravel,
)
from .selectors import (
    CheckInLinkState,
    MessageRecipient,
    changes_still_marked,
    check_in_link_state,
    co_delegates_for_visit,
    delegation_message_audience,
    where_now_for_visit,
)


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
    visit: StudyVisit,
    *,
    participant: Participant,
    previous: dt.datetime | None,
    latest_change: dt.datetime | None,
    marked: list | None = None,
    first_seen: dict | None = None,
) -> dt.datetime | None:
    """Record a look at the itinerary when it matters; return when the participant last looked (``previous``).

    ``previous`` is the stored last look, read with the visit, and ``latest_change`` the items'
    latest ``updated_at``. When no item changed since that look and it is under
    ``LOOK_RESOLUTION`` old, nothing is written: the next look marks the same items either
    way, and the stored time stays that close to the truth. ``marked`` are the changes the page
    shows; those not in ``first_seen`` (``ItineraryLastSeen.changes_first_seen``) are recorded
    as first seen now, with the look before, so they stay marked for ``CHANGE_MARK_FOR``.
    """
    first_seen = first_seen or {}
    now = timezone.now()
    new = {str(change.pk): [now.isoformat(), previous.isoformat()] for change in marked or () if previous}
    new = {pk: stamps for pk, stamps in new.items() if pk not in first_seen}
    if new:
        kept = {pk: first_seen[pk] for pk in map(str, changes_still_marked(first_seen, now=now))}
        itinerary_seen(visit, participant=participant, changes_first_seen=kept | new)
        return previous
    unchanged = previous is not None and (latest_change is None or latest_change <= previous)
    if unchanged and now - previous < LOOK_RESOLUTION:
        return previous
    itinerary_seen(visit, participant=participant)
    return previous


def itinerary_seen(visit: StudyVisit, *, participant: Participant, changes_first_seen: dict | None = None) -> None:
    """Record that the participant opened the visit's itinerary now (their last look), and, when
    given, when they first saw each change still marked."""
    now = timezone.now()
    fields = {"seen_at": now}
    if changes_first_seen is not None:
        fields["changes_first_seen"] = changes_first_seen
    if connection.vendor == "postgresql":
        # One statement instead of a read and a write in a transaction: the page is opened often.
        table = connection.ops.quote_name(ItineraryLastSeen._meta.db_table)
        columns = ", ".join(fields)
        updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in fields)
        values = [
            ItineraryLastSeen._meta.get_field(name).get_db_prep_save(value, connection)
            for name, value in fields.items()
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (visit_id, participant_id, {columns}) "  # noqa: S608 - names are ours
                f"VALUES (%s, %s{', %s' * len(fields)}) ON CONFLICT (visit_id, participant_id) DO UPDATE SET {updates}",
                [visit.pk, participant.pk, *values],
            )
        return
    ItineraryLastSeen.objects.bulk_create(
        [ItineraryLastSeen(visit=visit, participant=participant, **fields)],
        update_conflicts=True,
        unique_fields=["visit", "participant"],
        update_fields=list(fields),
    )


# What a calendar's copy of an own entry shows of when and where: a change makes a new revision (SEQUENCE).
_TRAVEL_SEQUENCE_FIELDS = (
    "departure_place",
    "departure_timezone",
    "departs_at",
    "arrival_place",
    "arrival_timezone",
    "arrives_at",
)
_TRAVEL_TOLD_FIELDS = (*_TRAVEL_SEQUENCE_FIELDS, "direction", "mode", "carrier", "booking_reference", "notes")
_STAY_SEQUENCE_FIELDS = ("name", "address", "city_id", "check_in", "check_out")
_STAY_TOLD_FIELDS = (*_STAY_SEQUENCE_FIELDS, "phone", "booking_reference", "notes")


def _travel_snapshot(travel: PersonalTravel) -> dict:
    return {
        "title": f"{travel.carrier} {travel.departure_place} → {travel.arrival_place}".strip(),
        "city_name": "",
        "venue": travel.departure_place,
        "starts_at": travel.departs_at,
        "ends_at": travel.arrives_at,
        "timezone": travel.departure_timezone,
        "end_timezone": travel.arrival_timezone,
    }


def _stay_snapshot(stay: Accommodation) -> dict:
    """A stay's days as the local midnights of its check-in and check-out, in its city's zone."""
    zone = stay.city.zone
    return {
        "title": stay.name,
        "city_name": stay.city.name,
        "venue": stay.address,
        "starts_at": dt.datetime.combine(stay.check_in, dt.time.min, tzinfo=zone),
        "ends_at": dt.datetime.combine(stay.check_out, dt.time.min, tzinfo=zone),
        "timezone": stay.city.timezone,
        "end_timezone": stay.city.timezone,
    }


_OWN = {
    PersonalTravel: (ItineraryChange.Subject.TRAVEL, _TRAVEL_SEQUENCE_FIELDS, _TRAVEL_TOLD_FIELDS, _travel_snapshot),
    Accommodation: (ItineraryChange.Subject.STAY, _STAY_SEQUENCE_FIELDS, _STAY_TOLD_FIELDS, _stay_snapshot),
}


def _own_entry_save(entry: PersonalTravel | Accommodation, *, by):
    subject, sequence_fields, told_fields, snapshot = _OWN[type(entry)]
    before = type(entry).objects.select_for_update().filter(pk=entry.pk).first() if entry.pk else None
    if before is not None:
        entry.sequence = before.sequence + any(getattr(before, f) != getattr(entry, f) for f in sequence_fields)
    entry.full_clean()
    history_user_set(entry, by)
    entry.save()
    if before is None or any(getattr(before, f) != getattr(entry, f) for f in told_fields):
        own_entry_change_record(
            entry.visit,
            participant=entry.participant,
            subject=subject,
            pk=entry.pk,
            action=ItineraryChange.Action.ADDED if before is None else ItineraryChange.Action.CHANGED,
            before=snapshot(before) if before is not None else None,
            after=snapshot(entry),
            sequence=entry.sequence,
            by=by,
        )
    return entry


def _own_entry_delete(entry: PersonalTravel | Accommodation, *, by) -> None:
    subject, _sequence_fields, _told_fields, snapshot = _OWN[type(entry)]
    entry = type(entry).objects.select_for_update().get(pk=entry.pk)
    own_entry_change_record(
        entry.visit,
        participant=entry.participant,
        subject=subject,
        pk=entry.pk,
        action=ItineraryChange.Action.DELETED,
        before=snapshot(entry),
        after=None,
        sequence=entry.sequence + 1,
        by=by,
    )
    history_user_set(entry, by)
    entry.delete()


@transaction.atomic
def personal_travel_save(travel: PersonalTravel, *, by) -> PersonalTravel:
    """Create or update one member's own travel leg (history records who changed it).

    A change of time or place raises its calendar ``sequence``; on a published visit the
    addition or change is recorded for that member's next itinerary digest (their REQUEST).
    """
    return _own_entry_save(travel, by=by)


@transaction.atomic
def personal_travel_delete(travel: PersonalTravel, *, by) -> None:
    """Delete one member's own travel leg; on a published visit their next digest cancels it (CANCEL)."""
    _own_entry_delete(travel, by=by)


@transaction.atomic
def accommodation_save(stay: Accommodation, *, by) -> Accommodation:
    """Create or update one member's hotel stay (history records who changed it).

    A change of dates or place raises its calendar ``sequence``; on a published visit the
    addition or change is recorded for that member's next itinerary digest (their REQUEST).
    """
    return _own_entry_save(stay, by=by)


@transaction.atomic
def accommodation_delete(stay: Accommodation, *, by) -> None:
    """Delete one member's hotel stay; on a published visit their next digest cancels it (CANCEL)."""
    _own_entry_delete(stay, by=by)


@transaction.atomic
def invitation_letter_template_save(template: InvitationLetterTemplate, *, by) -> InvitationLetterTemplate:
    """Create or update a programme's invitation letter in one language."""
    template.full_clean()
    history_user_set(template, by)
    template.save()
    return template


# A check-in request's links work this long; after that the delegate signs in to answer.
CHECK_IN_LINK_VALID_FOR = dt.timedelta(hours=48)


@transaction.atomic
def check_in_request_send(
    visit: StudyVisit, *, by, scope: str, city: City | None = None, now: dt.datetime | None = None
) -> CheckInRequest:
    """Ask a visit's delegates whether they are safe: every invited or confirmed member with an
    email, or (``scope="city"``) those the itinerary puts in ``city`` now.

    Writes the request and one one-time link per addressed delegate (only its hash), and queues
    each a ``check_in_request`` email in their language (key ``check-in-request:<request>:<participant>``),
    in this transaction. Refuses (``ValidationError``) when nobody would be asked.
    """
    now = now or timezone.now()
    request = CheckInRequest(
        visit=visit,
        by=by,
        scope=scope,
        city=city if scope == CheckInRequest.Scope.CITY else None,
        expires_at=now + CHECK_IN_LINK_VALID_FOR,
    )
    request.full_clean()
    participants = [m.participant for m in co_delegates_for_visit(visit).select_related("participant__home_city")]
    participants = [p for p in participants if p.email]
    if request.scope == CheckInRequest.Scope.CITY:
        where = where_now_for_visit(visit, participants, now=now)
        participants = [p for p in participants if where[p.pk].city is not None and where[p.pk].city.pk == city.pk]
    if not participants:
        raise ValidationError(_("No delegate with an email address is there to ask."))
    request.save()
    for participant in participants:
        token, hashed = token_new()
        link = CheckInLink(request=request, participant=participant, token_hash=hashed)
        link.full_clean()
        link.save()
        language = participant.preferred_language or settings.LANGUAGE_CODE
        with override(language):
            url = settings.SITE_URL + reverse("check_ins:answer", args=[token])
        context = {"participant": participant, "visit": visit, "link": url, "request": request, "city": city}
        notification_queue(
            key=f"check-in-request:{request.pk}:{participant.pk}",
            kind="check_in_request",
            to_email=participant.email,
            to_name=participant.full_name,
            language=language,
            about=visit,
            **notification_render("check_in_request", language=language, context=context),
        )
    return request


@transaction.atomic
def check_in_record(
    visit: StudyVisit,
    participant: Participant,
    *,
    status: str,
    message: str = "",
    request: CheckInRequest | None = None,
    now: dt.datetime | None = None,
) -> CheckIn:
    """Record a delegate's "I'm safe" or "I need help", at the place the itinerary has them now.

    "I need help" queues a ``check_in_alert`` email to every officer of the visit's programme
    with an email (key ``check-in-alert:<check-in>:<officer>``), in this transaction.
    """
    now = now or timezone.now()
    where = where_now_for_visit(visit, [participant], now=now)[participant.pk]
    check_in = CheckIn(
        visit=visit,
        participant=participant,
        request=request,
        status=status,
        message=message.strip(),
        place=where.place[:200],
        city=where.city,
    )
    check_in.full_clean()
    check_in.save()
    if check_in.status == CheckIn.Status.NEEDS_HELP:
        officers = visit.programme.officers.filter(is_active=True).exclude(email="").order_by("pk")
        chosen = dict(AccountLanguage.objects.filter(user__in=officers).values_list("user_id", "language"))
        for officer in officers:
            language = chosen.get(officer.pk, settings.LANGUAGE_CODE)
            with override(language):
                board = settings.SITE_URL + reverse("check_ins:board", args=[visit.pk])
            context = {"officer": officer, "check_in": check_in, "participant": participant, "visit": visit}
            notification_queue(
                key=f"check-in-alert:{check_in.pk}:{officer.pk}",
                kind="check_in_alert",
                to_email=officer.email,
                to_name=officer.get_full_name(),
                language=language,
                about=visit,
                **notification_render("check_in_alert", language=language, context={**context, "link": board}),
            )
    return check_in


@transaction.atomic
def check_in_link_answer(link: CheckInLink, *, status: str, message: str = "") -> CheckIn:
    """Answer a request through its one-time link: marks the link used and records the check-in.

    Refuses (``ValidationError``) a link already used or expired.
    """
    now = timezone.now()
    link = CheckInLink.objects.select_for_update().select_related("request__visit", "participant").get(pk=link.pk)
    if check_in_link_state(link, now=now) != CheckInLinkState.VALID:
        raise ValidationError(_("This check-in link can no longer be used."))
    link.used_at = now
    link.save(update_fields=["used_at"])
    return check_in_record(
        link.request.visit, link.participant, status=status, message=message, request=link.request, now=now
    )


# --- Messages from the officers to a visit's delegation ---


@dataclass(frozen=True)
class MessagePlan:
    """What a message to the delegation would do: who gets it in which language, who is skipped, and
    one rendered sample per language used; ``fingerprint`` names exactly that, for the confirmation."""

    message: DelegationMessage
    recipients: list[tuple[MessageRecipient, str]]  # (recipient, language of the text they get)
    skipped: list[MessageRecipient]
    samples: dict[str, dict]
    fingerprint: str


def _message_language(message: DelegationMessage, participant: Participant) -> str:
    return message.text_in(participant.preferred_language or settings.LANGUAGE_CODE)[0]


def _delegation_message_render(message: DelegationMessage, participant: Participant, *, language: str) -> dict:
    _language, subject, body = message.text_in(language)
    sender = (message.by.get_full_name() or message.by.email) if message.by else ""
    context = {
        "participant": participant,
        "visit": message.visit,
        "subject": subject,
        "body": body,
        "sender": sender,
    }
    with override(language):
        context["portal_url"] = emails.portal_url(message.visit)
    return notification_render("delegation_message", language=language, context=context)


def delegation_message_plan(message: DelegationMessage, *, now: dt.datetime | None = None) -> MessagePlan:
    """Who an unsaved ``message`` would reach, and how it reads; writes nothing.

    Raises ``ValidationError`` (by field) when the message is not complete: a language with a
    subject but no text, no language at all, the role or city missing for those audiences.
    """
    message.full_clean()
    audience = delegation_message_audience(
        message.visit, audience=message.audience, role=message.role, city=message.city, now=now or timezone.now()
    )
    recipients = [(r, _message_language(message, r.participant)) for r in audience if not r.skipped]
    samples = {}
    for recipient, language in recipients:
        if language not in samples:
            samples[language] = {
                "to": recipient.participant.full_name,
                **_delegation_message_render(message, recipient.participant, language=language),
            }
    shown = [
        sorted((r.participant.pk, language) for r, language in recipients),
        [message.subject_en, message.body_en, message.subject_fr, message.body_fr],
    ]
    return MessagePlan(
        message=message,
        recipients=recipients,
        skipped=[r for r in audience if r.skipped],
        samples=dict(sorted(samples.items())),
        fingerprint=hashlib.sha256(json.dumps(shown).encode()).hexdigest(),
    )


@transaction.atomic
def delegation_message_send(
    message: DelegationMessage, *, previewed: str, now: dt.datetime | None = None
) -> DelegationMessage:
    """Send an officer's message to the delegation as previewed: saves the record and queues one
    ``delegation_message`` email per recipient (key ``delegation-message:<message>:<participant>``),
    in the language of the text they get (theirs, else the other), Reply-To the programme's officers.

    Mandatory mail, like the itinerary: it is the officers speaking, not a reminder to opt out of.
    Refuses (``ValidationError``, nothing saved or queued) when the recipients or the text are no
    longer what the preview named by ``previewed`` showed, or when nobody can be written to.
    Members without an address or with a bounced one are skipped and recorded.
    """
    plan = delegation_message_plan(message, now=now)
    if plan.fingerprint != previewed:
        raise ValidationError(
            _(
                "The recipients or the text have changed since the preview: nothing was sent. "
                "Check the new preview, then send."
            )
        )
    if not plan.recipients:
        raise ValidationError(_("Nobody with a working email address is among the chosen delegates."))
    message.recipient_count = len(plan.recipients)
    message.skipped = [
        {
            "participant": r.participant.pk,  # so that erasure finds them (privacy.services.participant_erase)
            "name": r.participant.full_name,
            "email": r.participant.email,
            "reason": str(r.skipped),
        }
        for r in plan.skipped
    ]
    message.full_clean()
    message.save()
    headers = {"Reply-To": reply_to} if (reply_to := emails.reply_to(message.visit)) else {}
    for recipient, language in plan.recipients:
        participant = recipient.participant
        notification_queue(
            key=f"delegation-message:{message.pk}:{participant.pk}",
            kind="delegation_message",
            to_email=participant.email,
            to_name=participant.full_name,
            language=language,
            about=message.visit,
            headers=headers,
            **_delegation_message_render(message, participant, language=language),
        )
    return message
