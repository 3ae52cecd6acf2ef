"""Reads of the outbox. Callers check access to the object first; these only filter by it."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from .models import BouncedAddress, Notification


def notifications_about(obj: models.Model) -> QuerySet[Notification]:
    """Every message about ``obj`` (newest first), with the original of each resend."""
    content_type = ContentType.objects.get_for_model(obj)
    return (
        Notification.objects.filter(content_type=content_type, object_id=obj.pk)
        .select_related("resend_of")
        .order_by("-created_at", "-pk")
    )


def address_bounce(email: str) -> BouncedAddress | None:
    """Whether mail to ``email`` bounced for good (and so is no longer sent), with when and why."""
    if not email.strip():
        return None
    return BouncedAddress.objects.filter(email=email.strip().lower()).first()


def address_bounces(emails) -> dict[str, BouncedAddress]:
    """Which of ``emails`` bounced for good, by lower-cased address, in one query."""
    wanted = {email.strip().lower() for email in emails if email.strip()}
    return {bounce.email: bounce for bounce in BouncedAddress.objects.filter(email__in=wanted)}
