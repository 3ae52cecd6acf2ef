"""Writing to the outbox and delivering one row.

Callers write a row inside their own transaction; the row is handed to Celery only
after that transaction commits, so a rolled-back change sends nothing. The row, not the
broker, is the record of what must be sent: a periodic sweep hands rows that a broker
outage or a lost worker left behind to Celery again, and the claim (``queued`` ->
``sending`` under a row lock) makes a second hand-over of the same row a no-op.
"""

import datetime as dt
import functools
import logging
import smtplib
import time
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Notification

logger = logging.getLogger(__name__)

Status = Notification.Status


def notification_render(kind: str, *, language: str, context: dict) -> dict[str, str]:
    """Render ``templates/emails/<kind>.{subject.txt,txt,html}`` in ``language``.

    Returns the ``subject``, ``body_text`` and ``body_html`` keyword arguments of
    :func:`notification_queue`.
    """
    with translation.override(language):
        context = {**context, "language": language, "site_url": settings.SITE_URL}
        subject = render_to_string(f"emails/{kind}.subject.txt", context)
        return {
            "subject": " ".join(subject.split())[:300],
            "body_text": render_to_string(f"emails/{kind}.txt", context).strip() + "\n",
            "body_html": render_to_string(f"emails/{kind}.html", context),
        }


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
    """Write one outbox row unless one with ``key`` exists; hand it to Celery after commit.

    Call it inside the transaction of the change that causes the message. ``attachments``
    is a list of ``{"filename", "mimetype", "content"}`` with text content. Returns the
    row and whether it was created; an existing key changes nothing and queues nothing.
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
        _dispatch_on_commit(notification.pk)
    return notification, created


def _dispatch_on_commit(notification_id: int) -> None:
    # robust: a broker outage after commit must not turn the caller's request into an error.
    transaction.on_commit(functools.partial(notification_dispatch, notification_id), robust=True)


def notification_dispatch(notification_id: int) -> bool:
    """Hand one row to Celery now; ``False`` (and a warning) if the broker is unreachable.

    Only ever called after the row's transaction has committed (``notification_queue``'s
    on-commit hook) or by the sweep task. Nothing is lost when it fails: the row stays
    ``queued`` and the sweep tries again.
    """
    from .tasks import notification_send

    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        return False
    try:
        notification_send.apply_async(
            kwargs={"notification_id": notification_id},
            retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2},
        )
    except Exception as error:  # noqa: BLE001 - kombu raises several kinds; all mean "later"
        # A publish to a hung broker costs its socket timeout; the rest of this batch (a
        # visit's members, a sweep) should not pay it once each.
        _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER
        logger.warning("Notification %s stays queued for the sweep: %r", notification_id, error)
        return False
    return True


# After a failed hand-over this process stops trying for a few seconds: the rows wait for the sweep.
BROKER_RETRY_AFTER = 5.0
_broker_down_until = 0.0


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

    A 5xx answer marks the row failed with the reason. A 4xx answer or a connection error
    puts the row back in the queue, not before its next attempt time (exponential
    backoff), and raises :class:`TemporaryDeliveryError`; after
    ``NOTIFICATION_MAX_ATTEMPTS`` attempts the row is marked failed instead.
    """
    try:
        _message(notification).send()
    except smtplib.SMTPResponseException as error:
        reason = f"{error.smtp_code} {_text(error.smtp_error)}"
        if error.smtp_code >= 500:
            return _mark_failed(notification, reason)
        return _mark_for_retry(notification, reason)
    except smtplib.SMTPRecipientsRefused as error:
        answers = list(error.recipients.values())
        reason = "; ".join(f"{code} {_text(text)}" for code, text in answers)
        if all(code >= 500 for code, _text_ in answers):
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
        # The same row always carries the same Message-ID, so a receiver can drop a rare duplicate.
        headers={"Message-ID": f"<notification-{notification.pk}@{domain}>"},
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    for attachment in notification.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


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


