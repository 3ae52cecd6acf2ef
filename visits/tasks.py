"""Beat tasks: scan the database for messages that the clock makes due (no ETA tasks days ahead)."""

from celery import shared_task

from .services import itinerary_digests_queue


@shared_task(acks_late=True)
def itinerary_digests_queue_task() -> int:
    """Queue one digest per delegate for each visit whose itinerary edits have gone quiet."""
    return itinerary_digests_queue()
