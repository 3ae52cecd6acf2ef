"""Personal data: what we hold about one participant, erasing it, and retention.

It lives in visits because it spans participants, their delegations, visits and
follow-ups: the highest app it touches.
"""

import datetime as dt

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from delegations.models import DelegationMember, Participant
from notifications.services import notifications_erase_keyed, notifications_erase_recipient
from officers.history import history_user_set
from outcomes.models import FollowUp
from trips.models import Accommodation, CalendarFeedToken, CheckIn, CheckInLink, DelegationMessage, PersonalTravel
from visits.models import ItineraryChange, StudyVisit

SENSITIVE_FIELDS = ("dietary_needs", "accessibility_needs", "emergency_contact_name", "emergency_contact_phone")
PERSONAL_FIELDS = ("first_name", "last_name", "email", "phone", "position", *SENSITIVE_FIELDS)
OWN_ENTRY_SUBJECTS = (ItineraryChange.Subject.TRAVEL, ItineraryChange.Subject.STAY)


def _travel_export(travel: PersonalTravel) -> dict:
    return {
        "visit": travel.visit.title,
        "direction": travel.direction,
        "mode": travel.mode,
        "carrier": travel.carrier,
        "from": travel.departure_place,
        "departure_timezone": travel.departure_timezone,
        "departs_at": travel.departs_at.isoformat(),
        "to": travel.arrival_place,
        "arrival_timezone": travel.arrival_timezone,
        "arrives_at": travel.arrives_at.isoformat(),
        "booking_reference": travel.booking_reference,
        "notes": travel.notes,
    }


def _stay_export(stay: Accommodation) -> dict:
    return {
        "visit": stay.visit.title,
        "hotel": stay.name,
        "address": stay.address,
        "city": str(stay.city),
        "check_in": stay.check_in.isoformat(),
        "check_out": stay.check_out.isoformat(),
        "phone": stay.phone,
        "booking_reference": stay.booking_reference,
        "notes": stay.notes,
    }


def participant_export_data(participant: Participant) -> dict:
    """Everything held about one participant, as plain JSON-ready data."""
    memberships = DelegationMember.objects.filter(participant=participant).select_related("delegation")
    visits = StudyVisit.objects.filter(delegation__members__participant=participant).distinct()
    return {
        "participant": {
            "id": participant.pk,
            **{field: getattr(participant, field) for field in PERSONAL_FIELDS},
            "organisation": str(participant.organisation) if participant.organisation_id else None,
            "profession": participant.profession,
            "home_city": str(participant.home_city) if participant.home_city_id else None,
            "preferred_language": participant.preferred_language,
            "reminders_mail": participant.reminders_mail,
            "lessons_requests_mail": participant.lessons_requests_mail,
            "login": participant.user.email if participant.user_id else None,
            "created_at": participant.created_at.isoformat(),
            "updated_at": participant.updated_at.isoformat(),
        },
        "delegations": [
            {
                "delegation": member.delegation.name,
                "role": member.role,
                "status": member.status,
                "invited_at": member.invited_at.isoformat() if member.invited_at else None,
                "responded_at": member.responded_at.isoformat() if member.responded_at else None,
            }
            for member in memberships
        ],
        "visits": [
            {"title": visit.title, "starts_on": visit.starts_on.isoformat(), "ends_on": visit.ends_on.isoformat()}
            for visit in visits
        ],
        "follow_ups": [
            {"title": follow_up.title, "status": follow_up.status, "due_on": str(follow_up.due_on or "")}
            for follow_up in FollowUp.objects.filter(owner_participant=participant)
        ],
        "check_ins": [
            {
                "visit": check_in.visit.title,
                "status": check_in.status,
                "message": check_in.message,
                "place": check_in.place,
                "at": check_in.created_at.isoformat(),
            }
            for check_in in CheckIn.objects.filter(participant=participant).select_related("visit").order_by("pk")
        ],
        "travel": [
            _travel_export(travel)
            for travel in PersonalTravel.objects.filter(participant=participant).select_related("visit").order_by("pk")
        ],
        "accommodation": [
            _stay_export(stay)
            for stay in Accommodation.objects.filter(participant=participant)
            .select_related("visit", "city")
            .order_by("pk")
        ],
        "history": [
            {"changed_at": record.history_date.isoformat(), "type": record.history_type}
            for record in participant.history.all()
        ],
    }


def _own_entry_changes(member_pks: list[int]):
    """The itinerary changes of own travel and hotels told (only) to these delegation members.

    The audience is matched here, not with a JSON ``contains`` lookup, which SQLite (``make run``) lacks."""
    members = set(member_pks)
    candidates = ItineraryChange.objects.filter(
        subject__in=OWN_ENTRY_SUBJECTS, visit__delegation__members__in=member_pks
    ).values_list("pk", "audience")
    return ItineraryChange.objects.filter(pk__in={pk for pk, audience in candidates if members & set(audience)})


def _own_entries_delete(changes, **rows) -> None:
    """Delete the own travel legs and hotel stays that match ``rows`` (filter arguments), every
    history row of them (deleting writes one more; entries deleted earlier left theirs), and
    ``changes``, the itinerary changes that told their owner of them (titles, places, times): a
    pending digest then has nothing left to tell of a deleted entry."""
    changes.delete()
    for model in (PersonalTravel, Accommodation):
        model.objects.filter(**rows).delete()
        model.history.filter(**rows).delete()


