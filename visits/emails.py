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

from .calendar import invitation_calendar, item_invitation_event, mail_address, removed_item_event
from .models import ItineraryChange, ItineraryItem, StudyVisit


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


def itinerary_days(items: list[ItineraryItem]) -> list[tuple[dt.date, list[ItineraryItem]]]:
    """Items grouped by their day in their own city's zone."""
    return [(day, list(day_items)) for day, day_items in groupby(items, key=lambda item: item.local_start.date())]


def _invitation_part(event, *, method: str, participant, stamp: dt.datetime, filename: str) -> dict:
    attendee = mail_address(participant.email, name=participant.full_name, role="REQ-PARTICIPANT")
    calendar = invitation_calendar(event, method=method, attendee=attendee, stamp=stamp)
    return {"filename": filename, "mimetype": f"text/calendar; method={method}", "content": calendar.to_ical().decode()}


def invitation_attachments(
    participant,
    *,
    requests: list[ItineraryItem],
    cancelled: list[ItineraryItem] = (),
    removed: list[ItineraryChange] = (),
    stamp: dt.datetime,
) -> list[dict]:
    """One iTIP part per entry for ``participant`` (see the module's note): requests, then cancellations.

    ``removed`` are the last changes of deleted items, which give their UID, old times and SEQUENCE.
    """
    parts = [
        _invitation_part(
            item_invitation_event(item),
            method="REQUEST",
            participant=participant,
            stamp=stamp,
            filename=f"invitation-item-{item.pk}.ics",
        )
        for item in requests
    ]
    parts += [
        _invitation_part(
            item_invitation_event(item),
            method="CANCEL",
            participant=participant,
            stamp=stamp,
            filename=f"cancellation-item-{item.pk}.ics",
        )
        for item in cancelled
    ]
    parts += [
        _invitation_part(
            removed_item_event(change),
            method="CANCEL",
            participant=participant,
            stamp=stamp,
            filename=f"cancellation-item-{change.item_pk}.ics",
        )
        for change in removed
    ]
    return parts


def digest_entries(changes: list[ItineraryChange], items: dict[int, ItineraryItem]) -> dict[str, list]:
    """What a batch of changes asks of calendars: ``requests`` (items new or changed), ``cancelled``
    (items cancelled, still in the itinerary) and ``removed`` (the last change of each deleted item).

    ``items`` are the visit's items now, by id. An item added and gone within the batch was never
    invited and is left out, as in ``digest_lines``.
    """
    by_item: dict[int, list[ItineraryChange]] = {}
    for change in changes:
        by_item.setdefault(change.item_pk, []).append(change)
    Action = ItineraryChange.Action
    entries = {"requests": [], "cancelled": [], "removed": []}
    for item_pk, item_changes in by_item.items():
        first, last = item_changes[0], item_changes[-1]
        gone = last.action in (Action.CANCELLED, Action.DELETED)
        if first.action == Action.ADDED and gone:
            continue
        item = items.get(item_pk)
        if item is None:
            entries["removed"].append(last)
        elif item.status == ItineraryItem.Status.CANCELLED:
            entries["cancelled"].append(item)
        else:
            entries["requests"].append(item)
    return entries


def digest_lines(changes: list[ItineraryChange]) -> list[dict]:
    """The net effect of a batch of changes, one line per item, in the order the items were first touched.

    An item added and removed within the batch is not mentioned; one moved three times
    is "moved" from where it was before the batch to where it is now.
    """
    by_item: dict[int, list[ItineraryChange]] = {}
    for change in changes:
        by_item.setdefault(change.item_pk, []).append(change)
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
                "title": last.title,
                "old_title": first.old_title if first.old_title != last.title else "",
                "city": last.city_name,
                "timezone": last.timezone,
                "old_timezone": first.old_timezone or last.timezone,
                "old_starts_at": first.old_starts_at,
                "old_ends_at": first.old_ends_at,
                "new_starts_at": last.new_starts_at,
                "new_ends_at": last.new_ends_at,
                "venue": last.new_venue,
            }
        )
    return lines
