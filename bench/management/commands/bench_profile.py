"""Where a page's time goes: cProfile over repeated requests through the test client, against this database.

For each ``--page`` (a name from ``_bench.PAGES``), asks for it until it is warm, then
``--requests`` more times under cProfile, and prints JSON: milliseconds per request and
the functions with the most own time (``tottime``) and the most time below them
(``cumtime``), per request. ``bench/run.py`` runs it for each page that misses a target,
and for the ceiling to compare.
"""

import cProfile
import json
import pstats
import time

from django.core.management.base import BaseCommand

from ._bench import PAGES, conditional, page_paths, signed_in_client
from .bench_data import DEFAULT_FEED_TOKEN


def _where(function) -> str:
    filename, line, name = function
    for marker in ("site-packages/", "/work/", "lib/python3.11/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
    return f"{filename}:{line}({name})"


class Command(BaseCommand):
    help = "Profile benchmarked pages (warm) with cProfile; print JSON."

    def add_arguments(self, parser):
        parser.add_argument("--page", action="append", required=True)
        parser.add_argument("--requests", type=int, default=30)
        parser.add_argument("--top", type=int, default=8)
        parser.add_argument("--feed-token", default=DEFAULT_FEED_TOKEN)

    def handle(self, *args, page, requests, top, feed_token, **options):
        paths = page_paths(feed_token)
        results = {}
        for name in page:
            role, _path = PAGES[name]
            client = signed_in_client(role)
            headers = {}
            for _warm in range(3):
                response = client.get(paths[name], headers=headers)
                if conditional(name) and response.has_header("ETag"):
                    headers = {"If-None-Match": response["ETag"]}
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            for _request in range(requests):
                client.get(paths[name], headers=headers)
            profiler.disable()
            elapsed = time.perf_counter() - started
            stats = pstats.Stats(profiler)
            rows = [
                (function, calls, tottime, cumtime)
                for function, (calls, _primitive, tottime, cumtime, _callers) in stats.stats.items()
            ]

            def ranked(index, rows=rows):
                chosen = sorted(rows, key=lambda row: row[index], reverse=True)[:top]
                return [
                    {"function": _where(row[0]), "ms_per_request": round(row[index] * 1000 / requests, 3)}
                    for row in chosen
                ]

            results[name] = {
                "ms_per_request": round(elapsed * 1000 / requests, 3),
                "by_own_time": ranked(2),
                "by_time_below": ranked(3),
            }
        self.stdout.write(json.dumps(results))