def notification_sweep(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Hand rows that should have left by now to Celery again; return how many were handed over.

    A row left ``sending`` for longer than ``NOTIFICATION_SENDING_TIMEOUT_SECONDS`` belongs
    to a worker that died: it goes back to ``queued``. (The timeout is far longer than
    one SMTP exchange, so a message being sent right now is never taken from its worker;
    only a worker killed between the server's "250 OK" and marking the row can cause a
    repeat, and it then carries the same Message-ID.) A ``queued`` row untouched for
    ``NOTIFICATION_SWEEP_AFTER_SECONDS`` and due is dispatched again: its first hand-over
    was lost to a broker outage or a lost worker, or is still waiting in the broker, in
    which case the claim makes the second one a no-op.
    """
    now = now or timezone.now()
    stuck_before = now - dt.timedelta(seconds=settings.NOTIFICATION_SENDING_TIMEOUT_SECONDS)
    stuck = list(
        Notification.objects.filter(status=Status.SENDING, updated_at__lte=stuck_before).values_list("pk", flat=True)[
            :limit
        ]
    )
    Notification.objects.filter(pk__in=stuck, status=Status.SENDING, updated_at__lte=stuck_before).update(
        status=Status.QUEUED, last_error=_("Recovered after the worker sending it was lost."), updated_at=now
    )
    quiet_before = now - dt.timedelta(seconds=settings.NOTIFICATION_SWEEP_AFTER_SECONDS)
    due = (
        Notification.objects.filter(status=Status.QUEUED)
        .filter(models.Q(updated_at__lte=quiet_before) | models.Q(pk__in=stuck))
        .filter(models.Q(next_attempt_at__isnull=True) | models.Q(next_attempt_at__lte=now))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    dispatched = [pk for pk in list(due) if notification_dispatch(pk)]
    # Touch what was handed over so the next sweep leaves it to the worker for a while.
    Notification.objects.filter(pk__in=dispatched, status=Status.QUEUED).update(updated_at=now)
    return len(dispatched)


@transaction.atomic
def notification_cancel(notification: Notification, *, by=None) -> Notification:
    """Cancel a queued message so that it is never sent. Only a queued message can be cancelled."""
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.status != Status.QUEUED:
        raise ValidationError(
            _("Only a queued message can be cancelled; this one is %(status)s.")
            % {"status": notification.get_status_display().lower()}
        )
    notification.status = Status.CANCELLED
    notification.next_attempt_at = None
    notification.save(update_fields=["status", "next_attempt_at", "updated_at"])
    return notification


@transaction.atomic
def notification_resend(notification: Notification, *, by=None) -> Notification:
    """Queue a copy of a sent (or failed) message as a new row with a new key, linked to the original.

    The original row is left as it was; the copy is handed to Celery after commit.
    """
    if notification.status not in (Status.SENT, Status.FAILED):
        raise ValidationError(_("Only a sent or failed message can be sent again."))
    copy, _created = notification_queue(
        key=f"resend:{notification.pk}:{uuid.uuid4().hex}",
        kind=notification.kind,
        to_email=notification.to_email,
        to_name=notification.to_name,
        language=notification.language,
        subject=notification.subject,
        body_text=notification.body_text,
        body_html=notification.body_html,
        attachments=notification.attachments,
    )
    copy.content_type_id = notification.content_type_id
    copy.object_id = notification.object_id
    copy.resend_of = notification
    copy.save(update_fields=["content_type", "object_id", "resend_of", "updated_at"])
    return copy


@transaction.atomic
def notifications_erase_recipient(email: str) -> int:
    """Anonymise every outbox row addressed to ``email`` (any case), for a person's erasure.

    Rows still queued are cancelled first, so nothing more goes out; then the address, the
    name, the bodies, the attachments and the last server answer (which may quote the
    address) are blanked. Kind, subject, status and dates stay, so the outbox still counts
    what was sent. Returns how many rows were anonymised.
    """
    if not email.strip():
        return 0
    rows = Notification.objects.filter(to_email__iexact=email.strip())
    rows.filter(status=Status.QUEUED).update(status=Status.CANCELLED, next_attempt_at=None, updated_at=timezone.now())
    return rows.update(
        to_email="", to_name="", body_text="", body_html="", attachments=[], last_error="", updated_at=timezone.now()
    )
