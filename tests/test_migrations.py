"""The restructure's migrations lose nothing, on PostgreSQL, in both directions.

``visits`` handed fifteen models to ``trips`` and ``outcomes`` state-only (the tables stay,
one simple-history m2m table is renamed, the content types are relabelled). This builds a
private database on the test server with the demo, a small ``bench_data`` set, published
itineraries in the outbox, history rows and admin log entries; migrates it back to
``visits 0004`` (the previous release's schema: the tables never changed), where outbox rows
and admin log entries about the moved models are added the way that release wrote them; and
migrates it forward again. It proves that:

- every moved table and its history table holds exactly the same rows (count and checksum
  of every row's text), the m2m history table under its new name;
- the moved models' content types keep their ids and say ``trips``/``outcomes`` (and say
  ``visits`` at the old state), so generic relations, admin log entries, permissions and
  groups' permissions still point at the same things;
- every outbox row's ``about`` and every admin log entry resolves to its row through the ORM,
  history (incl. the follow-up themes' m2m history) reads and writes through the ORM;
- nothing is left for ``migrate --check`` or ``makemigrations --check``.

The old state is checked to be the previous release's database exactly: only ``visits``
migrations applied, the m2m history table under its old name, and every moved model's content
type saying ``visits`` and no ``trips``/``outcomes`` content type (``post_migrate`` works from
the migrated state, so rolling back with today's code leaves none behind). The forward run works
on a copy (``CREATE DATABASE ... TEMPLATE``). Everything runs in ``manage.py`` subprocesses, so
it needs no old code; the databases are dropped at the end, also on failure.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PREFIX = f"cx_migr_{os.getpid()}"
OLD_STATE = ("visits", "0004_itinerary_change")

# Model name -> the app that owns it after the restructure (the migrations' MODELS lists).

NEW_APP = {
    **dict.fromkeys(
        [
            "calendarfeedtoken",
            "itinerarylastseen",
            "personaltravel",
            "historicalpersonaltravel",
            "accommodation",
            "historicalaccommodation",
            "invitationlettertemplate",
            "historicalinvitationlettertemplate",
        ],
        "trips",
    ),
    **dict.fromkeys(
        [
            "followup",
            "historicalfollowup",
            "historicalfollowup_themes",
            "itemnote",
            "historicalitemnote",
            "lesson",
            "historicallesson",
        ],
        "outcomes",
    ),
}
# Every table of the moved models (m2m tables included): name at the old state, name at the new one.
TABLES = {
    **{f"visits_{model}": f"visits_{model}" for model in NEW_APP if model != "historicalfollowup_themes"},
    "visits_followup_themes": "visits_followup_themes",
    "visits_historicalfollowup_themes": "outcomes_historicalfollowup_themes",
}
# The concrete models an outbox row or an admin log entry of the previous release could be about.
LINKED_MODELS = ["followup", "itemnote", "lesson", "personaltravel", "accommodation", "invitationlettertemplate"]
# Columns later migrations add to moved tables: the rows are compared without them.
ADDED_LATER = {
    "visits_personaltravel": {"sequence"},
    "visits_historicalpersonaltravel": {"sequence"},
    "visits_accommodation": {"sequence"},
    "visits_historicalaccommodation": {"sequence"},
    "visits_itinerarylastseen": {"changes_first_seen"},
}

SEED = """
import datetime as dt

from django.core.management import call_command

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from outcomes.models import FollowUp
from partners.models import City
from trips.models import Accommodation, InvitationLetterTemplate, ItineraryLastSeen, PersonalTravel
from visits.models import StudyVisit, Theme
from visits.services import visit_publish

call_command("bench_data", scale=1)  # it loads into an empty database only
call_command("load_demo")
admin = get_user_model().objects.get(email="admin@example.org")
for draft in StudyVisit.objects.filter(status=StudyVisit.Status.DRAFT).order_by("pk"):
    visit_publish(draft, by=admin)
