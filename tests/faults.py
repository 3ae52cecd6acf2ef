"""Real processes and a cuttable network for the fault tests (tests/test_resilience.py).

A gunicorn process in production settings, a TCP proxy in front of the machine's
PostgreSQL that a test cuts and restores (the shared server itself is never touched),
and a timed HTTP client. The private Redis, the Celery worker and the SMTP server come
from ``notifications/tests/live.py``.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from notifications.tests.live import free_port, wait_for

# Any 32 letters will do as a CSRF secret when the same value is sent as cookie and header.
CSRF_TOKEN = "resiliencecsrftokenresiliencecsr"


def database_url(*, port: int | None = None) -> str:
    """The test database's URL, optionally through another port (the proxy)."""
    database = settings.DATABASES["default"]
    auth = database["USER"] + (f":{database['PASSWORD']}" if database.get("PASSWORD") else "")
    host = "127.0.0.1" if port else database["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{port or database['PORT'] or 5432}/{database['NAME']}"


def process_env(**overrides: str) -> dict[str, str]:
    """The environment of a production-style process: DEBUG off, no TLS proxy in front."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cityexchange.settings",
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,  # the test process signs the sessions gunicorn reads
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": settings.SITE_URL,
        "LOG_LEVEL": "WARNING",
    }
    env.update(overrides)
    return env


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str
    seconds: float


def fetch(
    base_url: str, path: str, *, method: str = "GET", session: str = "", timeout: float = 30, body: str = ""
) -> Answer:
    """One HTTP request, no redirects followed, timed from connect to the last byte."""
    host, port = base_url.removeprefix("http://").split(":")
    headers = {"Host": f"{host}:{port}", "Cookie": f"csrftoken={CSRF_TOKEN}"}
    if session:
        headers["Cookie"] += f"; {settings.SESSION_COOKIE_NAME}={session}"
    if method == "POST":
        headers |= {"X-CSRFToken": CSRF_TOKEN, "Content-Type": "application/x-www-form-urlencoded"}
    started = time.monotonic()
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
    finally:
        connection.close()
    return Answer(response.status, dict(response.getheaders()), text, time.monotonic() - started)


@pytest.fixture(scope="session")
def collected_static():
    """Production settings serve hashed static files from a manifest: collect them once."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=settings.BASE_DIR,
        env=process_env(DATABASE_URL=database_url()),
        check=True,
    )


class Gunicorn:
    """``gunicorn cityexchange.wsgi`` with two sync workers, as production runs it."""

    def __init__(self, *, env: dict[str, str], log_path: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "cityexchange.wsgi", "--bind", f"127.0.0.1:{self.port}"]
                + ["--workers", "2", "--timeout", "60", "--graceful-timeout", "5"],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

        def up():
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited early:\n{self.log()[-3000:]}")
            try:
                return fetch(self.url, "/health/live/", timeout=2).status == 200
            except OSError:
                return False

        wait_for(up, timeout=30, message="gunicorn to answer")

    def worker_pids(self) -> set[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True)
        return {int(pid) for pid in out.stdout.split()}

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def get(self, path: str, **kwargs) -> Answer:
        return fetch(self.url, path, **kwargs)

    def post(self, path: str, **kwargs) -> Answer:
        return fetch(self.url, path, method="POST", **kwargs)


class TcpProxy:
    """Forwards a free loopback port to ``target``; ``cut()`` drops every connection and refuses new
    ones, as a database restart does, and ``restore()`` lets them through again."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        self.open = False
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            _close(sock)

    def restore(self) -> None:
        self.open = True

    def stop(self) -> None:
        self._stopped = True
        self.cut()
        _close(self.listener)

    def _accept(self) -> None:
        while not self._stopped:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            if not self.open:
                _close(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets |= {client, upstream}
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        _close(source)
        _close(sink)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


@pytest.fixture
def database_proxy():
    """A cuttable TCP path to the machine's PostgreSQL (which itself keeps running)."""
    database = settings.DATABASES["default"]
    proxy = TcpProxy((database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)))
    yield proxy
    proxy.stop()


@contextmanager
def frozen(redis_server):
    """SIGSTOP the private redis-server: it keeps its port and accepts connections, and answers nothing."""
    os.kill(redis_server.process.pid, signal.SIGSTOP)
    try:
        yield redis_server
    finally:
        os.kill(redis_server.process.pid, signal.SIGCONT)
