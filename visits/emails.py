"""What the visit messages say: their template contexts and their calendar invitations.

The services in ``services/`` decide who gets which message and when; this module only
turns visits, items and changes into what the templates in ``templates/emails/`` show and
into iTIP parts.

How entries map onto messages: one email per delegate per event that concerns them (the
published itinerary, each digest), never one email per entry, so a 20-item itinerary is one
message in the inbox and not twenty. RFC 5546 gives an iTIP request one UID, and clients act
on one event per calendar object, so the email carries one ``text/calendar; method=...``
part per entry, each a complete iCalendar object with that entry's feed UID and SEQUENCE:
``REQUEST`` for an entry that is new or changed, ``CANCEL`` for one cancelled or removed.
A delegate's own travel and hotels (``visits.own_entries``) are invited like the rest, in
that delegate's messages only.
Clients that read invitations in attachments (Apple Calendar, Thunderbird, Outlook, Google
for the part it shows) add, move or remove each entry in place; the body lists the day
by day itinerary (or the digest's lines) for people, and the feed stays the live view.
"""

import datetime as dt
from email.utils import formataddr
from itertools import groupby

from django.conf import settings
from django.urls import reverse

from delegations.models import Participant
from delegations.tokens import unsubscribe_token

from .calendar import (
    invitation_calendar,
    item_invitation_event,
    leg_invitation_event,
    mail_address,
    removed_item_event,
)
from .models import ItineraryChange, ItineraryItem, StudyVisit, TravelLeg
from .own_entries import OwnEntry


def reply_to(visit: StudyVisit) -> str:
    """The visit's programme officers, as a Reply-To header: an answer to a message reaches people."""
    officers = visit.programme.officers.exclude(email="").order_by("pk")
    return ", ".join(formataddr((officer.get_full_name(), officer.email)) for officer in officers)


def unsubscribe_headers(participant: Participant, kind: str) -> dict[str, str]:
    """``List-Unsubscribe`` (a signed one-click link, in the active language) and ``List-Unsubscribe-Post``."""
    token = unsubscribe_token(participant, Participant.OPTIONAL_MAIL[kind])
    url = settings.SITE_URL + reverse("my:mail_unsubscribe", args=[token])
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def portal_url(visit: StudyVisit) -> str:
    """The visit's page in the portal, in the active language."""
    return settings.SITE_URL + visit.get_absolute_url()


def legs_for_member(legs: list[TravelLeg], participant) -> list[TravelLeg]:
    """Of a visit's legs (members prefetched), those ``participant`` travels on: the whole
    delegation's and the sub-groups' that list them."""
    return [
        leg
        for leg in legs
        if leg.whole_delegation or any(member.participant_id == participant.pk for member in leg.members.all())
    ]


def itinerary_days(items: list[ItineraryItem], legs: list[TravelLeg] = ()) -> list[tuple[dt.date, list]]:
    """Items and legs in time order, grouped by the day each starts on in its own (departure) city's zone."""
    entries = sorted([*items, *legs], key=lambda entry: (entry.starts_at, entry.ends_at, entry.is_leg, entry.pk))
    return [(day, list(day_items)) for day, day_items in groupby(entries, key=lambda entry: entry.local_start.date())]


def _invitation_part(event, *, method: str, participant, stamp: dt.datetime, filename: str) -> dict:
    attendee = mail_address(participant.email, name=participant.full_name, role="REQ-PARTICIPANT")
    calendar = invitation_calendar(event, method=method, attendee=attendee, stamp=stamp)
    return {"filename": filename, "mimetype": f"text/calendar; method={method}", "content": calendar.to_ical().decode()}


def _entry_event(entry: ItineraryItem | TravelLeg | OwnEntry):
    if isinstance(entry, OwnEntry):
        return entry.event()
    return leg_invitation_event(entry) if entry.is_leg else item_invitation_event(entry)


def _kind(entry) -> str:
    if isinstance(entry, OwnEntry):
        return entry.subject
    return "leg" if entry.is_leg else "item"


def _is_leg(entry) -> bool:
    return not isinstance(entry, OwnEntry) and entry.is_leg


