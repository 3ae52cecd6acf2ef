"""Workflows on people and delegations: inviting a member and the member accepting."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from notifications.services import notification_queue, notification_render
from officers.history import history_user_set

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
