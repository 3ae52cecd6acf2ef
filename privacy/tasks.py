"""Beat task: the daily purge of personal data kept past its retention period."""

from celery import shared_task

from .services import sensitive_data_purge


@shared_task(acks_late=True)
def sensitive_data_purge_task() -> int:
    """Clear dietary, accessibility and emergency-contact data kept past the retention period."""
    return sensitive_data_purge()
