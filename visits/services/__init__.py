"""Workflows on visits: they change state and queue what must be said about it.

Every message is written to the outbox (``notifications.services.notification_queue``)
in the same transaction as the change that causes it, with a key that makes it unique,
and handed to Celery only after commit. Messages that depend on the clock (reminders,
digests) are found by the beat tasks in ``tasks.py`` scanning the database.

One module per concern; this package's names are the ones callers import.
"""

from .digests import itinerary_digests_queue, visit_digest_send_now, visit_itinerary_digest_queue
from .itinerary import (
    itinerary_item_cancel,
    itinerary_item_create,
    itinerary_item_delete,
    itinerary_item_duplicate,
    itinerary_item_update,
    own_entry_change_record,
)
from .legs import travel_leg_cancel, travel_leg_create, travel_leg_delete, travel_leg_update
from .planner import itinerary_entries_confirm, itinerary_entries_shift
from .programmes import (
    programme_create,
    programme_officer_add,
    programme_officer_remove,
    programme_update,
    theme_save,
    visit_clone,
    visit_create,
    visit_stop_create,
    visit_stop_delete,
    visit_stop_update,
    visit_update,
    write_fields,
)
from .publish_preview import visit_ended, visit_publish_as_previewed, visit_publish_preview
from .publishing import confirmed_participants, participant_message_queue, visit_publish, visit_unpublish
from .reminders import home_zone, is_due, morning_on, visit_lessons_requests_queue, visit_reminders_queue

__all__ = [
    "confirmed_participants",
    "home_zone",
    "is_due",
    "itinerary_digests_queue",
    "itinerary_entries_confirm",
    "itinerary_entries_shift",
    "itinerary_item_cancel",
    "itinerary_item_create",
    "itinerary_item_delete",
    "itinerary_item_duplicate",
    "itinerary_item_update",
    "morning_on",
    "own_entry_change_record",
    "participant_message_queue",
    "programme_create",
    "programme_officer_add",
    "programme_officer_remove",
    "programme_update",
    "theme_save",
    "travel_leg_cancel",
    "travel_leg_create",
    "travel_leg_delete",
    "travel_leg_update",
    "visit_clone",
    "visit_create",
    "visit_digest_send_now",
    "visit_ended",
    "visit_itinerary_digest_queue",
    "visit_lessons_requests_queue",
    "visit_publish",
    "visit_publish_as_previewed",
    "visit_publish_preview",
    "visit_reminders_queue",
    "visit_stop_create",
    "visit_stop_delete",
    "visit_stop_update",
    "visit_unpublish",
    "visit_update",
    "write_fields",
]