visit = StudyVisit.objects.filter(delegation__isnull=False).order_by("pk").first()
participant = visit.delegation.members.order_by("pk").first().participant
departs = dt.datetime.combine(visit.starts_on, dt.time(7), tzinfo=dt.UTC)
travel = PersonalTravel.objects.create(
    visit=visit, participant=participant, direction="arrival", departure_place="Brussels",
    departure_timezone="Europe/Brussels", departs_at=departs, arrival_place="Nashville",
    arrival_timezone="America/Chicago", arrives_at=departs + dt.timedelta(hours=11),
)
travel.carrier = "UA 950"
travel.save()
Accommodation.objects.create(
    visit=visit, participant=participant, name="Union Station Hotel", city=City.objects.order_by("pk").first(),
    check_in=visit.starts_on, check_out=visit.ends_on,
)
InvitationLetterTemplate.objects.create(
    programme=visit.programme, language="en", subject="Invitation", body="Dear {participant_name},"
)
ItineraryLastSeen.objects.create(visit=visit, participant=participant, seen_at=timezone.now())
follow_up = FollowUp.objects.order_by("pk").first()
follow_up.themes.set(Theme.objects.order_by("pk")[:2])
LogEntry.objects.create(
    user=admin, content_type=ContentType.objects.get_for_model(FollowUp), object_id=str(follow_up.pk),
    object_repr=str(follow_up)[:200], action_flag=CHANGE, change_message="[]",
)
group = Group.objects.create(name="Moved models' editors")
group.permissions.set(Permission.objects.filter(content_type__app_label__in=["trips", "outcomes"]))
"""

# At the old state, as the previous release wrote them: outbox rows and admin log entries
# about the moved models, through the content types that said ``visits``.
OLD_RELEASE_LINKS = """
INSERT INTO notifications_notification
    (key, kind, to_email, to_name, language, subject, body_text, body_html, attachments, status,
     attempts, last_error, object_id, content_type_id, created_at, updated_at)
SELECT 'migration-check:' || ct.model, 'follow_up_assigned', 'owner@example.org', '', 'en', 'About a ' || ct.model,
       'Body', '', '[]', 'queued', 0, '', (SELECT min(id) FROM {table}), ct.id, now(), now()
FROM django_content_type ct WHERE ct.app_label = 'visits' AND ct.model = %(model)s;
INSERT INTO django_admin_log
    (action_time, object_id, object_repr, action_flag, change_message, content_type_id, user_id)
SELECT now(), (SELECT min(id) FROM {table})::text, ct.model, 2, '[]', ct.id, (SELECT min(id) FROM auth_user)
FROM django_content_type ct WHERE ct.app_label = 'visits' AND ct.model = %(model)s;
"""

# At the new state, through the ORM: what every link resolves to, and the history models.
ORM_CHECK = """
import json

from django.apps import apps
from django.core.management import call_command
from django.contrib.admin.models import LogEntry
from notifications.models import Notification
from outcomes.models import FollowUp, ItemNote, Lesson
from trips.models import Accommodation, InvitationLetterTemplate, PersonalTravel
from visits.models import Theme

def label(obj):
    return None if obj is None else [obj._meta.label_lower, obj.pk]

