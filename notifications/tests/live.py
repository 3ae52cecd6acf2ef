"""Real components for the outbox's integration tests: an SMTP server, a Redis server and a Celery worker.

Import the fixtures you need into a test module (``from notifications.tests.live import
celery_worker, ...  # noqa: F401``). The worker is a separate ``celery -A cityexchange
worker`` process that reads the pytest test database, so tests using it need committed
rows (``transactional_db``, which the worker fixture requests).
"""

import asyncio
import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings

from cityexchange.celery import app as celery_app

WORKER_START_TIMEOUT = 45
DEFAULT_WAIT = 45


def wait_for(predicate, *, timeout: float = DEFAULT_WAIT, interval: float = 0.2, message: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RecordingHandler:
    """An SMTP server's message handler: accepts mail after ``delay`` seconds and records it.

    ``answers`` maps a recipient to the replies to give (one per attempt) before
    accepting, e.g. ``{"a@example.org": ["451 4.3.0 Try again later"]}``. A message is
    recorded only when the server answers 250: if the client dies during the delay, the
    handler is cancelled and nothing is recorded, as with a real mail server.
    """

    delay: float = 0.0
    answers: dict[str, list[str]] = field(default_factory=dict)
    started: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.started += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        for recipient in envelope.rcpt_tos:
            pending = self.answers.get(recipient)
            if pending:
                answer = pending.pop(0)
                self.refused.append(f"{recipient}: {answer}")
                return answer
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def recipients(self) -> list[str]:
        return sorted(address for message in self.messages for address in _addresses(message["To"]))


def _addresses(header: str) -> list[str]:
    from email.utils import getaddresses

    return [address for _name, address in getaddresses([header])]


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free loopback port; ``.handler`` records what it accepted."""
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    controller.handler = handler
    yield controller
    controller.stop()


class RedisServer:
    """A private ``redis-server`` the tests may stop and start (never the machine's shared one)."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.is_up, timeout=15, message="redis-server to accept connections")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        self.process = None

    def is_up(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def flush(self) -> None:
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
            sock.sendall(b"FLUSHALL\r\n")
            sock.recv(16)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A Redis broker of our own on a free loopback port, for the whole session."""
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed; the integration tests need it (apt-get install redis-server).")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


class Worker:
    """A ``celery -A cityexchange worker`` process over the test database, the private Redis and the SMTP server."""

    def __init__(self, *, env: dict, log_path: Path):
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = self.log_path.open("a")
        log.write(f"\n=== start {self.starts} ===\n")
        log.flush()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cityexchange", "worker", "--pool=prefork", "--concurrency=1"]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]
            + ["--hostname", f"outbox-test-{os.getpid()}-{self.starts}@%h"],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a kill reaches the pool's children too
        )
        log.close()
        marker = f"outbox-test-{os.getpid()}-{self.starts}@"

        def ready():
            if self.process.poll() is not None:
                pytest.fail(f"The Celery worker exited early:\n{self.log()[-3000:]}")
            return any(marker in line and " ready." in line for line in self.log().splitlines())

        wait_for(ready, timeout=WORKER_START_TIMEOUT, message="the Celery worker to be ready")

    def kill(self) -> None:
        """SIGKILL the worker and its pool at once, as a crash or an OOM kill would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        self.process = None

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _database_url() -> str:
    database = settings.DATABASES["default"]
    auth = database["USER"] + (f":{database['PASSWORD']}" if database.get("PASSWORD") else "")
    return f"postgres://{auth}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"


@pytest.fixture
def broker(redis_server):
    """Point this process's Celery app at the private Redis, not eager, and put it back afterwards."""
    from notifications import services

    redis_server.flush()
    services._broker_down_until = 0.0  # a previous test's outage is not this one's
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    celery_app.conf.broker_url = redis_server.url
    celery_app.conf.task_always_eager = False
    celery_app._after_fork()  # drop pooled connections to the old broker
    yield redis_server
    celery_app.conf.update(saved)
    celery_app._after_fork()


@pytest.fixture
def celery_worker(transactional_db, broker, smtp_server, tmp_path):
    """A real worker process that sees the rows this test commits and sends to ``smtp_server``."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cityexchange.settings",
        "DEBUG": "false",
        "SECRET_KEY": "integration-test-secret-key-0123456789abcdefghijklmnop",
        "DATABASE_URL": _database_url(),
        "CONN_MAX_AGE": "0",
        "REDIS_URL": broker.url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "EMAIL_TIMEOUT": "10",
        "NOTIFICATION_RETRY_BASE_SECONDS": "1",
        "SITE_URL": settings.SITE_URL,
    }
    worker = Worker(env=env, log_path=tmp_path / "worker.log")
    worker.start()
    yield worker
    worker.stop()
