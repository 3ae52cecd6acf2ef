"""`make run`'s embedded mode: SQLite, no Redis. The demo's main pages answer there as on PostgreSQL.

A query only PostgreSQL understands (an array aggregate, a `DISTINCT ON`) would pass every other
test and break `make run`; this walks the officer's and the delegate's pages on a fresh SQLite
file loaded with the demo.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WALK = """
from django.contrib.auth import get_user_model
from django.test import Client
from visits.models import StudyVisit

officer = get_user_model().objects.get(email="officer@example.org")
with_delegates = StudyVisit.objects.filter(delegation__members__participant__user__isnull=False)
visit = with_delegates.filter(programme__officers=officer).first()
delegation, stop = visit.delegation, visit.stops.order_by("position").first()
member = delegation.members.filter(participant__user__isnull=False).first()
pages = {
    officer: [
        "/", "/programmes/", f"/programmes/{visit.programme_id}/", "/visits/", f"/visits/{visit.pk}/",
        f"/visits/{visit.pk}/planner/", f"/visits/{visit.pk}/outbox/", f"/visits/{visit.pk}/report/",
        f"/visits/{visit.pk}/report.pdf", f"/visits/{visit.pk}/notes/", f"/visits/{visit.pk}/delegate-access/",
        f"/visits/{visit.pk}/messages/", "/follow-ups/", "/charts/", "/participants/",
        f"/participants/{member.participant_id}/", "/delegations/", f"/delegations/{delegation.pk}/",
        "/cities/", f"/cities/{stop.city_id}/", "/organisations/", f"/organisations/{visit.programme.organiser_id}/",
        "/memberships/", "/themes/",
    ],
    member.participant.user: [
        "/my/", f"/my/visits/{visit.pk}/", f"/my/visits/{visit.pk}/itinerary.ics",
        f"/my/visits/{visit.pk}/contacts/", f"/my/visits/{visit.pk}/notes/", f"/my/visits/{visit.pk}/travel/new/",
        "/my/profile/",
    ],
}
for user, paths in pages.items():
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    for path in paths:
        response = client.get(path, follow=True)
        print(response.status_code, path)
"""


def test_the_demo_pages_answer_on_sqlite_without_redis(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'embedded.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1",
    }

    def manage(*arguments):
        return subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    for step in (("migrate", "--noinput", "-v", "0"), ("load_demo",)):
        result = manage(*step)
        assert result.returncode == 0, result.stderr[-3000:]
    walked = manage("shell", "-c", WALK)

    assert walked.returncode == 0, walked.stderr[-3000:]
    answers = [line.split(" ", 1) for line in walked.stdout.splitlines() if line[:3].isdigit()]
    assert len(answers) == 31
    assert [path for status, path in answers if status != "200"] == []
