"""The portal keeps working when Redis, PostgreSQL, SMTP, a worker or beat fail (issue 16).

Each test runs the portal's own processes (gunicorn in production settings, a Celery
worker, beat) against a private redis-server that it stops or freezes (SIGSTOP), a TCP
proxy to PostgreSQL that it cuts, or an SMTP server that it stops; the machine's shared
servers are never touched. Times are measured here, from request to last byte.
"""

import os
import subprocess
import sys
import time
from collections import Counter
from contextlib import nullcontext

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from notifications.models import Notification
from notifications.services import notification_queue, notification_sweep
from notifications.tests.live import Worker, wait_for
from tests.faults import Gunicorn, database_url, frozen, process_env
from visits.models import StudyVisit
from visits.services import visit_publish_preview

pytestmark = pytest.mark.integration

RETURN_VISIT = "Return visit: American practitioners in Liège and Verviers"
CONFIRMED = ["morgan.testcase@example.org", "taylor.example@example.org"]
DEMO_PASSWORD = "demo-password-for-tests"
# A page must answer within this many seconds while Redis is down or hung.
PAGE_SECONDS = 3.0

# The gunicorn under test keeps a session's cached copy this long (accounts/sessions.py).
SESSION_CACHE_SECONDS = 2


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
def web(django_db_setup, broker, smtp_server, collected_static, tmp_path):
    """gunicorn over the test database, with the private Redis as cache and broker.

    These tests are about Redis, not PostgreSQL: the database's connect timeout is generous
    here, so a loaded machine's slow first connection is not mistaken for an outage.
    """
    server = Gunicorn(
        env=_worker_env(
            redis_url=broker.url,
            smtp_port=smtp_server.port,
            DATABASE_CONNECT_TIMEOUT="15",
            SESSION_CACHE_SECONDS=str(SESSION_CACHE_SECONDS),
        ),
        log_path=tmp_path / "gunicorn.log",
    )
    server.start()
    yield server
    server.stop()


def _confirmation(visit) -> str:
    """The publish preview's confirmation, as the officer's browser posts it."""
    return f"fingerprint={visit_publish_preview(visit, by=None).fingerprint}&ended_confirmed=on"


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

        answer = web.post(f"/visits/{demo.pk}/publish/", session=officer_session, body=_confirmation(demo))

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

        answer = web.post(f"/visits/{demo.pk}/publish/", session=officer_session, body=_confirmation(demo))

        assert answer.status == 302
        assert answer.seconds < PAGE_SECONDS, f"publish took {answer.seconds:.2f}s"
        assert _statuses() == {"queued": 2}
    settings.NOTIFICATION_SWEEP_AFTER_SECONDS = 0

    _sweep_until_sent(2)
    assert smtp_server.handler.recipients() == CONFIRMED


def test_a_session_ended_while_redis_hangs_does_not_come_back_with_redis(demo, officer_session, web, broker):
    assert web.get("/", session=officer_session).status == 200  # now cached in that Redis too
    with frozen(broker):
        # Signed out (or ended from /accounts/sessions/) meanwhile: the row goes, the cached copy cannot.
        Session.objects.filter(session_key=officer_session).delete()
    time.sleep(SESSION_CACHE_SECONDS + 1)

    answer = web.get("/", session=officer_session)

    assert (answer.status, answer.headers.get("Location", "").split("?")[0]) == (302, "/accounts/login/")


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
            admin_wrong = web.post("/accounts/login/?next=/admin/", body="login=admin%40example.org&password=nope")
    finally:
        if outage == "stopped":
            broker.start()

    # allauth cannot count attempts without its cache, so it refuses (see README, production).
    assert (refused.status, refused.seconds < PAGE_SECONDS) == (429, True)
    assert "Signing in is paused" in refused.body
    # The admin's sign-in is allauth's (accounts/apps.py: secure_admin_login): refused the same way.
    assert (admin_wrong.status, admin_wrong.seconds < PAGE_SECONDS) == (429, True)
    assert "Signing in is paused" in admin_wrong.body
    time.sleep(5)  # the cache's back-off after an error (health/cache.py, RETRY_AFTER)
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


# --- PostgreSQL restarted under load ---


def test_a_database_outage_answers_a_friendly_503_and_the_same_gunicorn_recovers(
    demo,
    officer_session,
    database_proxy,
    broker,
    smtp_server,
    collected_static,
    tmp_path,
):
    web = Gunicorn(
        env=_worker_env(
            redis_url=broker.url, smtp_port=smtp_server.port, db_url=database_url(port=database_proxy.port)
        ),
        log_path=tmp_path / "gunicorn.log",
    )
    web.start()
    try:
        assert web.get(f"/visits/{demo.pk}/", session=officer_session).status == 200
        master, workers = web.process.pid, web.worker_pids()
        load = _Load(web, f"/visits/{demo.pk}/", officer_session)

        database_proxy.cut()
        time.sleep(1)
        during = [web.get(path, session=officer_session) for path in (f"/visits/{demo.pk}/", "/fr/visits/", "/")]
        ready = web.get("/health/ready/")
        live = web.get("/health/live/")
        database_proxy.restore()
        after = [web.get(f"/visits/{demo.pk}/", session=officer_session) for _ in range(4)]
        statuses = load.stop()
        processes_after = (web.process.pid, web.worker_pids())
    finally:
        web.stop()

    assert [answer.status for answer in during] == [503, 503, 503]
    assert all(answer.seconds < 5 and answer.headers["Retry-After"] == "30" for answer in during)
    assert "CityExchange is briefly unavailable" in during[0].body and "Traceback" not in during[0].body
    assert "CityExchange est momentanément indisponible" in during[1].body
    assert (ready.status, ready.body) == (
        503,
        '{"status": "unavailable", "checks": {"database": "unavailable", "cache": "ok", "broker": "ok"}}',
    )
    assert live.status == 200
    assert [answer.status for answer in after] == [200, 200, 200, 200]
    assert processes_after == (master, workers)  # recovered without a restart
    assert set(statuses) <= {200, 503} and statuses.count(503) >= 1 and statuses[-1] == 200


