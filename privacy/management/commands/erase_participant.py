from django.core.management.base import BaseCommand, CommandError

from delegations.models import Participant
from privacy.services import participant_erase


class Command(BaseCommand):
    help = "Anonymise one participant (erasure request), keeping counts for reports."

    def add_arguments(self, parser):
        parser.add_argument("participant_id", type=int)
        parser.add_argument("--yes", action="store_true", help="Confirm: the erasure cannot be undone.")

    def handle(self, *args, participant_id, yes, **options):
        participant = Participant.objects.filter(pk=participant_id).first()
        if participant is None:
            raise CommandError(f"No participant with id {participant_id}.")
        if not yes:
            raise CommandError(f"This erases {participant.full_name} for good. Run again with --yes to confirm.")
        participant_erase(participant, by=None)
        self.stdout.write(self.style.SUCCESS(f"Participant {participant_id} erased."))
