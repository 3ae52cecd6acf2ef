"""Workflows on people and delegations: inviting a member and the member accepting."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from notifications.services import notification_queue, notification_render
from officers.history import history_user_set
from officers.merge import references_in_words, references_move

from .models import Delegation, DelegationMember, Invitation, Participant
from .tokens import token_hash, token_new

INVITATION_VALID_FOR = dt.timedelta(days=14)


class InvitationState:
    VALID = "valid"
    UNKNOWN = "unknown"
    USED = "used"
    SUPERSEDED = "superseded"
    EXPIRED = "expired"


def invitation_state(invitation: Invitation | None) -> str:
    if invitation is None:
        return InvitationState.UNKNOWN
    if invitation.used_at:
        return InvitationState.USED
    if invitation.superseded_at:
        return InvitationState.SUPERSEDED
    if invitation.expires_at <= timezone.now():
        return InvitationState.EXPIRED
    return InvitationState.VALID


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("member__participant", "member__delegation")
        .filter(token_hash=token_hash(token))
        .first()
    )


@transaction.atomic
def delegation_member_invite(member: DelegationMember, *, by) -> Invitation:
    """Send the member a one-time link to set their password, in their language.

    Supersedes the member's earlier unused links, records when they were invited, and
    writes the email to the outbox (key ``invitation:<id>``), delivered after commit.
    """
    member = DelegationMember.objects.select_for_update().select_related("participant", "delegation").get(pk=member.pk)
    participant = member.participant
    if not participant.email:
        raise ValidationError(
            _("%(name)s has no email address: add one before sending an invitation.") % {"name": participant}
        )
    if member.status not in DelegationMember.VISIBLE_STATUSES:
        raise ValidationError(
            _("%(name)s is marked %(status)s in this delegation: only invited or confirmed members can be invited.")
            % {"name": participant, "status": member.get_status_display().lower()}
        )
    now = timezone.now()
    Invitation.objects.filter(member__participant=participant, used_at__isnull=True, superseded_at__isnull=True).update(
        superseded_at=now
    )
    token, hashed = token_new()
    invitation = Invitation(member=member, token_hash=hashed, sent_by=by, expires_at=now + INVITATION_VALID_FOR)
    invitation.full_clean(exclude=["created_at"])
    invitation.save()
    member.invited_at = invitation.created_at
    member._change_reason = "invitation sent"
    history_user_set(member, by)
    member.full_clean()
    member.save()

    language = participant.preferred_language or settings.LANGUAGE_CODE
    with override(language):
        link = settings.SITE_URL + reverse("my:invitation_accept", args=[token])
    context = {
        "participant": participant,
        "delegation": member.delegation,
        "link": link,
        "expires_at": invitation.expires_at,
        "valid_days": INVITATION_VALID_FOR.days,
        "sender": by.get_full_name() if by else "",
    }
    notification_queue(
        key=f"invitation:{invitation.pk}",
        kind="invitation",
        to_email=participant.email,
        to_name=participant.full_name,
        language=language,
        about=member,
        **notification_render("invitation", language=language, context=context),
    )
    return invitation


@transaction.atomic
def invitation_accept(invitation: Invitation, *, password: str):
    """Use a valid invitation: set the password of the participant's login, creating and linking it if needed.

    The caller validates the password. Marks the invitation used; returns the user.
    """
    invitation = Invitation.objects.select_for_update().select_related("member__participant").get(pk=invitation.pk)
    if invitation_state(invitation) != InvitationState.VALID:
        raise ValidationError(_("This invitation link can no longer be used."))
    participant = invitation.member.participant
    User = get_user_model()
    user = participant.user
    if user is None:
        user = User.objects.filter(email__iexact=participant.email, participant__isnull=True).first()
        if user is not None and (user.is_staff or user.is_superuser):
            raise ValidationError(_("This address belongs to a staff account: ask an administrator to link it."))
    if user is None:
        user = User(username=participant.email.lower(), email=participant.email.lower())
    user.set_password(password)
    user.is_active = True
    user.save()
    if participant.user_id != user.pk:
        participant.user = user
        participant._change_reason = "invitation accepted"
        participant.save(update_fields=["user", "updated_at"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    return user


def _write(obj, fields: dict, m2m: dict | None = None, *, by):
    """Set ``fields`` on ``obj``, validate the whole row, save it (its history naming ``by``), then its m2m sets."""
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean()
    history_user_set(obj, by)
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    return obj


@transaction.atomic
def participant_create(*, by, **fields) -> Participant:
    """Enter a person; until they join a roster only ``by`` (and admins) can see them."""
    return _write(Participant(created_by=by), fields, by=by)


@transaction.atomic
def participant_update(participant: Participant, *, by, **fields) -> Participant:
    """Change a person's details."""
    return _write(participant, fields, by=by)