themes_history = apps.get_model("outcomes", "HistoricalFollowUp_themes")
result = {
    "notifications": sorted([n.pk, label(n.about)] for n in Notification.objects.all()),
    "log_entries": sorted([e.pk, label(e.get_edited_object())] for e in LogEntry.objects.all()),
    "history": {
        model._meta.label_lower: model.history.count()
        for model in [FollowUp, ItemNote, Lesson, PersonalTravel, Accommodation, InvitationLetterTemplate]
    },
    "themes_history_read": sum(len(record.themes.all()) for record in FollowUp.history.all()),
    # Every moved model kept its visits_ table; models born in trips after the move (check-ins) have trips_ ones.
    "tables": sorted(
        {
            m._meta.db_table
            for app in ("trips", "outcomes")
            for m in apps.get_app_config(app).get_models(True)
            if not m._meta.db_table.startswith("trips_")
        }
        | {f.remote_field.through._meta.db_table for f in FollowUp._meta.many_to_many}
    ),
}
before = themes_history.objects.count()
follow_up = FollowUp.objects.order_by("pk").first()
follow_up.themes.set(Theme.objects.order_by("-pk")[:1])
result["themes_history_written"] = themes_history.objects.count() - before
print("RESULT " + json.dumps(result))
# Both exit non-zero (the shell with them) when something is left to do.
call_command("migrate", check_unapplied=True, verbosity=0)
call_command("makemigrations", check_changes=True, dry_run=True, verbosity=0)
"""


def _server() -> dict:
    db = settings.DATABASES["default"]
    return {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"],
    }


def _url(name: str) -> str:
    server = _server()
    auth = server["user"] + (f":{server['password']}" if server["password"] else "")
    return f"postgres://{auth}@{server['host']}:{server['port']}/{name}"


def _admin(sql: str) -> None:
    connection = psycopg2.connect(dbname="postgres", **_server())
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def _query(name: str, sql: str, params=None) -> list[tuple]:
    connection = psycopg2.connect(dbname=name, **_server())
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


def _manage(name: str, *args: str, redis: bool = True) -> str:
    """Run ``manage.py`` against database ``name`` with production settings; return its stdout."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cityexchange.settings",
        "DATABASE_URL": _url(name),
        "DEBUG": "false",
        "SECRET_KEY": "migration-test-secret-key-not-for-production-0123456789",
        "SECURE_SSL_REDIRECT": "false",
        "BENCH": "true",
        "DEMO_PASSWORD": "migration-test-password",
        "EMAIL_URL": "consolemail://",
        "CACHE_KEY_PREFIX": f"{PREFIX}-cache",
        # Without Redis the outbox's tasks run in the process (eager), so nothing is left in a broker.
        "REDIS_URL": settings.REDIS_URL if redis else "",
    }
    done = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def _shell(name: str, script: str, **kwargs) -> str:
    return _manage(name, "shell", "-c", script, **kwargs)


def _relabel(app_label: str, model: str) -> str:
    return NEW_APP[model] if app_label == "visits" and model in NEW_APP else app_label


def _snapshot(name: str, *, new: bool) -> dict:
    """Every moved row (count and checksum per table), and every link that names a model by content type."""
    tables = {}
    for old_table, new_table in TABLES.items():
        table = new_table if new else old_table
        columns = [
            column
            for (column,) in _query(
                name,
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
                [table],
            )
            if column not in ADDED_LATER.get(old_table, ())
        ]
        listed = ", ".join(f'"{column}"' for column in columns)
        tables[old_table] = _query(
            name,
            f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) "  # noqa: S608
            f"FROM (SELECT {listed} FROM {table}) t",
        )[0]
    moved = list(NEW_APP)
    return {
        "tables": tables,
        "content_types": sorted(
            _query(name, "SELECT app_label, model, id FROM django_content_type WHERE model = ANY(%s)", [moved])
        ),
        "notifications": sorted(
            _query(
                name,
                "SELECT n.id, ct.app_label, ct.model, n.object_id FROM notifications_notification n "
                "LEFT JOIN django_content_type ct ON ct.id = n.content_type_id",
            )
        ),
        "log_entries": sorted(
            _query(
                name,
                "SELECT e.id, ct.app_label, ct.model, e.object_id FROM django_admin_log e "
                "LEFT JOIN django_content_type ct ON ct.id = e.content_type_id",
            )
        ),
        "permissions": sorted(
            _query(
                name,
                "SELECT p.id, p.codename, ct.app_label, ct.model FROM auth_permission p "
                "JOIN django_content_type ct ON ct.id = p.content_type_id WHERE ct.model = ANY(%s)",
                [moved],
            )
        ),
        "group_permissions": sorted(_query(name, "SELECT group_id, permission_id FROM auth_group_permissions")),
    }


