import json

from django.core.management.base import BaseCommand, CommandError

from delegations.models import Participant
from privacy.services import participant_export_data


class Command(BaseCommand):
    help = "Print everything held about one participant as JSON (a subject access request)."

    def add_arguments(self, parser):
        parser.add_argument("participant_id", type=int)

    def handle(self, *args, participant_id, **options):
        participant = Participant.objects.filter(pk=participant_id).first()
        if participant is None:
            raise CommandError(f"No participant with id {participant_id}.")
        self.stdout.write(json.dumps(participant_export_data(participant), indent=2, ensure_ascii=False))