# What a person may correct on their own record (the /my/ profile page); the rest is the officers'.
PARTICIPANT_OWN_FIELDS = ("dietary_needs", "accessibility_needs", "emergency_contact_name", "emergency_contact_phone")


@transaction.atomic
def participant_own_record_update(participant: Participant, *, by, **fields) -> Participant:
    """A person corrects their own needs and emergency contact (``PARTICIPANT_OWN_FIELDS`` only).

    ``by`` (their login) is named in the history, so officers see who changed what on the
    participant page.
    """
    unknown = set(fields) - set(PARTICIPANT_OWN_FIELDS)
    if unknown:
        raise ValueError(f"not the person's own fields: {sorted(unknown)}")
    return _write(participant, fields, by=by)


@transaction.atomic
def participant_language_set(participant: Participant, *, language: str, by) -> Participant:
    """A person's own choice of language for their pages and email (history names ``by``)."""
    if participant.preferred_language == language:
        return participant
    return _write(participant, {"preferred_language": language}, by=by)


@transaction.atomic
def participant_mail_choices_set(participant: Participant, *, by, **choices: bool) -> Participant:
    """Turn a person's optional mail on or off (``reminders_mail``, ``lessons_requests_mail``).

    ``by`` is ``None`` for a one-click unsubscribe from a mail client, which has no session.
    """
    allowed = set(Participant.OPTIONAL_MAIL.values())
    unknown = set(choices) - allowed
    if unknown:
        raise ValueError(f"Not an optional mail switch: {sorted(unknown)}")
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    return _write(participant, choices, by=by)


@transaction.atomic
def delegation_create(*, by, home_cities=(), **fields) -> Delegation:
    """Form a travelling group; until a visit takes it only ``by`` (and admins) can see it."""
    return _write(Delegation(created_by=by), fields, {"home_cities": home_cities}, by=by)


@transaction.atomic
def delegation_update(delegation: Delegation, *, by, home_cities=(), **fields) -> Delegation:
    """Change a delegation's name, head, notes or home cities."""
    return _write(delegation, fields, {"home_cities": home_cities}, by=by)


@transaction.atomic
def delegation_member_add(
    delegation: Delegation, *, by, participant: Participant, role: str, status: str
) -> DelegationMember:
    """Put a participant on a delegation's roster with a role and a status."""
    member = DelegationMember(delegation=delegation, participant=participant)
    if status == DelegationMember.Status.INVITED:
        member.invited_at = timezone.now()
    return _write(member, {"role": role, "status": status}, by=by)


@transaction.atomic
def delegation_member_update(member: DelegationMember, *, by, role: str, status: str) -> DelegationMember:
    """Change a member's role or status; a new answer records when it came."""
    previous = DelegationMember.objects.select_for_update().values_list("status", flat=True).get(pk=member.pk)
    fields = {"role": role, "status": status}
    if status != previous and status in (DelegationMember.Status.CONFIRMED, DelegationMember.Status.DECLINED):
        fields["responded_at"] = timezone.now()
    return _write(member, fields, by=by)


@transaction.atomic
def delegation_member_remove(member: DelegationMember, *, by) -> None:
    """Take a participant off a roster (its history keeps the line, and who took it)."""
    history_user_set(member, by)
    member.delete()


# Filled on the kept person from the one merged away when the kept one has nothing there.
MERGE_FILLS = (
    "email",
    "phone",
    "organisation",
    "position",
    "home_city",
    "dietary_needs",
    "accessibility_needs",
    "emergency_contact_name",
    "emergency_contact_phone",
)


@transaction.atomic
def participant_merge(participant: Participant, *, into: Participant, by) -> Participant:
    """Make ``participant`` and ``into`` one person, ``into``, and delete ``participant``.

    Every row that refers to them (rosters, headships, own travel and stays, follow-ups, feed
    tokens) moves to ``into``; a roster line ``into`` already has is dropped. ``into`` keeps its
    details and takes the other's where its own are empty, and their login if it has none (two
    logins are refused: an administrator decides). History records both sides ("merged from …",
    "merged into …", by ``by``). Queues nothing.
    """
    if participant.pk == into.pk:
        raise ValidationError(_("Choose another person to keep: a person cannot be merged into themselves."))
    old, into = (Participant.objects.select_for_update().get(pk=pk) for pk in (participant.pk, into.pk))
    if old.user_id and into.user_id:
        raise ValidationError(
            _("%(old)s and %(into)s both have a login: ask an administrator to merge them.")
            % {"old": old.full_name, "into": into.full_name}
        )
    references_move(old, into, by=by, reason=f"merged from {old.full_name}")
    fills = {name: getattr(old, name) for name in MERGE_FILLS if not getattr(into, name) and getattr(old, name)}
    user = old.user
    old._change_reason = f"merged into {into.full_name}"
    history_user_set(old, by)
    old.delete()
    for name, value in fills.items():
        setattr(into, name, value)
    if user is not None:
        into.user = user
    into._change_reason = f"merged from {old.full_name}"
    return _write(into, {}, by=by)


