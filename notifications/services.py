"""Writing to the outbox and handing its rows to Celery (the delivery is ``delivery.py``).

Callers write a row inside their own transaction; the row is handed to Celery only
after that transaction commits, so a rolled-back change sends nothing. The row, not the
broker, is the record of what must be sent: a periodic sweep hands rows that a broker
outage or a lost worker left behind to Celery again, and the claim (``queued`` ->
``sending`` under a row lock, ``delivery.notification_claim``) makes a second hand-over
of the same row a no-op.
"""

import datetime as dt
import functools
import logging
import time
import uuid

from celery import signature
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import BouncedAddress, Notification

logger = logging.getLogger(__name__)

Status = Notification.Status

NOTIFICATION_SEND_TASK = "notifications.tasks.notification_send"


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
    headers: dict[str, str] | None = None,
) -> tuple[Notification, bool]:
    """Write one outbox row unless one with ``key`` exists; hand it to Celery after commit.

    Call it inside the transaction of the change that causes the message. ``attachments``
    is a list of ``{"filename", "mimetype", "content"}`` with text content (the mimetype may
    carry parameters: ``text/calendar; method=REQUEST``); ``headers`` are sent with the
    message (``Reply-To``, ``List-Unsubscribe``...). Returns the
    row and whether it was created; an existing key changes nothing and queues nothing.
    A message to an address that bounced for good is written as ``failed``, with why, and
    never handed to Celery.
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
        "headers": headers or {},
    }
    if about is not None:
        defaults["content_type"] = ContentType.objects.get_for_model(about)
        defaults["object_id"] = about.pk
    bounce = BouncedAddress.objects.filter(email=to_email.strip().lower()).first()
    if bounce is not None:
        defaults["status"] = Status.FAILED
        defaults["last_error"] = _("Not sent: this address bounced on %(date)s (%(reason)s).") % {
            "date": bounce.bounced_at.date().isoformat(),
            "reason": bounce.reason,
        }
    notification, created = Notification.objects.get_or_create(key=key, defaults=defaults)
    if created and bounce is None:
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
    # By name, not by import: tasks.py imports this module (the sweep task), so importing the
    # task here, even inside the function, would close a cycle. The name resolves to the
    # registered task (NotificationsConfig.ready imports tasks.py in every process), so
    # CELERY_TASK_ALWAYS_EAGER still runs it in-process; ``send_task`` would ignore that.
    send = signature(NOTIFICATION_SEND_TASK, kwargs={"notification_id": notification_id})

    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        return False
    try:
        send.apply_async(  # called only from notification_queue's on_commit hook or the sweep task
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
        headers=notification.headers,
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
    address) are blanked, and the address's bounce record (address and server answer) is
    deleted. Kind, subject, status and dates stay, so the outbox still counts what was sent.
    Returns how many rows were anonymised.
    """
    if not email.strip():
        return 0
    BouncedAddress.objects.filter(email__iexact=email.strip()).delete()
    rows = Notification.objects.filter(to_email__iexact=email.strip())
    rows.filter(status=Status.QUEUED).update(status=Status.CANCELLED, next_attempt_at=None, updated_at=timezone.now())
    return rows.update(
        to_email="",
        to_name="",
        body_text="",
        body_html="",
        attachments=[],
        headers={},
        last_error="",
        updated_at=timezone.now(),
    )


def notifications_erase_keyed(prefixes: list[str]) -> int:
    """Blank the subject, bodies and attachments of every row whose key starts with one of
    ``prefixes``: messages to others that name an erased person (a check-in alert).

    Rows still queued are cancelled first. Address, kind, status and dates stay. Returns how
    many rows were blanked.
    """
    if not prefixes:
        return 0
    matches = Q()
    for prefix in prefixes:
        matches |= Q(key__startswith=prefix)
    rows = Notification.objects.filter(matches)
    rows.filter(status=Status.QUEUED).update(status=Status.CANCELLED, next_attempt_at=None, updated_at=timezone.now())
    return rows.update(subject="", body_text="", body_html="", attachments=[], last_error="", updated_at=timezone.now())
