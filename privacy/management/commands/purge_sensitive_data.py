from django.conf import settings
from django.core.management.base import BaseCommand

from privacy.services import sensitive_data_purge


class Command(BaseCommand):
    help = "Clear dietary, accessibility and emergency-contact data past PERSONAL_DATA_RETENTION_DAYS."

    def handle(self, *args, **options):
        count = sensitive_data_purge()
        self.stdout.write(f"Cleared {count} participant(s) (retention: {settings.PERSONAL_DATA_RETENTION_DAYS} days).")
