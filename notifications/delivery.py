"""Delivering one outbox row: claim it, send it over SMTP, record the answer.

A leaf: it imports neither ``services`` (writing to the outbox) nor ``tasks`` (Celery), so
the task can import it, and the services can hand rows to the task by name, without a cycle.
"""

import datetime as dt
import logging
import smtplib
from email import encoders
from email.mime.base import MIMEBase

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEText
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import BouncedAddress, Notification

logger = logging.getLogger(__name__)

Status = Notification.Status


@transaction.atomic
def notification_claim(notification_id: int) -> Notification | None:
    """Lock a queued row that is due and mark it ``sending``; ``None`` if it is gone, not queued or not due."""
    notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
    if notification is None or notification.status != Status.QUEUED:
        return None
    if notification.next_attempt_at and notification.next_attempt_at > timezone.now():
        return None
    notification.status = Status.SENDING
    notification.attempts += 1
    notification.save(update_fields=["status", "attempts", "updated_at"])
    return notification


class TemporaryDeliveryError(Exception):
    """The mail server could not take the message now; try again in ``retry_in`` seconds."""

    def __init__(self, reason: str, *, retry_in: int):
        super().__init__(reason)
        self.retry_in = retry_in


def notification_deliver(notification: Notification) -> Notification:
    """Send a row that the caller has claimed (status ``sending``) and mark it sent or failed.

    A 5xx answer marks the row failed with the reason; a 5xx refusal of the recipient also
    records the address as bounced (``BouncedAddress``), so nothing more is queued for it
    until it is corrected. A 4xx answer or a connection error
    puts the row back in the queue, not before its next attempt time (exponential
    backoff), and raises :class:`TemporaryDeliveryError`; after
    ``NOTIFICATION_MAX_ATTEMPTS`` attempts the row is marked failed instead.
    """
    try:
        _message(notification).send()
    except smtplib.SMTPResponseException as error:
        reason = f"{error.smtp_code} {_text(error.smtp_error)}"
        if error.smtp_code >= 500:
            if _address_refused(error.smtp_code, _text(error.smtp_error)):
                _bounce_record(notification, reason)
            return _mark_failed(notification, reason)
        return _mark_for_retry(notification, reason)
    except smtplib.SMTPRecipientsRefused as error:
        answers = list(error.recipients.values())
        reason = "; ".join(f"{code} {_text(text)}" for code, text in answers)
        if all(code >= 500 for code, _text_ in answers):
            _bounce_record(notification, reason)
            return _mark_failed(notification, reason)
        return _mark_for_retry(notification, reason)
    except (OSError, smtplib.SMTPException) as error:
        return _mark_for_retry(notification, repr(error))
    except Exception as error:
        # A bad row (say, an unreadable attachment) would otherwise sit in "sending" for ever.
        logger.exception("Notification %s cannot be sent", notification.pk)
        return _mark_failed(notification, repr(error))
    notification.status = Status.SENT
    notification.sent_at = timezone.now()
    notification.last_error = ""
    notification.next_attempt_at = None
    notification.save(update_fields=["status", "sent_at", "last_error", "next_attempt_at", "updated_at"])
    return notification


def _recipient(notification: Notification) -> str:
    """``"Name" <address>``, the name one line and quoted, so quotes, commas or brackets in it
    stay part of the name and never add a recipient or a header."""
    name = " ".join(notification.to_name.split())
    if not name:
        return notification.to_email
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{quoted}" <{notification.to_email}>'


def _message(notification: Notification) -> EmailMultiAlternatives:
    domain = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "cityexchange"
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[_recipient(notification)],
        headers={
            **notification.headers,
            # The same row always carries the same Message-ID, so a receiver can drop a rare duplicate.
            "Message-ID": f"<notification-{notification.pk}@{domain}>",
            # Every message here is sent by the portal, not typed by a person: autoresponders
            # (out-of-office) must not answer it (RFC 3834).
            "Auto-Submitted": "auto-generated",
        },
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    for attachment in notification.attachments:
        message.attach(_attachment_part(attachment))
    return message


def _attachment_part(attachment: dict) -> MIMEBase:
    """A text attachment; parameters in its type stay parameters (``text/calendar; method=REQUEST``,
    which calendar clients read to apply an invitation, RFC 6047)."""
    mimetype, *parameters = (part.strip() for part in attachment["mimetype"].split(";"))
    basetype, subtype = mimetype.split("/", 1)
    if basetype != "text":
        part = MIMEBase(basetype, subtype)
        part.set_payload(attachment["content"])
        encoders.encode_base64(part)
    else:
        part = SafeMIMEText(attachment["content"], subtype, settings.DEFAULT_CHARSET)
    for parameter in parameters:
        name, _sep, value = parameter.partition("=")
        part.set_param(name.strip(), value.strip().strip('"'))
    part.add_header("Content-Disposition", "attachment", filename=attachment["filename"])
    return part


def _address_refused(code: int, text: str) -> bool:
    """Whether a 5xx answer after RCPT (at DATA) is about the address, not the message.

    Every message here has one recipient, so a mailbox answer at DATA is that address's:
    enhanced status 5.1.x (bad address) or 5.2.x (mailbox disabled or full for good), or
    without one 550/551/553. A policy or content refusal (5.7.x, 554) says nothing of it.
    """
    enhanced = text.split(" ", 1)[0]
    if enhanced[:2] == "5." and enhanced.count(".") == 2:
        return enhanced.startswith(("5.1.", "5.2."))
    return code in (550, 551, 553)


def _bounce_record(notification: Notification, reason: str) -> None:
    BouncedAddress.objects.get_or_create(
        email=notification.to_email.strip().lower(),
        defaults={"reason": reason[:2000], "notification": notification},
    )


def _text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _mark_failed(notification: Notification, reason: str) -> Notification:
    notification.status = Status.FAILED
    notification.last_error = reason[:2000]
    notification.next_attempt_at = None
    notification.save(update_fields=["status", "last_error", "next_attempt_at", "updated_at"])
    return notification


def _mark_for_retry(notification: Notification, reason: str) -> Notification:
    if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        return _mark_failed(
            notification,
            _("Gave up after %(attempts)d attempts: %(reason)s")
            % {
                "attempts": notification.attempts,
                "reason": reason,
            },
        )
    retry_in = min(
        settings.NOTIFICATION_RETRY_BASE_SECONDS * 2 ** (notification.attempts - 1),
        settings.NOTIFICATION_RETRY_MAX_SECONDS,
    )
    notification.status = Status.QUEUED
    notification.last_error = reason[:2000]
    notification.next_attempt_at = timezone.now() + dt.timedelta(seconds=retry_in)
    notification.save(update_fields=["status", "last_error", "next_attempt_at", "updated_at"])
    raise TemporaryDeliveryError(reason, retry_in=retry_in)
