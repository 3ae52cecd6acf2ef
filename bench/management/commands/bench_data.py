"""Load a synthetic data set for the benchmark (bench/): ``python manage.py bench_data --scale N``.

Scale 1 gives 1 programme, 10 visits, 10 delegations, 100 participants and 1,000
itinerary items; scale 1000 gives 10,000 visits, 100,000 participants and 1,000,000
items (each item with a host organisation and a theme, and a history record, as the
itinerary services would leave). Rows are streamed to PostgreSQL with COPY in chunks,
so the load is bound by the database, not by the ORM.

It also makes the accounts the benchmark signs in with: a programme officer assigned to
the first programme and a delegate who is a confirmed member of its first visit (published,
under way today, 100 items), with known passwords, and a calendar feed token for the
delegate. It loads into a database with no programmes, visits or participants and
refuses otherwise (``--flush`` empties the database first).
"""

import datetime as dt
import io
import time
import zoneinfo

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from delegations.models import Delegation, DelegationMember, Participant
from delegations.tokens import token_hash
from outcomes.models import FollowUp
from pagecache.store import clear as pagecache_clear
from partners.models import City, Organisation
from trips.models import CalendarFeedToken
from visits.models import ItineraryItem, Programme, StudyVisit, Theme, VisitStop

VISITS_PER_PROGRAMME = 10
MEMBERS_PER_DELEGATION = 10
ITEMS_PER_VISIT = 100
VISIT_DAYS = 7
CHUNK_ROWS = 100_000

OFFICER_EMAIL = "bench-officer@example.org"
DELEGATE_EMAIL = "bench-delegate@example.org"
DEFAULT_PASSWORD = "bench-password-not-a-secret"  # noqa: S105 - a throwaway benchmark database
DEFAULT_FEED_TOKEN = "bench-calendar-feed-token"  # noqa: S105

ZONES = [
    "Europe/Brussels",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Africa/Casablanca",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/Sao_Paulo",
]
THEMES = [
    "Community policing",
    "Violent extremism prevention",
    "Youth work",
    "Social cohesion",
    "Victim support",
    "Urban safety",
    "Street outreach",
    "Restorative justice",
    "Hate crime",
    "Drug policy",
    "Night-time economy",
    "Crisis communication",
]
KINDS = [choice for choice, _label in ItineraryItem.Kind.choices]
ORG_KINDS = [choice for choice, _label in Organisation.Kind.choices]
PROFESSIONS = [choice for choice, _label in Participant.Profession.choices]
ROLES = [choice for choice, _label in DelegationMember.Role.choices]
FOLLOW_UP_STATUSES = [choice for choice, _label in FollowUp.Status.choices]


def sizes(scale: int) -> dict[str, int]:
    """How many rows of each kind a scale gives."""
    visits = scale * VISITS_PER_PROGRAMME
    return {
        "cities": 40 + scale // 10,
        "organisations": 40 + scale // 5,
        "themes": len(THEMES),
        "programmes": scale,
        "visits": visits,
        "delegations": visits,
        "participants": visits * MEMBERS_PER_DELEGATION,
        "items": visits * ITEMS_PER_VISIT,
        "follow_ups": visits * 2,
    }


def _text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


class Copier:
    """COPY rows into a model's table, in chunks, in the given field order."""

    def __init__(self, cursor, out):
        self.cursor = cursor
        self.out = out

    def copy(self, model, fields: list[str], rows) -> int:
        meta = model._meta
        columns = ", ".join(connection.ops.quote_name(meta.get_field(name).column) for name in fields)
        sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
        return self._copy(sql, rows)

    def copy_table(self, table: str, columns: list[str], rows) -> int:
        quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
        return self._copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN", rows)

    def _copy(self, sql: str, rows) -> int:
        total = 0
        buffer = io.StringIO()
        count = 0
        for row in rows:
            buffer.write("\t".join(map(_text, row)))
            buffer.write("\n")
            count += 1
            if count == CHUNK_ROWS:
                total += self._flush(sql, buffer, count)
                buffer, count = io.StringIO(), 0
        if count:
            total += self._flush(sql, buffer, count)
        return total

    def _flush(self, sql: str, buffer: io.StringIO, count: int) -> int:
        buffer.seek(0)
        self.cursor.copy_expert(sql, buffer)
        return count


