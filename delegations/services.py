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

from .models import DelegationMember, Invitation
from .tokens import token_hash, token_new

INVITATION_VALID_FOR = dt.timedelta(days=14)
INVITABLE_STATUSES = (DelegationMember.Status.INVITED, DelegationMember.Status.CONFIRMED)


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
    if member.status not in INVITABLE_STATUSES:
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
