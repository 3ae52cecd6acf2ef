"""Publishing a visit: its state, and the itinerary message to each confirmed member, in the same transaction."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from delegations.models import DelegationMember, Participant
from notifications.services import notification_queue, notification_render
from officers.history import history_user_set

from .. import emails
from ..models import ItineraryItem, StudyVisit
from ..own_entries import own_entries_for_visit
from ..selectors import itinerary_for_visit, legs_for_visit


@transaction.atomic
def visit_publish(visit: StudyVisit, *, by) -> StudyVisit:
    """Publish a draft visit: delegates can see its itinerary from now on.

    Changes the visit's status and publication time, and queues one "itinerary
    published" message (itinerary in the body, portal link, and an iTIP ``REQUEST`` part
    per entry under its feed UID: see ``visits.emails``) to every confirmed member of the
    delegation who has an email address; a member's own travel and hotels
    (``visits.own_entries``) are invited in their message only.
    """
    visit = StudyVisit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != StudyVisit.Status.DRAFT:
        raise ValidationError(_("Only a draft visit can be published."))
    visit.status = StudyVisit.Status.PUBLISHED
    visit.published_at = timezone.now()
    visit.full_clean()
    visit._change_reason = "published"
    history_user_set(visit, by)
    visit.save()
    # Edits made before publication are part of what is published, not news.
    visit.itinerary_changes.filter(digested_at__isnull=True).update(digested_at=visit.published_at)
    _itinerary_published_queue(visit)
    return visit


@transaction.atomic
def visit_unpublish(visit: StudyVisit, *, by) -> StudyVisit:
    """Take a published visit back to draft: delegates no longer see it.

    Drops itinerary changes not yet told in a digest; publishing again sends the whole itinerary.
    """
    visit = StudyVisit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != StudyVisit.Status.PUBLISHED:
        raise ValidationError(_("Only a published visit can be unpublished."))
    visit.status = StudyVisit.Status.DRAFT
    visit.published_at = None
    visit.full_clean()
    visit._change_reason = "unpublished"
    history_user_set(visit, by)
    visit.save()
    visit.itinerary_changes.filter(digested_at__isnull=True).delete()
    return visit


def confirmed_participants(visit: StudyVisit) -> list[Participant]:
    if visit.delegation_id is None:
        return []
    members = (
        DelegationMember.objects.filter(delegation_id=visit.delegation_id, status=DelegationMember.Status.CONFIRMED)
        .exclude(participant__email="")
        .select_related("participant__home_city")
        .order_by("participant__last_name", "participant__first_name", "pk")
    )
    return [member.participant for member in members]


def participant_message_queue(
    participant: Participant, *, key: str, kind: str, about, context: dict, attachments=None
) -> bool:
    """Queue one message to one participant in their language; ``False`` if that key was already queued
    or if it is optional mail (``Participant.OPTIONAL_MAIL``) the participant turned off.

    A message about a visit has its programme officers as Reply-To; optional mail carries a
    one-click unsubscribe link (RFC 8058).
    """
    if not participant.wants_mail(kind):
        return False
    language = participant.preferred_language or settings.LANGUAGE_CODE
    headers = {}
    with translation.override(language):
        if kind in Participant.OPTIONAL_MAIL:
            headers.update(emails.unsubscribe_headers(participant, kind))
        context = {**context, "participant": participant}
        if "visit" in context:
            context["portal_url"] = emails.portal_url(context["visit"])
            if reply_to := emails.reply_to(context["visit"]):
                headers["Reply-To"] = reply_to
        _notification, created = notification_queue(
            key=key,
            kind=kind,
            to_email=participant.email,
            to_name=participant.full_name,
            language=language,
            about=about,
            attachments=attachments,
            headers=headers,
            **notification_render(kind, language=language, context=context),
        )
    return created


def live_legs(visit: StudyVisit) -> list:
    """A visit's legs that still happen, with their members, for the messages that list the itinerary."""
    return list(legs_for_visit(visit).exclude(status=ItineraryItem.Status.CANCELLED))


def _itinerary_published_queue(visit: StudyVisit) -> int:
    items = list(itinerary_for_visit(visit).exclude(status=ItineraryItem.Status.CANCELLED))
    legs = live_legs(visit)
    own = own_entries_for_visit(visit)
    stamp = visit.published_at.strftime("%Y%m%dT%H%M%S%f")
    queued = 0
    for participant in confirmed_participants(visit):
        # Each member's itinerary and .ics carry the legs they travel on.
        theirs = emails.legs_for_member(legs, participant)
        queued += participant_message_queue(
            participant,
            key=f"itinerary-published:{visit.pk}:{stamp}:{participant.pk}",
            kind="itinerary_published",
            about=visit,
            context={"visit": visit, "days": emails.itinerary_days(items, theirs)},
            attachments=emails.invitation_attachments(
                participant, requests=[*items, *theirs, *own], stamp=visit.published_at
            ),
        )
    return queued
