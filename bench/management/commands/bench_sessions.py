"""Print the bench accounts' session (and CSRF) cookies and the URLs the benchmark loads, as JSON.

The sessions are made as a sign-in makes them (in the configured session store, Redis
and the database), so a load generator can send them in a ``Cookie`` header.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from ._bench import page_paths, page_roles, signed_in_client
from .bench_data import DEFAULT_FEED_TOKEN


class Command(BaseCommand):
    help = "Sign the bench officer and delegate in; print their session cookies and the benchmarked URLs as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--feed-token", default=DEFAULT_FEED_TOKEN)

    def handle(self, *args, feed_token, **options):
        cookies = {}
        for role in ("officer", "delegate"):
            client = signed_in_client(role)
            session = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
            # A browser keeps its CSRF cookie: pages with forms are the same page (and ETag) each time.
            cookies[role] = f"{session}; {settings.CSRF_COOKIE_NAME}={get_random_string(32)}"
        self.stdout.write(json.dumps({"cookies": cookies, "paths": page_paths(feed_token), "roles": page_roles()}))
