"""Beat tasks: scan the database for messages that the clock makes due (no ETA tasks days ahead)."""

from celery import shared_task

from .privacy import sensitive_data_purge
from .services import itinerary_digests_queue, scheduled_messages_queue


@shared_task(acks_late=True)
def itinerary_digests_queue_task() -> int:
    """Queue one digest per delegate for each visit whose itinerary edits have gone quiet."""
    return itinerary_digests_queue()


@shared_task(acks_late=True)
def scheduled_messages_queue_task() -> int:
    """Queue due reminders before visits, lessons-learned requests after them and follow-up reminders."""
    return scheduled_messages_queue()


@shared_task(acks_late=True)
def sensitive_data_purge_task() -> int:
    """Clear dietary, accessibility and emergency-contact data kept past the retention period."""
    return sensitive_data_purge()
