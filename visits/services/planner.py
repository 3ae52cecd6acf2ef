"""The week planner's bulk actions: several entries confirmed or shifted at once, all or nothing.

Each entry goes through its own update service (``itinerary_item_update``,
``travel_leg_update``), so each one's history, calendar SEQUENCE and digest change are
recorded as if it had been edited alone.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..localtime import shift_local
from ..models import ItineraryItem, TravelLeg
from .itinerary import itinerary_item_update
from .legs import travel_leg_update


def _named(entry, error: ValidationError) -> ValidationError:
    """An entry's refusal, in words that say which entry it was."""
    return ValidationError(_("“%(title)s”: %(reason)s") % {"title": entry.title, "reason": " ".join(error.messages)})


def _each(entries, update) -> list:
    done = []
    for entry in entries:
        try:
            done.append(update(entry))
        except ValidationError as error:
            raise _named(entry, error) from error
    return done


@transaction.atomic
def itinerary_entries_confirm(entries, *, by) -> list:
    """Mark each of ``entries`` (items and legs of one visit) confirmed; cancelled ones are refused.

    Raises ``ValidationError`` naming the first entry refused, and then nothing is changed.
    """
    confirmed = ItineraryItem.Status.CONFIRMED

    def confirm(entry):
        if entry.status == ItineraryItem.Status.CANCELLED:
            raise ValidationError(_("it is cancelled; open it to bring it back first."))
        if entry.is_leg:
            return travel_leg_update(entry, by=by, status=confirmed)
        return itinerary_item_update(entry, by=by, status=confirmed)

    return _each(entries, confirm)


def shifted(moment: dt.datetime, zone, *, minutes: int, days: int) -> dt.datetime:
    """``moment`` moved by whole ``days`` at the same wall-clock time in ``zone``, then by ``minutes`` of real time."""
    return shift_local(moment, zone, days) + dt.timedelta(minutes=minutes)


@transaction.atomic
def itinerary_entries_shift(entries, *, minutes: int = 0, days: int = 0, by) -> list:
    """Move each of ``entries`` by ``days`` (same local time) and ``minutes``, keeping its length.

    A day keeps the wall-clock time in each end's own zone, across a daylight-saving change;
    minutes are real time. Raises ``ValidationError`` naming the first entry refused (e.g. one
    that would leave the visit's dates), and then nothing is changed.
    """

    def shift(entry):
        if isinstance(entry, TravelLeg):
            return travel_leg_update(
                entry,
                by=by,
                departs_at=shifted(entry.departs_at, entry.from_city.zone, minutes=minutes, days=days),
                arrives_at=shifted(entry.arrives_at, entry.to_city.zone, minutes=minutes, days=days),
            )
        zone = entry.city.zone
        return itinerary_item_update(
            entry,
            by=by,
            starts_at=shifted(entry.starts_at, zone, minutes=minutes, days=days),
            ends_at=shifted(entry.ends_at, zone, minutes=minutes, days=days),
        )

    return _each(entries, shift)
