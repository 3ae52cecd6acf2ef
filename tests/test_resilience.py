"""The portal keeps working when Redis, PostgreSQL, SMTP, a worker or beat fail (issue 16).

Each test runs the portal's own processes (gunicorn in production settings, a Celery
worker, beat) against a private redis-server that it stops or freezes (SIGSTOP), a TCP
proxy to PostgreSQL that it cuts, or an SMTP server that it stops; the machine's shared
servers are never touched. Times are measured here, from request to last byte.
"""

import os
import time
from collections import Counter
from contextlib import nullcontext

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from notifications.models import Notification
from notifications.services import notification_queue, notification_sweep
from notifications.tests.live import wait_for
from tests.faults import Gunicorn, collected_static, database_proxy, database_url, frozen, process_env  # noqa: F401
from visits.models import StudyVisit

pytestmark = pytest.mark.integration

RETURN_VISIT = "Return visit: American practitioners in Liège and Verviers"
CONFIRMED = ["morgan.testcase@example.org", "taylor.example@example.org"]
DEMO_PASSWORD = "demo-password-for-tests"
# A page must answer within this many seconds while Redis is down or hung.
PAGE_SECONDS = 3.0


@pytest.fixture
def demo(transactional_db, settings):
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return StudyVisit.objects.get(title=RETURN_VISIT)


@pytest.fixture
def officer_session(demo) -> str:
    """A signed-in officer's session key, written to the database like any sign-in."""
    client = Client()
    client.force_login(get_user_model().objects.get(email="officer@example.org"))
    return client.cookies["sessionid"].value


def _worker_env(*, redis_url: str, smtp_port: int, db_url: str | None = None, **overrides: str) -> dict[str, str]:
    return process_env(
        DATABASE_URL=db_url or database_url(),
        CONN_MAX_AGE="60",
        REDIS_URL=redis_url,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        EMAIL_TIMEOUT="5",
        NOTIFICATION_RETRY_BASE_SECONDS="1",
        NOTIFICATION_RETRY_MAX_SECONDS="2",
        **overrides,
    )


@pytest.fixture
def web(broker, smtp_server, collected_static, tmp_path):  # noqa: F811
    """gunicorn over the test database, with the private Redis as cache and broker."""
    server = Gunicorn(
        env=_worker_env(redis_url=broker.url, smtp_port=smtp_server.port), log_path=tmp_path / "gunicorn.log"
    )
    server.start()
    yield server
    server.stop()


def _statuses() -> Counter:
    return Counter(Notification.objects.values_list("status", flat=True))


def _signed_in_pages(visit) -> list[str]:
    return ["/", "/visits/", f"/visits/{visit.pk}/", f"/visits/{visit.pk}/outbox/", "/delegations/", "/fr/visits/"]


def _assert_pages_answer(web, session: str, visit) -> None:
    for path in _signed_in_pages(visit):
        answer = web.get(path, session=session)
        assert (path, answer.status) == (path, 200), answer.body[-500:]
        assert answer.seconds < PAGE_SECONDS, f"{path} took {answer.seconds:.2f}s"


def _sweep_until_sent(count: int) -> None:
    def swept_and_sent():
        notification_sweep()  # what beat does every minute
        return _statuses() == {"sent": count}

    wait_for(swept_and_sent, interval=1, message=f"{count} rows to be sent")


# --- Redis stopped, Redis hung ---


def test_pages_sessions_and_publish_work_with_redis_stopped(
    demo, officer_session, web, celery_worker, smtp_server, broker, settings
):
    assert web.get("/", session=officer_session).status == 200
    broker.stop()
    try:
        _assert_pages_answer(web, officer_session, demo)

        answer = web.post(f"/visits/{demo.pk}/publish/", session=officer_session)

        assert (answer.status, answer.headers["Location"]) == (302, f"/visits/{demo.pk}/")
        assert answer.seconds < PAGE_SECONDS
        assert _statuses() == {"queued": 2}
        assert web.get(f"/visits/{demo.pk}/", session=officer_session).status == 200  # still signed in
    finally:
        broker.start()
    settings.NOTIFICATION_SWEEP_AFTER_SECONDS = 0

    _sweep_until_sent(2)
    assert smtp_server.handler.recipients() == CONFIRMED


