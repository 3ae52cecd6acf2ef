from celery import shared_task

from .services import TemporaryDeliveryError, notification_claim, notification_deliver


@shared_task(bind=True, max_retries=8, acks_late=True)
def notification_send(self, *, notification_id: int) -> None:
    """Deliver one outbox row; quiet if it is gone or no longer queued, retried with backoff."""
    notification = notification_claim(notification_id)
    if notification is None:
        return
    try:
        notification_deliver(notification)
    except TemporaryDeliveryError as error:
        raise self.retry(countdown=min(30 * 2**self.request.retries, 3600), exc=error) from error
