"""Count the database queries of each benchmarked page, through the test client, against this database.

Each page is asked for twice: ``first`` counts the first request (cold caches), ``steady``
the second, which is what a page costs under load. The 304 feed is asked for with the
ETag its full answer carried. Prints JSON.
"""

import json

from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ._bench import PAGES, page_paths, signed_in_client
from .bench_data import DEFAULT_FEED_TOKEN


class Command(BaseCommand):
    help = "Count the queries of each benchmarked page (first and steady request); print JSON."

    def add_arguments(self, parser):
        parser.add_argument("--feed-token", default=DEFAULT_FEED_TOKEN)
        parser.add_argument("--show", action="store_true", help="Also print each steady request's SQL.")

    def handle(self, *args, feed_token, show, **options):
        paths = page_paths(feed_token)
        results = {}
        for name, (role, conditional) in PAGES.items():
            client = signed_in_client(role)
            headers = {}
            if conditional:
                headers["If-None-Match"] = client.get(paths[name])["ETag"]
            counts = []
            for _attempt in range(2):
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(paths[name], headers=headers)
                counts.append(len(queries))
            results[name] = {"status": response.status_code, "first": counts[0], "steady": counts[1]}
            if show:
                results[name]["sql"] = [query["sql"] for query in queries.captured_queries]
        self.stdout.write(json.dumps(results, indent=2 if show else None))
