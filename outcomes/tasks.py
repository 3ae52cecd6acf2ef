"""Beat tasks: scan the database for messages that the clock makes due (no ETA tasks days ahead)."""

from celery import shared_task

from .services import scheduled_messages_queue


@shared_task(acks_late=True)
def scheduled_messages_queue_task() -> int:
    """Queue due reminders before visits, lessons-learned requests after them and follow-up reminders."""
    return scheduled_messages_queue()
