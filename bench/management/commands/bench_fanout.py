"""Notification fan-out for the benchmark: the outbox through the real Celery worker against a plain loop.

1. Publishes ``--visits`` draft visits in one transaction (``visit_publish``: one
   "itinerary published" message per confirmed member, rendered and written to the
   outbox); at commit the rows are handed to Celery, and a running worker sends them to
   the SMTP sink. Timed from the commit until the sink has counted every message.
2. Sends the same messages (built from the same rows, as the worker builds them) to the
   same sink in a plain loop in this process, one SMTP connection each, as the worker does.

``--rounds`` repeats both (on the next drafts) and sums the times, so that on shared cores
the two paths see the same machine. The sink is ``bench/smtp_sink.py``; its status file
says how many messages it has taken. Prints JSON with both rates and their ratio.
"""

import json
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, Q

from delegations.models import DelegationMember
from notifications.delivery import _message
from notifications.models import Notification
from visits.models import StudyVisit
from visits.services import visit_publish

from .bench_data import OFFICER_EMAIL


def _sink_count(status: Path) -> int:
    try:
        return int(status.read_text().split()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return -1


def _wait_for(status: Path, target: int, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while _sink_count(status) < target:
        if time.monotonic() > deadline:
            raise CommandError(f"The SMTP sink counted {_sink_count(status)} of {target} messages in {timeout:.0f} s.")
        time.sleep(0.01)
    return time.monotonic()


class Command(BaseCommand):
    help = "Measure notification fan-out: publish -> Celery worker -> SMTP sink, against a plain sending loop."

    def add_arguments(self, parser):
        parser.add_argument("--visits", type=int, default=30, help="How many draft visits to publish in each round.")
        parser.add_argument("--rounds", type=int, default=2, help="Rounds of worker then plain loop, summed.")
        parser.add_argument("--sink-status", required=True, help="The status file of bench/smtp_sink.py.")
        parser.add_argument("--timeout", type=float, default=180)

    def handle(self, *args, visits, rounds, sink_status, timeout, **options):
        status = Path(sink_status)
        if _sink_count(status) < 0:
            raise CommandError(f"No SMTP sink status at {status}: start bench/smtp_sink.py first.")
        officer = get_user_model().objects.get(email=OFFICER_EMAIL)
        confirmed = Q(delegation__members__status=DelegationMember.Status.CONFIRMED)
        drafts = list(
            StudyVisit.objects.filter(status=StudyVisit.Status.DRAFT)
            .annotate(confirmed=Count("delegation__members", filter=confirmed))
            .filter(confirmed__gt=0)
            .order_by("pk")[: visits * rounds]
        )
        if len(drafts) < visits * rounds:
            raise CommandError(f"Only {len(drafts)} draft visits with confirmed members; load a larger scale.")
        totals = {"messages": 0, "sent": 0, "publish": 0.0, "worker": 0.0, "end_to_end": 0.0, "loop": 0.0}
        # The cores are shared: worker and loop alternate, so both see the same machine.
        for round_ in range(rounds):
            self._round(drafts[round_ * visits : (round_ + 1) * visits], officer, status, timeout, totals)
        count = totals["messages"]
        worker_rate = count / totals["worker"]
        loop_rate = count / totals["loop"]
        self.stdout.write(
            json.dumps(
                {
                    "visits_published": len(drafts),
                    "rounds": rounds,
                    "messages": count,
                    "marked_sent": totals["sent"],
                    "publish_seconds": round(totals["publish"], 3),
                    "worker_seconds": round(totals["worker"], 3),
                    "worker_messages_per_second": round(worker_rate, 1),
                    "end_to_end_messages_per_second": round(count / totals["end_to_end"], 1),
                    "plain_loop_seconds": round(totals["loop"], 3),
                    "plain_loop_messages_per_second": round(loop_rate, 1),
                    "ratio": round(worker_rate / loop_rate, 3),
                }
            )
        )

    def _round(self, drafts, officer, status: Path, timeout: float, totals: dict) -> None:
        before_rows = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

        # 1. Through the outbox and the real worker.
        start = _sink_count(status)
        publish_started = time.monotonic()
        with transaction.atomic():
            for visit in drafts:
                visit_publish(visit, by=officer)
        committed = time.monotonic()
        rows = list(Notification.objects.filter(pk__gt=before_rows).order_by("pk"))
        count = len(rows)
        worker_done = _wait_for(status, start + count, timeout)
        totals["sent"] += Notification.objects.filter(pk__gt=before_rows, status=Notification.Status.SENT).count()

        # 2. The same messages in a plain loop.
        start = _sink_count(status)
        loop_started = time.monotonic()
        for row in rows:
            _message(row).send()
        loop_done = _wait_for(status, start + count, timeout)

        totals["messages"] += count
        totals["publish"] += committed - publish_started
        totals["worker"] += worker_done - committed
        totals["end_to_end"] += worker_done - publish_started
        totals["loop"] += loop_done - loop_started
