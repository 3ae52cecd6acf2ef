"""Health endpoints for a load balancer, open without signing in, and the database-outage page.

``/health/live/`` answers as long as the process serves requests. ``/health/ready/``
checks the database, the cache and the broker, each within about a second, and names
each one ``ok`` or ``unavailable``: no addresses, versions or error text. Only the
database makes it answer 503: without Redis the portal still serves every page
(sessions and mail wait in the database), so a load balancer that took every web
process out of service for a Redis outage would turn a degraded portal into a down one.
"""

import logging
import sys

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.defaults import server_error as default_server_error

logger = logging.getLogger(__name__)

OK, UNAVAILABLE = "ok", "unavailable"
# Seconds a client is asked to wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 30


@never_cache
def live(request):
    return JsonResponse({"status": OK})


@never_cache
def ready(request):
    checks = {"database": _check(_database), "cache": _check(_cache), "broker": _check(_broker)}
    if checks["database"] != OK:
        status, code = UNAVAILABLE, 503
    elif UNAVAILABLE in checks.values():
        status, code = "degraded", 200
    else:
        status, code = OK, 200
    return JsonResponse({"status": status, "checks": checks}, status=code)


def _check(probe) -> str:
    try:
        probe()
    except Exception as error:  # noqa: BLE001 - any failure means "not now"; the reason goes to the log only
        logger.warning("Readiness: %s failed: %r", probe.__name__.lstrip("_"), error)
        return UNAVAILABLE
    return OK


def _database() -> None:
    # connect_timeout (settings.py) bounds a new connection; CONN_HEALTH_CHECKS replaces a dead one.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    if hasattr(cache, "ping"):  # health.cache.FailSoftRedisCache: ask Redis itself, not the soft answers
        cache.ping()
    else:
        cache.set("health:ready", 1, timeout=5)


def _broker() -> None:
    if not settings.REDIS_URL:
        return  # embedded mode: tasks run in-process, there is no broker to reach
    from celery import current_app as app

    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
        broker.default_channel.client.ping()


def server_error(request):
    """``handler500``: a database outage is a friendly 503 with ``Retry-After``; anything else Django's 500.

    The page is rendered without the request's context processors, which would ask the
    missing database who is signed in.
    """
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return default_server_error(request)
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
