"""Delivering the outbox. Tasks take primary keys; the row is the record of what to send."""

from celery import shared_task

from .delivery import TemporaryDeliveryError, notification_claim, notification_deliver
from .services import notification_sweep


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def notification_send(self, *, notification_id: int) -> None:
    """Deliver one outbox row: quiet if it is gone, no longer queued or not yet due.

    A temporary failure is retried after the backoff the row records; the row's attempt
    count, not Celery's, decides when to give up.
    """
    notification = notification_claim(notification_id)
    if notification is None:
        return
    try:
        notification_deliver(notification)
    except TemporaryDeliveryError as error:
        if self.request.is_eager:
            return  # In-process mode has no worker to wait; the row keeps its next attempt time.
        raise self.retry(countdown=error.retry_in, exc=error) from error


@shared_task(acks_late=True)
def notification_sweep_task() -> int:
    """Beat: hand rows left queued (broker outage) or stuck sending (lost worker) to Celery again."""
    return notification_sweep()
