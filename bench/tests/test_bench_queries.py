"""The benchmark's cold statements, each said in a few words from the SQL Django really sends."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.management.commands.bench_queries import statement_summary
from partners.models import City
from visits.models import ItineraryItem
from visits.tests.factories import ItineraryItemFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _sql(run) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        run()
    return [query["sql"] for query in queries.captured_queries]


def test_a_select_names_its_own_table_first_and_then_what_it_joins():
    ItineraryItemFactory()

    [sql] = _sql(lambda: list(ItineraryItem.objects.select_related("city")))

    assert statement_summary(sql) == "SELECT visits_itineraryitem (+partners_city)"


def test_a_choice_list_read_through_a_cursor_and_a_union_say_so():
    ItineraryItemFactory()

    [cursor] = [sql for sql in _sql(lambda: list(City.objects.iterator())) if sql.startswith("DECLARE")]
    [union] = _sql(lambda: list(City.objects.filter(pk=1).union(City.objects.filter(pk=2))))

    assert statement_summary(cursor) == "choices partners_city"
    assert statement_summary(union).startswith("UNION partners_city")


def test_writes_name_the_table_they_write():
    [insert] = [sql for sql in _sql(lambda: City.objects.create(name="Nashville", timezone="America/Chicago"))]

    assert statement_summary(insert) == "INSERT partners_city"