def _expected_after(old: dict) -> dict:
    """The old snapshot as the forward migration must leave it: same rows and ids, moved models relabelled."""
    return {
        "tables": old["tables"],
        "content_types": sorted((NEW_APP[model], model, pk) for _app_label, model, pk in old["content_types"]),
        "notifications": sorted(
            (pk, _relabel(app_label, model), model, object_id)
            for pk, app_label, model, object_id in old["notifications"]
        ),
        "log_entries": sorted(
            (pk, _relabel(app_label, model), model, object_id) for pk, app_label, model, object_id in old["log_entries"]
        ),
        "permissions": sorted(
            (pk, codename, NEW_APP[model], model) for pk, codename, _label, model in old["permissions"]
        ),
        "group_permissions": old["group_permissions"],
    }


def _exists(name: str, table: str) -> bool:
    return _query(name, "SELECT to_regclass(%s) IS NOT NULL", [table])[0][0]


@pytest.fixture(scope="module")
def old_state():
    """A database at ``visits 0004`` holding the demo, bench data, outbox, history and admin log; its snapshot."""
    name = f"{PREFIX}_old"
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _admin(f"CREATE DATABASE {name}")
    try:
        _manage(name, "migrate", "--noinput", "--skip-checks", "-v", "0")
        _shell(name, SEED, redis=False)
        # Unapplies outcomes 0001 and trips 0001 (they depend on visits 0005) first, then visits 0005.
        _manage(name, "migrate", *OLD_STATE, "--noinput", "--skip-checks", "-v", "0")
        for model in LINKED_MODELS:
            _query(name, OLD_RELEASE_LINKS.format(table=f"visits_{model}"), {"model": model})
        yield name, _snapshot(name, new=False)
    finally:
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def clone(old_state):
    """A copy of the old-state database for one test, dropped after it."""
    template, snapshot = old_state
    name = f"{PREFIX}_forward"
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _admin(f"CREATE DATABASE {name} TEMPLATE {template}")
    try:
        yield name, snapshot
    finally:
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_migrations_old_state_is_the_previous_release(old_state):
    name, snapshot = old_state

    applied = _query(name, "SELECT app, name FROM django_migrations WHERE app IN ('visits', 'trips', 'outcomes')")

    assert max(applied) == OLD_STATE
    assert {app for app, _migration in applied} == {"visits"}
    assert _exists(name, "visits_historicalfollowup_themes")
    assert not _exists(name, "outcomes_historicalfollowup_themes")
    assert [(app_label, model) for app_label, model, _pk in snapshot["content_types"]] == [
        ("visits", model) for model in sorted(NEW_APP)
    ]
    # Something to lose: every moved table has rows, and links name moved models.
    assert [table for table, (count, _checksum) in snapshot["tables"].items() if count == 0] == []
    about = {model for _pk, app_label, model, _id in snapshot["notifications"] if app_label == "visits"}
    assert about == {"studyvisit", *LINKED_MODELS}
    logged = {model for _pk, app_label, model, _id in snapshot["log_entries"] if app_label == "visits"}
    assert logged == set(LINKED_MODELS)


def test_migrations_forward_keeps_every_row_and_link(clone):
    name, old = clone

    _manage(name, "migrate", "--noinput", "--skip-checks", "-v", "0")

    assert _snapshot(name, new=True) == _expected_after(old)
    assert not _exists(name, "visits_historicalfollowup_themes")
    orm = json.loads(_shell(name, ORM_CHECK).split("RESULT ", 1)[1])
    expected_links = sorted(
        [pk, [f"{_relabel(app_label, model)}.{model}", object_id]]
        for pk, app_label, model, object_id in old["notifications"]
    )
    assert orm["notifications"] == expected_links
    assert orm["log_entries"] == sorted(
        [pk, [f"{_relabel(app_label, model)}.{model}", int(object_id)]]
        for pk, app_label, model, object_id in old["log_entries"]
    )
    assert orm["history"] == {
        f"{NEW_APP[model]}.{model}": old["tables"][f"visits_historical{model}"][0]
        for model in ["followup", "itemnote", "lesson", "personaltravel", "accommodation", "invitationlettertemplate"]
    }
    assert orm["themes_history_read"] == old["tables"]["visits_historicalfollowup_themes"][0]
    assert orm["themes_history_written"] == 1
    assert orm["tables"] == sorted(TABLES.values())
