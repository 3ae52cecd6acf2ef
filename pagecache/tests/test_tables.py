"""What the execute wrapper takes from each statement, and when versions move."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction

from pagecache import store
from pagecache.tables import recording, statement_tables


def _versions() -> dict:
    _entry, versions = store.lookup("no-such-entry")
    return versions


@pytest.mark.parametrize(
    ("sql", "read", "written"),
    [
        ('SELECT "a"."id" FROM "a" INNER JOIN "b" ON ("a"."id" = "b"."a_id")', {"a", "b"}, set()),
        ('INSERT INTO "a" ("x") VALUES (%s) RETURNING "a"."id"', set(), {"a"}),
        ('UPDATE "a" SET "x" = %s WHERE "a"."id" IN (SELECT U0."id" FROM "b" U0)', {"b"}, {"a"}),
        ('DELETE FROM "a" WHERE "a"."id" = %s', {"a"}, {"a"}),
        ("update partners_city set name = %s", set(), {"partners_city"}),
        ('TRUNCATE "a", "b";', set(), {"a", "b"}),
    ],
)
def test_statement_tables_names_what_is_read_and_written(sql, read, written):
    found_read, found_written = statement_tables(sql)

    assert (found_read, found_written) == (read, written)


@pytest.mark.django_db(transaction=True)
def test_a_write_moves_its_tables_version_only_after_commit():
    before = _versions().get("auth_group", "0")
    with transaction.atomic():
        Group.objects.create(name="Officers")
        inside = _versions().get("auth_group", "0")
    after = _versions().get("auth_group", "0")

    assert inside == before
    assert int(after) == int(before) + 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_moves_nothing():
    before = _versions().get("auth_group", "0")
    with pytest.raises(RuntimeError), transaction.atomic():
        Group.objects.create(name="Officers")
        raise RuntimeError

    assert _versions().get("auth_group", "0") == before


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_moves_nothing_but_its_committed_neighbour_does():
    before = _versions()
    with transaction.atomic():
        Group.objects.create(name="Kept")
        try:
            with transaction.atomic():
                Group.objects.filter(name="Kept").update(name="Renamed")
                with connection.cursor() as cursor:
                    cursor.execute("DELETE FROM auth_permission WHERE id < 0")
                raise RuntimeError
        except RuntimeError:
            pass
    after = _versions()

    assert int(after["auth_group"]) == int(before.get("auth_group", "0")) + 1
    assert after.get("auth_permission", "0") == before.get("auth_permission", "0")


@pytest.mark.django_db
def test_a_recording_notes_the_tables_read_and_any_write():
    with recording() as outer:
        list(Group.objects.filter(permissions__codename="x"))
        with recording() as inner:
            Group.objects.filter(name="none").update(name="none")

    assert {"auth_group", "auth_group_permissions", "auth_permission"} <= outer.read
    assert inner.wrote and outer.wrote