class _Load:
    """Requests one page in a loop from a thread until stopped; keeps every status."""

    def __init__(self, web, path: str, session: str):
        import threading

        self.statuses: list[int] = []
        self._running = True
        self._thread = threading.Thread(target=self._run, args=(web, path, session), daemon=True)
        self._thread.start()

    def _run(self, web, path, session):
        while self._running:
            self.statuses.append(web.get(path, session=session, timeout=10).status)

    def stop(self) -> list[int]:
        time.sleep(0.5)
        self._running = False
        self._thread.join(timeout=15)
        return self.statuses


def test_a_celery_worker_recovers_from_a_database_outage_by_itself(
    transactional_db, database_proxy, broker, smtp_server, tmp_path, settings
):
    worker = Worker(
        env=_worker_env(
            redis_url=broker.url, smtp_port=smtp_server.port, db_url=database_url(port=database_proxy.port)
        ),
        log_path=tmp_path / "worker.log",
    )
    worker.start()
    try:
        _queue(1, prefix="before")
        wait_for(lambda: _statuses() == {"sent": 1}, message="the first message")
        pid = worker.process.pid

        database_proxy.cut()
        _queue(2, prefix="during")  # the worker gets the tasks and cannot reach the database
        wait_for(lambda: worker.log().count("OperationalError") >= 1, message="the worker to meet the outage")
        assert _statuses() == {"sent": 1, "queued": 2}
        database_proxy.restore()
        settings.NOTIFICATION_SWEEP_AFTER_SECONDS = 0
        _sweep_until_sent(3)
        assert (worker.process.pid, worker.process.poll(), worker.starts) == (pid, None, 1)
    finally:
        worker.stop()
    assert smtp_server.handler.recipients() == ["before0@example.org", "during0@example.org", "during1@example.org"]


def _queue(count: int, *, prefix: str) -> None:
    with transaction.atomic():
        for number in range(count):
            notification_queue(
                key=f"{prefix}:{number}",
                kind="test",
                to_email=f"{prefix}{number}@example.org",
                subject="s",
                body_text="b",
            )


# --- SMTP down, beat stopped ---


def test_mail_waits_in_the_outbox_while_smtp_is_down_and_is_delivered_once_after(
    celery_worker, smtp_server, monkeypatch
):
    smtp_server.stop()  # nothing listens on the port: every attempt is refused
    try:
        _queue(2, prefix="smtp")
        wait_for(
            lambda: _statuses() == {"queued": 2} and not Notification.objects.filter(attempts__lt=3).exists(),
            message="three refused attempts on each row",
        )
        assert all("Connection refused" in error for error in Notification.objects.values_list("last_error", flat=True))
    finally:
        # aiosmtpd's controller cannot start twice: the same handler comes back on the same port.
        revived = Controller(smtp_server.handler, hostname="127.0.0.1", port=smtp_server.port)
        revived.start()
        monkeypatch.setattr(smtp_server, "stop", revived.stop)

    wait_for(lambda: _statuses() == {"sent": 2}, message="both rows to be sent once SMTP is back")
    assert smtp_server.handler.recipients() == ["smtp0@example.org", "smtp1@example.org"]


def test_production_backoff_outlasts_an_hour_of_smtp_outage(settings):
    waits = [
        min(settings.NOTIFICATION_RETRY_BASE_SECONDS * 2 ** (attempt - 1), settings.NOTIFICATION_RETRY_MAX_SECONDS)
        for attempt in range(1, settings.NOTIFICATION_MAX_ATTEMPTS)
    ]

    assert sum(waits) > 3600, waits  # 60+120+...+1800: the row is still queued after an hour down


def test_beat_stopped_leaves_mail_queued_and_restarted_sends_it_once(transactional_db, broker, smtp_server, tmp_path):
    env = _worker_env(
        redis_url=broker.url,
        smtp_port=smtp_server.port,
        NOTIFICATION_SWEEP_AFTER_SECONDS="0",
        NOTIFICATION_SWEEP_INTERVAL_SECONDS="1",
    )
    worker = Worker(env=env, log_path=tmp_path / "worker.log")
    worker.start()
    beat = _Beat(env=env, directory=tmp_path)
    try:
        broker.stop()
        _queue(2, prefix="beat")  # the hand-over fails: only the sweep will send these
        broker.start()
        time.sleep(3)
        assert _statuses() == {"queued": 2}  # no beat, no sweep: waiting, not lost

        beat.start()
        wait_for(lambda: _statuses() == {"sent": 2}, message="beat's sweep to send both rows")
        beat.stop()
        beat.start()
        time.sleep(3)  # a few more sweeps from the restarted beat
    finally:
        beat.stop()
        worker.stop()

    assert _statuses() == {"sent": 2}
    assert smtp_server.handler.recipients() == ["beat0@example.org", "beat1@example.org"]


class _Beat:
    """``celery -A cityexchange beat`` with its schedule file in the test's directory."""

    def __init__(self, *, env: dict[str, str], directory):
        self.env, self.directory = env, directory
        self.process = None

    def start(self) -> None:
        with (self.directory / "beat.log").open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "cityexchange", "beat", "--loglevel=INFO"]
                + ["--schedule", str(self.directory / "celerybeat-schedule")],
                cwd=self.directory,
                env=self.env | {"PYTHONPATH": str(django_settings.BASE_DIR)},
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        self.process = None