def invitation_attachments(
    participant,
    *,
    requests: list,
    cancelled: list = (),
    removed: list[ItineraryChange] = (),
    audience: dict | None = None,
    member_pk: int | None = None,
    stamp: dt.datetime,
) -> list[dict]:
    """One iTIP part per entry (item, leg or own entry) for ``participant`` (see the module's note):
    requests, then cancellations. A leg is invited only to the members it carries
    (``legs_for_member``), an own entry (``OwnEntry``) only to its delegate.

    ``removed`` are the last changes of deleted entries, which give their UID, old times and SEQUENCE.
    ``audience`` (from ``digest_entries``) says whom each changed leg concerns; with the
    participant's ``member_pk`` it keeps a sub-group's removals to that sub-group.
    """

    def told(subject: str, pk: int) -> bool:
        return audience is None or concerns(audience.get((subject, pk)), member_pk)

    Subject = ItineraryChange.Subject
    # A member taken off a leg in this batch gets its cancellation: their copy must go.
    dropped = [entry for entry in requests if _is_leg(entry) and told(Subject.LEG, entry.pk)]
    requests = _theirs(requests, participant)
    dropped = [entry for entry in dropped if entry not in requests]
    cancelled = _theirs(cancelled, participant) + dropped
    removed = [change for change in removed if told(change.subject, change.item_pk)]
    parts = [
        _invitation_part(
            _entry_event(entry),
            method="REQUEST",
            participant=participant,
            stamp=stamp,
            filename=f"invitation-{_kind(entry)}-{entry.pk}.ics",
        )
        for entry in requests
    ]
    parts += [
        _invitation_part(
            _entry_event(entry),
            method="CANCEL",
            participant=participant,
            stamp=stamp,
            filename=f"cancellation-{_kind(entry)}-{entry.pk}.ics",
        )
        for entry in cancelled
    ]
    parts += [
        _invitation_part(
            removed_item_event(change),
            method="CANCEL",
            participant=participant,
            stamp=stamp,
            filename=f"cancellation-{change.subject}-{change.item_pk}.ics",
        )
        for change in removed
    ]
    return parts


def _theirs(entries: list, participant) -> list:
    """Items for everyone; legs only for the members they carry; own entries only for their delegate."""
    legs = legs_for_member([entry for entry in entries if _is_leg(entry)], participant)

    def theirs(entry) -> bool:
        if isinstance(entry, OwnEntry):
            return entry.participant_id == participant.pk
        return not entry.is_leg or entry in legs

    return [entry for entry in entries if theirs(entry)]


def digest_entries(changes: list[ItineraryChange], entries_now: dict[tuple[str, int], object]) -> dict[str, list]:
    """What a batch of changes asks of calendars: ``requests`` (items and legs new or changed),
    ``cancelled`` (cancelled, still in the itinerary) and ``removed`` (the last change of each deleted one).

    ``entries_now`` are the visit's items, legs and own entries now, by ``(subject, id)``. One added and gone
    within the batch was never invited and is left out, as in ``digest_lines``.
    """
    by_item: dict[tuple[str, int], list[ItineraryChange]] = {}
    for change in changes:
        by_item.setdefault((change.subject, change.item_pk), []).append(change)
    Action = ItineraryChange.Action
    entries = {"requests": [], "cancelled": [], "removed": [], "audience": {}}
    for item_pk, item_changes in by_item.items():
        first, last = item_changes[0], item_changes[-1]
        gone = last.action in (Action.CANCELLED, Action.DELETED)
        if first.action == Action.ADDED and gone:
            continue
        item = entries_now.get(item_pk)
        entries["audience"][item_pk] = _audience(item_changes)
        if item is None:
            entries["removed"].append(last)
        elif not isinstance(item, OwnEntry) and item.status == ItineraryItem.Status.CANCELLED:
            entries["cancelled"].append(item)
        else:
            entries["requests"].append(item)
    return entries


def _audience(changes: list[ItineraryChange]) -> set[int] | None:
    """The members a run of changes of one entry concerns; ``None`` for everyone."""
    if any(not change.audience for change in changes):
        return None
    return {pk for change in changes for pk in change.audience}


def concerns(audience: set[int] | None, member_pk: int | None) -> bool:
    return audience is None or member_pk in audience


def digest_lines(changes: list[ItineraryChange]) -> list[dict]:
    """The net effect of a batch of changes, one line per item, in the order the items were first touched.

    An item added and removed within the batch is not mentioned; one moved three times
    is "moved" from where it was before the batch to where it is now.
    """
    by_item: dict[tuple[str, int], list[ItineraryChange]] = {}
    for change in changes:
        by_item.setdefault((change.subject, change.item_pk), []).append(change)
    Action = ItineraryChange.Action
    lines = []
    for item_changes in by_item.values():
        first, last = item_changes[0], item_changes[-1]
        added = first.action == Action.ADDED
        gone = last.action in (Action.CANCELLED, Action.DELETED)
        if added and gone:
            continue
        if gone:
            kind = "cancelled"
        elif added:
            kind = "added"
        elif (first.old_starts_at, first.old_ends_at) != (last.new_starts_at, last.new_ends_at):
            kind = "moved"
        else:
            kind = "changed"
        lines.append(
            {
                "kind": kind,
                "subject": last.subject,
                "audience": _audience(item_changes),
                "title": last.title,
                "old_title": first.old_title if first.old_title != last.title else "",
                "city": last.city_name,
                "timezone": last.timezone,
                "old_timezone": first.old_timezone or last.timezone,
                "end_timezone": last.end_timezone or last.timezone,
                "old_end_timezone": first.old_end_timezone or first.old_timezone or last.end_timezone or last.timezone,
                "old_starts_at": first.old_starts_at,
                "old_ends_at": first.old_ends_at,
                "new_starts_at": last.new_starts_at,
                "new_ends_at": last.new_ends_at,
                "venue": last.new_venue,
            }
        )
    return lines
