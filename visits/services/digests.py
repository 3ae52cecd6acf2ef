"""Change digests: a published itinerary's edits, told to each confirmed member once they have gone quiet."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .. import emails
from ..models import ItineraryChange, StudyVisit
from ..own_entries import own_entries_for_visit
from ..selectors import itinerary_for_visit, legs_for_visit
from .publishing import confirmed_participants, participant_message_queue


def itinerary_digests_queue(*, now: dt.datetime | None = None) -> int:
    """Queue a digest for every visit whose itinerary changes have been quiet long enough.

    Returns how many messages were queued. Quiet means the latest pending change is
    older than ``ITINERARY_DIGEST_QUIET_MINUTES``, so ten quick edits make one digest.
    """
    now = now or timezone.now()
    quiet_since = now - dt.timedelta(minutes=settings.ITINERARY_DIGEST_QUIET_MINUTES)
    visit_ids = (
        ItineraryChange.objects.filter(digested_at__isnull=True)
        .values("visit")
        .annotate(last_change=Max("changed_at"))
        .filter(last_change__lte=quiet_since)
        .values_list("visit", flat=True)
    )
    return sum(visit_itinerary_digest_queue(visit_id, now=now) for visit_id in list(visit_ids))


@transaction.atomic
def visit_itinerary_digest_queue(visit_id: int, *, now: dt.datetime, wait_for_quiet: bool = True) -> int:
    """Tell a visit's pending itinerary changes in one digest per confirmed member, and mark them told.

    The message key names the batch's last change, so the same batch is never sent
    twice, even by two beat processes racing. Each digest carries an iTIP part per entry
    it tells of (``visits.emails``): a ``REQUEST`` with the entry's new SEQUENCE for one
    added or changed, a ``CANCEL`` for one cancelled or removed. A delegate's own travel
    and hotels (``visits.own_entries``) are told to that delegate only. Returns how many
    messages were queued. ``wait_for_quiet=False`` (an officer's "send the digest now") tells
    the pending changes however recent the last one is.
    """
    visit = StudyVisit.objects.select_for_update().get(pk=visit_id)
    changes = list(
        visit.itinerary_changes.filter(digested_at__isnull=True).select_for_update().order_by("changed_at", "pk")
    )
    quiet_since = now - dt.timedelta(minutes=settings.ITINERARY_DIGEST_QUIET_MINUTES)
    if not changes or (wait_for_quiet and changes[-1].changed_at > quiet_since):
        return 0
    queued = 0
    lines = emails.digest_lines(changes)
    if lines and visit.status == StudyVisit.Status.PUBLISHED:
        batch = changes[-1].pk
        Subject = ItineraryChange.Subject
        ids = {subject: {c.item_pk for c in changes if c.subject == subject} for subject in Subject.values}
        entries_now = {
            (Subject.ITEM, item.pk): item for item in itinerary_for_visit(visit).filter(pk__in=ids[Subject.ITEM])
        }
        entries_now |= {(Subject.LEG, leg.pk): leg for leg in legs_for_visit(visit).filter(pk__in=ids[Subject.LEG])}
        if own := {(subject, pk) for subject in (Subject.TRAVEL, Subject.STAY) for pk in ids[subject]}:
            entries_now |= {(entry.subject, entry.pk): entry for entry in own_entries_for_visit(visit, keys=own)}
        entries = emails.digest_entries(changes, entries_now)
        member_pks = dict(visit.delegation.members.values_list("participant_id", "pk")) if visit.delegation_id else {}
        for participant in confirmed_participants(visit):
            member_pk = member_pks.get(participant.pk)
            # A sub-group leg's changes are told only to the members they concern.
            theirs = [line for line in lines if emails.concerns(line["audience"], member_pk)]
            if not theirs:
                continue
            queued += participant_message_queue(
                participant,
                key=f"itinerary-digest:{visit.pk}:{batch}:{participant.pk}",
                kind="itinerary_digest",
                about=visit,
                context={"visit": visit, "lines": theirs},
                attachments=emails.invitation_attachments(participant, **entries, member_pk=member_pk, stamp=now),
            )
    ItineraryChange.objects.filter(pk__in=[change.pk for change in changes]).update(digested_at=now)
    return queued


def visit_digest_send_now(visit: StudyVisit, *, now: dt.datetime | None = None) -> int:
    """Tell a visit's pending itinerary changes now, without waiting for them to go quiet (the
    officer's button on the outbox, and the only way they go where no scheduler runs).

    Safe beside beat: both lock the visit, and a batch's key names its last change, so a
    batch is told once. Returns how many messages were queued.
    """
    return visit_itinerary_digest_queue(visit.pk, now=now or timezone.now(), wait_for_quiet=False)