def _skipped_anonymise(participant: Participant, *, names: set[str], addresses: set[str]) -> None:
    """Replace the person in the skipped lists of messages to their delegations with their erased name.

    Entries carry the participant's id; older ones are matched by address, else by name."""
    their_visits = StudyVisit.objects.filter(delegation__members__participant=participant)
    for message in DelegationMessage.objects.select_for_update().filter(visit__in=their_visits):
        changed = False
        for entry in message.skipped:
            if "participant" in entry:
                theirs = entry["participant"] == participant.pk
            else:
                theirs = entry.get("email") in addresses if entry.get("email") else entry.get("name") in names
            if theirs:
                entry.update(participant=participant.pk, name=participant.full_name, email="")
                changed = True
        if changed:
            message.save(update_fields=["skipped"])


def _end_sessions(user) -> None:
    for user_session in UserSession.objects.filter(user=user):
        user_session.end()


@transaction.atomic
def participant_erase(participant: Participant, *, by) -> Participant:
    """Anonymise a person while keeping the counts reports rely on.

    Blanks every personal field, drops the change history that still holds them, disables
    and unlinks the login, ends its sessions and revokes its API tokens, revokes their calendar
    feed links, deletes their safety check-ins and check-in links, their own travel legs and hotel
    stays (with their history and the itinerary changes that told them of those), puts their
    erased name in place of theirs in the skipped lists of messages to the delegation, blanks the
    alerts about them sent to officers and anonymises the outbox rows addressed to them (queued
    ones are cancelled). Roster rows, follow-ups and visits stay.
    """
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    user = participant.user
    addresses = {participant.email, user.email if user is not None else ""}
    names = {participant.full_name}
    member_pks = list(DelegationMember.objects.filter(participant=participant).values_list("pk", flat=True))
    participant.first_name = "Erased"
    participant.last_name = f"participant #{participant.pk}"
    for field in ("email", "phone", "position", *SENSITIVE_FIELDS):
        setattr(participant, field, "")
    participant.user = None
    participant.full_clean()
    participant.history.all().delete()
    participant._change_reason = "erased"
    history_user_set(participant, by)
    participant.save()
    if user is not None:
        _end_sessions(user)
        user.is_active = False
        user.email = ""
        user.username = f"erased-{user.pk}"
        user.set_unusable_password()
        user.save()
        user.emailaddress_set.all().delete()
        # api.ApiToken, by its reverse relation: privacy and api are siblings and never import each other.
        user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    _own_entries_delete(_own_entry_changes(member_pks), participant_id=participant.pk)
    _skipped_anonymise(participant, names=names, addresses=addresses - {""})
    CalendarFeedToken.objects.filter(participant=participant, revoked_at__isnull=True).update(revoked_at=timezone.now())
    check_ins = CheckIn.objects.filter(participant=participant)
    # The alerts to officers name the person (see trips.services.check_in_record's keys).
    notifications_erase_keyed([f"check-in-alert:{pk}:" for pk in check_ins.values_list("pk", flat=True)])
    check_ins.delete()
    CheckInLink.objects.filter(participant=participant).delete()
    for address in addresses:
        notifications_erase_recipient(address)
    return participant


def participants_past_retention(today: dt.date | None = None):
    """Participants whose last visit ended more than PERSONAL_DATA_RETENTION_DAYS ago, with data to clear."""
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    has_sensitive = Q()
    for field in SENSITIVE_FIELDS:
        has_sensitive |= ~Q(**{field: ""})
    return (
        Participant.objects.filter(has_sensitive)
        .annotate(last_visit_ends_on=Max("memberships__delegation__visits__ends_on"))
        .filter(last_visit_ends_on__lt=cutoff)
    )


@transaction.atomic
def sensitive_data_purge(*, today: dt.date | None = None) -> int:
    """Clear dietary, accessibility and emergency-contact data kept past the retention period, and
    delete the safety check-ins (and check-in links), the own travel legs and hotel stays (with
    their history and the itinerary changes that told of them) of visits that ended before it.

    Returns how many participants were cleared. Their history rows keep no copy.
    """
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    CheckIn.objects.filter(visit__ends_on__lt=cutoff).delete()
    CheckInLink.objects.filter(request__visit__ends_on__lt=cutoff).delete()
    ended = list(StudyVisit.objects.filter(ends_on__lt=cutoff).values_list("pk", flat=True))
    _own_entries_delete(
        ItineraryChange.objects.filter(visit_id__in=ended, subject__in=OWN_ENTRY_SUBJECTS), visit_id__in=ended
    )
    count = 0
    ids = list(participants_past_retention(today).values_list("pk", flat=True))
    for participant in Participant.objects.select_for_update().filter(pk__in=ids):
        for field in SENSITIVE_FIELDS:
            setattr(participant, field, "")
        participant._change_reason = "retention period over"
        participant.save()
        participant.history.update(**{field: "" for field in SENSITIVE_FIELDS})
        count += 1
    return count