class Command(BaseCommand):
    help = "Load a synthetic benchmark data set at a scale (1: 10 visits; 1000: 10k visits, 1M itinerary items)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="1 gives about 10 visits and 1,000 items.")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Password of the bench accounts.")
        parser.add_argument("--feed-token", default=DEFAULT_FEED_TOKEN, help="The delegate's calendar feed token.")
        parser.add_argument(
            "--flush", action="store_true", help="Empty the whole database first (manage.py flush): never on real data."
        )

    def handle(self, *args, scale, password, feed_token, flush, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_data loads with COPY and needs PostgreSQL (set DATABASE_URL).")
        if scale < 1:
            raise CommandError("--scale must be a whole number of at least 1.")
        if flush:
            call_command("flush", interactive=False, verbosity=0)
        existing = {
            "programmes": Programme.objects.count(),
            "visits": StudyVisit.objects.count(),
            "participants": Participant.objects.count(),
        }
        if any(existing.values()):
            found = ", ".join(f"{count} {name}" for name, count in existing.items() if count)
            raise CommandError(
                f"The database already holds data ({found}); bench_data loads into an empty database. "
                "Use a fresh benchmark database, or pass --flush to empty this one first."
            )
        self.now = timezone.now()
        self.today = timezone.localdate()
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            self.copier = Copier(cursor, self.stdout)
            counts = self._load(scale, cursor)
            users = self._accounts(password, feed_token)
            cursor.execute(";".join(connection.ops.sequence_reset_sql(no_style(), self._models())))
        # Fresh statistics for every table, the many-to-many ones included: without them the
        # planner guesses, and prefetches over a million rows pick a full scan.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        # COPY goes past Django's execute wrapper, so no table version moved: forget every cached page.
        pagecache_clear()
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Loaded scale {scale} in {elapsed:.1f} s: {summary}."))
        for role, (user, visit_id) in users.items():
            self.stdout.write(f"  {role}: {user.email} (visit {visit_id})")
        self.stdout.write(f"  password: {password}; feed token: {feed_token}")

    def _models(self) -> list:
        models = [City, Organisation, Theme, Programme, Participant, Delegation, DelegationMember, StudyVisit]
        models += [VisitStop, ItineraryItem, FollowUp, CalendarFeedToken]
        models += [StudyVisit.history.model, ItineraryItem.history.model, FollowUp.history.model]
        return models

    def _base(self, cursor, model) -> int:
        """The first free primary key of a table (1 in an empty database)."""
        return (model.objects.aggregate(last=Max("pk"))["last"] or 0) + 1

    def _load(self, scale: int, cursor) -> dict[str, int]:
        n = sizes(scale)
        now = self.now.isoformat()
        copy = self.copier.copy
        counts = {}

        city0 = self._base(cursor, City)
        cities = self._city_rows = [(city0 + i, ZONES[i % len(ZONES)]) for i in range(n["cities"])]
        counts["cities"] = copy(
            City,
            ["id", "name", "region", "country", "timezone"],
            ((pk, f"Bench City {i}", f"Region {i % 7}", "BE", zone) for i, (pk, zone) in enumerate(cities)),
        )
        org0 = self._base(cursor, Organisation)
        orgs = list(range(org0, org0 + n["organisations"]))
        counts["organisations"] = copy(
            Organisation,
            ["id", "name", "acronym", "kind", "city_id", "parent_id", "website", "description"],
            (
                (pk, f"Bench Organisation {i}", f"BO{i}", ORG_KINDS[i % len(ORG_KINDS)], cities[i % len(cities)][0])
                + (None, "", "")
                for i, pk in enumerate(orgs)
            ),
        )
        theme0 = self._base(cursor, Theme)
        themes = list(range(theme0, theme0 + n["themes"]))
        counts["themes"] = copy(
            Theme,
            ["id", "name", "name_fr", "slug", "description"],
            (
                (pk, f"{name} (bench)", "", f"bench-theme-{i}", "")
                for i, (pk, name) in enumerate(zip(themes, THEMES, strict=True))
            ),
        )
        programme0 = self._base(cursor, Programme)
        counts["programmes"] = copy(
            Programme,
            ["id", "name", "description", "organiser_id", "reminder_days", "created_at"],
            (
                (programme0 + i, f"Bench programme {i}", "", orgs[i % len(orgs)], "[7, 1]", now)
                for i in range(n["programmes"])
            ),
        )

        participant0 = self._base(cursor, Participant)
        counts["participants"] = copy(
            Participant,
            ["id", "first_name", "last_name", "email", "phone", "organisation_id", "position", "profession"]
            + ["home_city_id", "preferred_language", "dietary_needs", "accessibility_needs"]
            + ["emergency_contact_name", "emergency_contact_phone", "created_at", "updated_at"],
            (
                (participant0 + i, f"First{i}", f"Last{i}", f"p{i}@bench.example.org", "+32 4 000 00 00")
                + (orgs[i % len(orgs)], "Practitioner", PROFESSIONS[i % len(PROFESSIONS)], cities[i % 40][0])
                + ("fr" if i % 3 == 0 else "en", "", "", "", "", now, now)
                for i in range(n["participants"])
            ),
        )
        delegation0 = self._base(cursor, Delegation)
        counts["delegations"] = copy(
            Delegation,
            ["id", "name", "head_id", "notes", "created_at"],
            (
                (delegation0 + d, f"Bench delegation {d}", participant0 + d * MEMBERS_PER_DELEGATION, "", now)
                for d in range(n["delegations"])
            ),
        )
        home_cities = Delegation.home_cities.through
        copy(
            home_cities,
            ["delegation_id", "city_id"],
            ((delegation0 + d, cities[d % 40][0]) for d in range(n["delegations"])),
        )
        statuses = ["confirmed"] * 8 + ["invited", "declined"]
        counts["members"] = copy(
            DelegationMember,
            ["delegation_id", "participant_id", "role", "status", "invited_at", "responded_at"],
            (
                (delegation0 + i // MEMBERS_PER_DELEGATION, participant0 + i, ROLES[i % len(ROLES)])
                + (statuses[i % 10], now, now)
                for i in range(n["participants"])
            ),
        )

        visit0 = self._base(cursor, StudyVisit)
        visits = [self._visit(i, visit0 + i, programme0 + i // VISITS_PER_PROGRAMME) for i in range(n["visits"])]
        self.first_visit_id = visit0
        visit_fields = ["id", "title", "starts_on", "ends_on", "status", "summary", "published_at"]
        visit_fields += ["created_at", "updated_at", "delegation_id", "programme_id"]
        visit_rows = [
            (v["id"], v["title"], v["starts_on"], v["ends_on"], v["status"], "", v["published_at"], now, now)
            + (delegation0 + i, v["programme_id"])
            for i, v in enumerate(visits)
        ]
        counts["visits"] = copy(StudyVisit, visit_fields, visit_rows)
        self._history(StudyVisit, visit_fields, visit_rows)
        copy(
            StudyVisit.themes.through,
            ["studyvisit_id", "theme_id"],
            ((v["id"], themes[(i + k) % len(themes)]) for i, v in enumerate(visits) for k in range(2)),
        )
        stops = []
        for v in visits:
            first, second = v["cities"]
            split = v["starts_on"] + dt.timedelta(days=3)
            stops.append((v["id"], first[0], 1, v["starts_on"], split))
            stops.append((v["id"], second[0], 2, split + dt.timedelta(days=1), v["ends_on"]))
        copy(VisitStop, ["visit_id", "city_id", "position", "arrives_on", "departs_on"], stops)

        follow_up0 = self._base(cursor, FollowUp)
        follow_up_fields = ["id", "visit_id", "title", "description", "owner_participant_id", "owner_organisation_id"]
        follow_up_fields += ["owner_city_id", "due_on", "status", "outcome", "created_at", "updated_at"]
        follow_up_rows = []
        for i, v in enumerate(visits):
            head = participant0 + i * MEMBERS_PER_DELEGATION
            for k in range(2):
                owner = (head, None, None) if k == 0 else (None, None, v["cities"][0][0])
                due = v["ends_on"] + dt.timedelta(days=30 + 60 * k)
                follow_up_rows.append(
                    (follow_up0 + 2 * i + k, v["id"], f"Follow-up {k} of visit {i}", "")
                    + owner
                    + (due, FOLLOW_UP_STATUSES[(i + k) % len(FOLLOW_UP_STATUSES)], "", now, now)
                )
        counts["follow_ups"] = copy(FollowUp, follow_up_fields, follow_up_rows)
        self._history(FollowUp, follow_up_fields, follow_up_rows)

        item0 = self._base(cursor, ItineraryItem)
        item_fields = ["id", "kind", "title", "venue", "address", "starts_at", "ends_at", "status", "host_contact"]
        item_fields += ["description", "notes_for_delegates", "created_at", "updated_at", "city_id", "visit_id"]
        item_fields += ["sequence"]
        counts["items"] = copy(ItineraryItem, item_fields, self._items(visits, item0, now))
        self._history(ItineraryItem, item_fields, self._items(visits, item0, now))
        total_items = counts["items"]
        copy(
            ItineraryItem.host_organisations.through,
            ["itineraryitem_id", "organisation_id"],
            ((item0 + k, orgs[(k * 7) % len(orgs)]) for k in range(total_items)),
        )
        copy(
            ItineraryItem.themes.through,
            ["itineraryitem_id", "theme_id"],
            ((item0 + k, themes[k % len(themes)]) for k in range(total_items)),
        )
        return counts

    def _visit(self, i: int, pk: int, programme_id: int) -> dict:
        """Visit ``i``: a week somewhere in the last eight years or the next three; the first is under way."""
        if i == 0:
            starts_on = self.today - dt.timedelta(days=2)
        else:
            starts_on = self.today + dt.timedelta(days=(i * 53) % 4000 - 3000)
        ends_on = starts_on + dt.timedelta(days=VISIT_DAYS - 1)
        if i % VISITS_PER_PROGRAMME == 9:
            status, published_at = StudyVisit.Status.DRAFT.value, None
        else:
            status = StudyVisit.Status.COMPLETED.value if ends_on < self.today else StudyVisit.Status.PUBLISHED.value
            published_at = dt.datetime.combine(starts_on - dt.timedelta(days=30), dt.time(9), tzinfo=dt.UTC)
        cities = self._city_rows
        return {
            "id": pk,
            "programme_id": programme_id,
            "title": f"Bench visit {i}",
            "starts_on": starts_on,
            "ends_on": ends_on,
            "status": status,
            "published_at": published_at.isoformat() if published_at else None,
            # Two host cities, (id, zone) each: the first four days in one, the last three in the other.
            "cities": (cities[i % len(cities)], cities[(i * 7 + 3) % len(cities)]),
        }

    def _items(self, visits: list[dict], item0: int, now: str):
        """Each visit's items: 14 or 15 a day from 08:00 local time, 30 minutes each, 45 minutes apart."""
        pk = item0
        kinds, statuses = KINDS, ["confirmed"] * 8 + ["requested", "cancelled"]
        per_day = [k * VISIT_DAYS // ITEMS_PER_VISIT for k in range(ITEMS_PER_VISIT)]
        first_of_day = {}
        for k, day in enumerate(per_day):
            first_of_day.setdefault(day, k)
        half_hour = dt.timedelta(minutes=30)
        for v in visits:
            city_pair = v["cities"]
            day_start = {}
            for day in range(VISIT_DAYS):
                city_id, zone = city_pair[0] if day < 4 else city_pair[1]
                date = v["starts_on"] + dt.timedelta(days=day)
                local = dt.datetime.combine(date, dt.time(8), tzinfo=zoneinfo.ZoneInfo(zone))
                day_start[day] = (city_id, local.astimezone(dt.UTC))
            for k in range(ITEMS_PER_VISIT):
                day = per_day[k]
                city_id, start_of_day = day_start[day]
                starts_at = start_of_day + dt.timedelta(minutes=45 * (k - first_of_day[day]))
                yield (
                    pk,
                    kinds[k % len(kinds)],
                    f"Meeting {k} of {v['title']}",
                    f"Venue {k % 17}",
                    f"{k + 1} Main Street",
                    starts_at.isoformat(),
                    (starts_at + half_hour).isoformat(),
                    statuses[k % 10],
                    "",
                    "A working meeting with local practitioners.",
                    "Bring your badge." if k % 5 == 0 else "",
                    now,
                    now,
                    city_id,
                    v["id"],
                    0,
                )
                pk += 1

    def _history(self, model, fields: list[str], rows) -> int:
        """One creation record per row, as the services would have left through django-simple-history."""
        history = model.history.model
        history_date = self.now - dt.timedelta(days=30)
        step = dt.timedelta(seconds=1)
        columns = [model._meta.get_field(name).column for name in fields]
        columns += ["history_date", "history_type", "history_change_reason", "history_user_id"]

        def records():
            stamp = history_date
            for row in rows:
                stamp += step
                yield row + (stamp.isoformat(), "+", None, None)

        return self.copier.copy_table(history._meta.db_table, columns, records())

    def _accounts(self, password: str, feed_token: str) -> dict:
        user_model = get_user_model()
        officer = user_model.objects.create_user(username=OFFICER_EMAIL, email=OFFICER_EMAIL, password=password)
        delegate = user_model.objects.create_user(username=DELEGATE_EMAIL, email=DELEGATE_EMAIL, password=password)
        visit = StudyVisit.objects.select_related("programme", "delegation").get(pk=self.first_visit_id)
        visit.programme.officers.add(officer)
        member = (
            DelegationMember.objects.filter(delegation=visit.delegation, status=DelegationMember.Status.CONFIRMED)
            .select_related("participant")
            .order_by("pk")
            .first()
        )
        participant = member.participant
        participant.user = delegate
        participant.save(update_fields=["user"])
        CalendarFeedToken.objects.create(participant=participant, token_hash=token_hash(feed_token), created_by=officer)
        return {"officer": (officer, visit.pk), "delegate": (delegate, visit.pk)}
