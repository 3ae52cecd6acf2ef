"""Count the database queries of each benchmarked page, through the test client, against this database.

``cold`` is the first request with the page cache empty (``pagecache.store.clear()``);
``warm`` the request after the page has been stored (at most three tries: a delegate's first
look writes its mark, so that answer is not stored), which is what a page costs under load.
A ``_304`` page is asked with the ETag its full answer carried. Prints JSON.
"""

import json
import re

from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pagecache import store
from pagecache.pages import STATUS_HEADER

from ._bench import PAGES, conditional, page_paths, signed_in_client
from .bench_data import DEFAULT_FEED_TOKEN

_VERB = re.compile(r"^\(?(?:DECLARE \S+ NO SCROLL CURSOR WITH HOLD FOR )?\(?(SELECT|INSERT|UPDATE|DELETE)\b")
_COLUMN = re.compile(r'"(\w+)"\."\w+"')
_TABLE = re.compile(r'(?:FROM|JOIN|INTO|UPDATE) "(\w+)"')


def statement_summary(sql: str) -> str:
    """One cold statement in a few words: what it does, its own table, and the others it names.

    ``SELECT visits_itineraryitem (+partners_city)``; ``choices`` is a select's options, which
    Django reads through a server-side cursor (``DECLARE``); ``UNION`` statements say so.
    """
    verb = _VERB.match(sql)
    verb = verb.group(1) if verb else sql.split()[0]
    if sql.startswith("DECLARE"):
        verb = "choices"
    elif " UNION " in sql:
        verb = "UNION"
    tables = list(dict.fromkeys(_TABLE.findall(sql)))
    own = _COLUMN.search(sql)
    own = own.group(1) if own and verb in ("SELECT", "choices") else (tables[0] if tables else "")
    others = [table for table in tables if table != own]
    return f"{verb} {own}" + (f" (+{', '.join(others)})" if others else "")


def _count(client, path, headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
    return len(queries), response, [query["sql"] for query in queries.captured_queries]


class Command(BaseCommand):
    help = "Count the queries of each benchmarked page (cold and warm); print JSON."

    def add_arguments(self, parser):
        parser.add_argument("--feed-token", default=DEFAULT_FEED_TOKEN)
        parser.add_argument("--show", action="store_true", help="Also print each cold request's SQL.")
        parser.add_argument(
            "--reads", action="store_true", help="Also give each cold statement in a few words (one JSON line)."
        )
        parser.add_argument("--page", action="append", help="Only these pages.")

    def handle(self, *args, feed_token, show, reads, page, **options):
        paths = page_paths(feed_token)
        results = {}
        for name, (role, _path) in PAGES.items():
            if page and name not in page:
                continue
            client = signed_in_client(role)
            store.clear()
            cold, response, cold_sql = _count(client, paths[name], {})
            headers = {}
            for _attempt in range(3):
                if conditional(name):
                    headers = {"If-None-Match": response["ETag"]} if response.has_header("ETag") else {}
                warm, response, _sql = _count(client, paths[name], headers)
                if response.get(STATUS_HEADER) == "hit" or name == "ceiling":
                    break
            results[name] = {
                "status": response.status_code,
                "cold": cold,
                "warm": warm,
                "answered": response.get(STATUS_HEADER, ""),
            }
            if show:
                results[name]["cold_sql"] = cold_sql
            if reads:
                results[name]["cold_reads"] = [statement_summary(sql) for sql in cold_sql]
        self.stdout.write(json.dumps(results, indent=2 if show else None))
