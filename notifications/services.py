"""Writing to the outbox and delivering one row.

Callers write a row inside their own transaction; the row is handed to Celery only
after that transaction commits, so a rolled-back change sends nothing.
"""

import smtplib

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.utils import timezone

from .models import Notification


def notification_queue(
    *,
    key: str,
    kind: str,
    to_email: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    to_name: str = "",
    language: str = "en",
    about: models.Model | None = None,
    attachments: list[dict] | None = None,
) -> tuple[Notification, bool]:
    """Write one outbox row unless one with ``key`` exists; queue its delivery on commit.

    Returns the row and whether it was created.
    """
    defaults = {
        "kind": kind,
        "to_email": to_email,
        "to_name": to_name,
        "language": language,
        "subject": subject,
        "body_text": body_text,
        "body_html": body_html,
        "attachments": attachments or [],
    }
    if about is not None:
        defaults["content_type"] = ContentType.objects.get_for_model(about)
        defaults["object_id"] = about.pk
    notification, created = Notification.objects.get_or_create(key=key, defaults=defaults)
    if created:
        from .tasks import notification_send

        notification_send.delay_on_commit(notification_id=notification.pk)
    return notification, created


class TemporaryDeliveryError(Exception):
    """The mail server could not take the message now; try again later."""


def notification_deliver(notification: Notification) -> Notification:
    """Send a row that the caller has claimed (status ``sending``) and mark it sent or failed.

    SMTP 5xx answers mark the row failed with the reason; 4xx answers and connection
    errors raise :class:`TemporaryDeliveryError` after putting the row back in the queue.
    """
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[f"{notification.to_name} <{notification.to_email}>" if notification.to_name else notification.to_email],
        headers={"Message-ID": f"<{notification.key.replace(':', '.')}@cityexchange>"},
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    for attachment in notification.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    try:
        message.send()
    except smtplib.SMTPResponseException as error:
        reason = f"{error.smtp_code} {error.smtp_error!r}"
        if 500 <= error.smtp_code < 600:
            return _mark(notification, Notification.Status.FAILED, reason)
        _mark(notification, Notification.Status.QUEUED, reason)
        raise TemporaryDeliveryError(reason) from error
    except smtplib.SMTPRecipientsRefused as error:
        return _mark(notification, Notification.Status.FAILED, str(error.recipients))
    except (OSError, smtplib.SMTPException) as error:
        _mark(notification, Notification.Status.QUEUED, repr(error))
        raise TemporaryDeliveryError(repr(error)) from error
    return _mark(notification, Notification.Status.SENT, "")


def _mark(notification: Notification, status: str, error: str) -> Notification:
    notification.status = status
    notification.last_error = error[:2000]
    if status == Notification.Status.SENT:
        notification.sent_at = timezone.now()
    notification.save(update_fields=["status", "last_error", "sent_at", "updated_at"])
    return notification


@transaction.atomic
def notification_claim(notification_id: int) -> Notification | None:
    """Lock a queued row and mark it ``sending``; ``None`` if it is gone or not queued."""
    notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
    if notification is None or notification.status != Notification.Status.QUEUED:
        return None
    notification.status = Notification.Status.SENDING
    notification.attempts += 1
    notification.save(update_fields=["status", "attempts", "updated_at"])
    return notification
