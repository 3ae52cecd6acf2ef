"""What the visit messages say: their template contexts and the itinerary's .ics attachment.

The services in ``services.py`` decide who gets which message and when; this module only
turns visits, items and changes into what the templates in ``templates/emails/`` show.
"""

import datetime as dt
from itertools import groupby

from django.conf import settings

from .calendar import calendar_for_items
from .models import ItineraryChange, ItineraryItem, StudyVisit, TravelLeg


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


def calendar_attachment(visit: StudyVisit, items: list[ItineraryItem], legs: list[TravelLeg] = ()) -> dict:
    return {
        "filename": f"itinerary-{visit.pk}.ics",
        "mimetype": "text/calendar",
        "content": calendar_for_items(items, name=visit.title, legs=legs).to_ical().decode(),
    }


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