def test_pages_sessions_and_publish_answer_quickly_with_redis_hung(
    demo, officer_session, web, celery_worker, smtp_server, broker, settings
):
    assert web.get("/", session=officer_session).status == 200
    with frozen(broker):
        _assert_pages_answer(web, officer_session, demo)

        answer = web.post(f"/visits/{demo.pk}/publish/", session=officer_session)

        assert answer.status == 302
        assert answer.seconds < PAGE_SECONDS, f"publish took {answer.seconds:.2f}s"
        assert _statuses() == {"queued": 2}
    settings.NOTIFICATION_SWEEP_AFTER_SECONDS = 0

    _sweep_until_sent(2)
    assert smtp_server.handler.recipients() == CONFIRMED


@pytest.mark.parametrize("outage", ["stopped", "hung"])
def test_sign_in_is_refused_in_words_while_redis_is_away_and_works_again_after(demo, web, broker, outage):
    # gunicorn runs production's password hashers, not the test settings' MD5.
    hashed = PBKDF2PasswordHasher().encode(DEMO_PASSWORD, PBKDF2PasswordHasher().salt(), iterations=1000)
    get_user_model().objects.filter(email="officer@example.org").update(password=hashed)
    sign_in = {"body": f"login=officer%40example.org&password={DEMO_PASSWORD}"}
    if outage == "stopped":
        broker.stop()
    try:
        with frozen(broker) if outage == "hung" else nullcontext():
            refused = web.post("/accounts/login/", **sign_in)
            admin_wrong = web.post("/admin/login/", body="username=admin%40example.org&password=nope")
    finally:
        if outage == "stopped":
            broker.start()

    # allauth cannot count attempts without its cache, so it refuses (see README, production).
    assert (refused.status, refused.seconds < PAGE_SECONDS) == (429, True)
    assert "Signing in is paused" in refused.body
    assert (admin_wrong.status, admin_wrong.seconds < PAGE_SECONDS) == (200, True)
    time.sleep(5)  # the cache's back-off after an error (cityexchange/cache.py, RETRY_AFTER)
    again = web.post("/accounts/login/", **sign_in)
    assert (again.status, again.headers.get("Location")) == (302, "/"), again.body[-3000:]


def test_the_on_commit_hand_over_to_a_hung_broker_returns_in_a_second_and_leaves_rows_queued(transactional_db, broker):
    with frozen(broker):
        started = time.monotonic()
        with transaction.atomic():
            for number in range(20):
                notification_queue(
                    key=f"hung:{number}", kind="test", to_email=f"p{number}@example.org", subject="s", body_text="b"
                )
        seconds = time.monotonic() - started

    assert seconds < PAGE_SECONDS, f"20 hand-overs took {seconds:.2f}s"
    assert _statuses() == {"queued": 20}


# --- the health endpoints ---


def test_health_answers_signed_out_and_names_each_dependency_without_secrets(web, broker):
    live = web.get("/health/live/")
    ready = web.get("/health/ready/")
    with frozen(broker):
        degraded = web.get("/health/ready/")

    assert (live.status, live.body) == (200, '{"status": "ok"}')
    assert (ready.status, ready.body) == (
        200,
        '{"status": "ok", "checks": {"database": "ok", "cache": "ok", "broker": "ok"}}',
    )
    assert degraded.status == 200
    assert (
        degraded.body
        == '{"status": "degraded", "checks": {"database": "ok", "cache": "unavailable", "broker": "unavailable"}}'
    )
    assert degraded.seconds < PAGE_SECONDS
    assert ready.headers["Cache-Control"].startswith("max-age=0")


def test_health_is_served_over_plain_http_where_everything_else_redirects(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/health/live/").status_code == 200
    assert client.get("/accounts/login/").status_code == 301