@transaction.atomic
def participant_delete(participant: Participant, *, by) -> None:
    """Delete a person nothing refers to (no roster, travel, follow-up); otherwise say what does.

    A person on a roster is erased through ``privacy.services.participant_erase`` instead.
    """
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if used_by := references_in_words(participant):
        raise ValidationError(
            _("%(name)s is referred to by %(references)s: merge them into another person instead.")
            % {"name": participant.full_name, "references": used_by}
        )
    participant._change_reason = "deleted"
    history_user_set(participant, by)
    participant.delete()


JOIN_REQUEST_SALT = "delegations.join-request"


def join_token_new(participant: Participant, delegation: Delegation, by) -> str:
    """A signed link token: ``participant`` may join ``delegation`` at ``by``'s request (no row stored)."""
    return signing.dumps(
        {"participant": participant.pk, "delegation": delegation.pk, "by": getattr(by, "pk", None)},
        salt=JOIN_REQUEST_SALT,
    )


def join_request_for_token(token: str) -> tuple[Participant, Delegation, object] | None:
    """The person, the delegation and the asking officer of a valid token, or None (bad, expired, gone)."""
    try:
        data = signing.loads(token, salt=JOIN_REQUEST_SALT, max_age=INVITATION_VALID_FOR)
    except signing.BadSignature:
        return None
    participant = Participant.objects.filter(pk=data.get("participant")).first()
    delegation = Delegation.objects.filter(pk=data.get("delegation")).first()
    if participant is None or delegation is None:
        return None
    return participant, delegation, get_user_model().objects.filter(pk=data.get("by")).first()


@transaction.atomic
def participant_join_request(email: str, *, delegation: Delegation, by) -> None:
    """Ask the person with ``email`` to join ``delegation``, without telling ``by`` who they are.

    An officer who types an address that belongs to someone in another programme learns only
    that the address is taken (``ParticipantForm.clean_email``). Putting that person on the
    officer's roster would hand the officer their whole record (``participants_for_officer``
    reaches everyone on a roster) without their say, so the person decides: they get an email,
    in their language, naming the officer and the delegation, with a signed link valid for
    ``INVITATION_VALID_FOR``; following it puts them on the roster as invited. The officer's
    answer is the same whatever the address (unknown, already on the roster, elsewhere), so
    this call confirms nothing the form did not already say. One email per person and delegation
    (outbox key ``join-request:<participant>:<delegation>``).
    """
    participant = Participant.objects.filter(email__iexact=email.strip()).first() if email.strip() else None
    if participant is None or delegation.members.filter(participant=participant).exists():
        return
    language = participant.preferred_language or settings.LANGUAGE_CODE
    with override(language):
        link = settings.SITE_URL + reverse(
            "delegations:join_accept", args=[join_token_new(participant, delegation, by)]
        )
    context = {
        "participant": participant,
        "delegation": delegation,
        "link": link,
        "valid_days": INVITATION_VALID_FOR.days,
        "sender": (by.get_full_name() or by.email) if by else "",
        "sender_email": by.email if by else "",
    }
    notification_queue(
        key=f"join-request:{participant.pk}:{delegation.pk}",
        kind="join_request",
        to_email=participant.email,
        to_name=participant.full_name,
        language=language,
        about=delegation,
        **notification_render("join_request", language=language, context=context),
    )


@transaction.atomic
def participant_join_accept(participant: Participant, *, delegation: Delegation, by) -> DelegationMember:
    """The person followed a join request's link: put them on the roster as invited (once).

    ``by`` is the officer who asked; the roster's history names them with the reason "joined on request".
    """
    member = delegation.members.filter(participant=participant).first()
    if member is not None:
        return member
    member = DelegationMember(delegation=delegation, participant=participant, invited_at=timezone.now())
    member._change_reason = "joined on request"
    return _write(member, {"role": DelegationMember.Role.MEMBER, "status": DelegationMember.Status.INVITED}, by=by)
