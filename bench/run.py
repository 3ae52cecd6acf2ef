"""The benchmark (issue 8), run by ``make bench``: is the portal still fast with a million itinerary items?

In one run it
1. loads a small scale into the bench database and counts each page's queries;
2. loads the full scale (``bench_data``, COPY) and counts them again;
3. serves the portal with gunicorn in production settings (DEBUG off, Redis cache and
   sessions, persistent database connections) and drives each page, and a bare view
   behind the same middleware (the ceiling), with wrk on loopback;
4. publishes draft visits and times their messages through the real Celery worker to an
   SMTP sink (aiosmtpd), against a plain loop sending the same messages;
5. reads the peak memory (VmHWM) of the web and Celery workers;
and writes ``bench/results.json`` and the results table in ``bench/README.md``.

Every address is loopback. The bench database is dropped and made again: its name must
contain "bench". Options: ``python bench/run.py --help``; the Makefile passes BENCH_* variables.
"""

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, closing
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
BIN = ROOT / ".venv" / "bin"
RESULTS_START = "<!-- results:start -->"
RESULTS_END = "<!-- results:end -->"

# Pages and what they must answer; the ceiling is the bare view every ratio is taken against.
PAGE_LABELS = {
    "ceiling": "ceiling: bare view, same middleware (`/bench/ceiling/`)",
    "delegate_itinerary": "delegate itinerary (`/my/visits/<id>/`)",
    "visit_list": "officer visit list (`/visits/`)",
    "visit_detail": "visit detail with the editor (`/visits/<id>/`)",
    "dashboard": "officer dashboard (`/`)",
    "feed": "calendar feed, full (`/my/calendar/<token>.ics`)",
    "feed_304": "calendar feed, 304 (`If-None-Match`)",
}
EXPECTED_STATUS = {"feed_304": 304}
TARGETS = {
    "page_ratio": 0.5,
    "feed_304_ratio": 0.8,
    "p99_ms": 50.0,
    "queries": 6,
    "fanout_ratio": 0.7,
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command: list[str], *, env: dict, capture: bool = False) -> str:
    result = subprocess.run(command, cwd=ROOT, env=env, check=False, text=True, capture_output=True)  # noqa: S603
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"bench: {' '.join(command[:4])} failed with exit code {result.returncode}")
    return result.stdout if capture else ""


def manage(env: dict, *arguments: str) -> str:
    return run([PYTHON, "manage.py", *arguments], env=env, capture=True)


def last_json(output: str):
    return json.loads(output.strip().splitlines()[-1])


# The database and Redis -----------------------------------------------------------------------


def recreate_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"bench: refusing to drop {name!r}: the bench database's name must contain 'bench'.")
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("bench: the bench database must be on loopback.")
    connection = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres", dbname="postgres"
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def load_scale(env: dict, scale: int) -> dict:
    recreate_database(env["DATABASE_URL"])
    manage(env, "migrate", "--noinput", "-v", "0")
    started = time.monotonic()
    output = manage(env, "bench_data", "--scale", str(scale))
    seconds = time.monotonic() - started
    log(output.strip().splitlines()[0])
    return {"scale": scale, "seconds": round(seconds, 1), "summary": output.strip().splitlines()[0]}


def count_queries(env: dict) -> dict:
    flush_redis(env["REDIS_URL"])
    return last_json(manage(env, "bench_queries"))


# Processes --------------------------------------------------------------------------------------


class Process:
    """A child process in its own process group, with its output in a log file."""

    def __init__(self, name: str, command: list[str], *, env: dict, logs: Path):
        self.name = name
        self.log_path = logs / f"{name}.log"
        self.log_file = self.log_path.open("w")
        self.popen = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True
        )

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_until(self, predicate, *, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if self.popen.poll() is not None:
                raise SystemExit(f"bench: {self.name} exited early:\n{self.log_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise SystemExit(f"bench: timed out waiting for {what}:\n{self.log_text()[-3000:]}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)
        self.log_file.close()


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def children(pid: int) -> list[int]:
    """Every descendant of a process, from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        for child, its_parent in parents.items():
            if its_parent == parent:
                found.append(child)
                frontier.append(child)
    return found


def vmhwm_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) if match else 0


# wrk --------------------------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url: str, headers: dict, *, duration: int, connections: int, threads: int) -> dict:
    command = ["wrk", "--latency", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(  # noqa: S603
        [*command, url], check=True, text=True, capture_output=True, timeout=duration + 60
    ).stdout
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+(?:us|ms|s|m))\s*$", output, re.MULTILINE))
    requests = re.search(r"^\s+(\d+) requests in ([\d.]+)(\w+)", output, re.MULTILINE)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": round(_ms(latency["50"]), 2),
        "p90_ms": round(_ms(latency["90"]), 2),
        "p99_ms": round(_ms(latency["99"]), 2),
        "requests": int(requests.group(1)),
        "non_2xx_3xx": int(bad.group(1)) if bad else 0,
        "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
    }


def fetch(url: str, headers: dict) -> tuple[int, dict, int]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback only
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), len(error.read())


# The machine ------------------------------------------------------------------------------------


def version_of(command: list[str], pattern: str) -> str:
    try:
        result = subprocess.run(command, text=True, capture_output=True, timeout=20, check=False)  # noqa: S603
    except OSError:
        return "not installed"
    match = re.search(pattern, result.stdout + result.stderr)
    return match.group(1) if match else "unknown"


def machine(env: dict) -> dict:
    import celery
    import django
    import psycopg2
    import redis

    cpu = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE)
    memory = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.MULTILINE)
    os_name = re.search(r'^PRETTY_NAME="(.+)"', Path("/etc/os-release").read_text(), re.MULTILINE)
    parts = urlsplit(env["DATABASE_URL"])
    connection = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username, dbname="postgres")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    connection.close()
    return {
        "cpu": cpu.group(1) if cpu else platform.processor(),
        "cores": os.cpu_count(),
        "memory_gib": round(int(memory.group(1)) / 1024 / 1024, 1) if memory else None,
        "os": os_name.group(1) if os_name else platform.platform(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": postgres,
        "redis": redis.Redis.from_url(env["REDIS_URL"]).info("server")["redis_version"],
        "gunicorn": version_of([str(BIN / "gunicorn"), "--version"], r"gunicorn \(version ([\d.]+)\)"),
        "celery": celery.__version__,
        "psycopg2": psycopg2.__version__.split()[0],
        "wrk": version_of(["wrk", "-v"], r"wrk (?:debian/)?([\w.\-+]+)"),
        "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
    }


# The report -------------------------------------------------------------------------------------


def judge(results: dict) -> list[dict]:
    """Each target: what was measured, and whether it was met."""
    pages = results["pages"]
    verdicts = []
    for name, page in pages.items():
        if name == "ceiling":
            continue
        wanted = TARGETS["feed_304_ratio"] if name == "feed_304" else TARGETS["page_ratio"]
        ratio = page["ratio_to_ceiling"]
        verdicts.append(
            {
                "target": f"{name}: req/s >= {wanted:.0%} of the ceiling",
                "measured": f"{ratio:.1%}",
                "met": ratio >= wanted,
            }
        )
    for name, page in pages.items():
        verdicts.append(
            {
                "target": f"{name}: p99 < {TARGETS['p99_ms']:.0f} ms",
                "measured": f"{page['p99_ms']:.1f} ms",
                "met": page["p99_ms"] < TARGETS["p99_ms"],
            }
        )
    for name, counts in results["queries"].items():
        small, large = counts["small"]["steady"], counts["large"]["steady"]
        verdicts.append(
            {
                "target": f"{name}: queries <= {TARGETS['queries']}, same at both scales",
                "measured": f"{small} / {large}",
                "met": small == large and large <= TARGETS["queries"],
            }
        )
    fanout = results.get("fanout")
    if fanout:
        verdicts.append(
            {
                "target": f"fan-out >= {TARGETS['fanout_ratio']:.0%} of the plain loop",
                "measured": f"{fanout['ratio']:.1%}",
                "met": fanout["ratio"] >= TARGETS["fanout_ratio"],
            }
        )
    return verdicts


def markdown(results: dict) -> str:
    m, c = results["machine"], results["config"]
    lines = [
        RESULTS_START,
        f"Run of {results['finished_at']} ({results['wall_seconds']:.0f} s in all), "
        f"scale {c['scale']} ({results['load']['large']['summary']}).",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, {m['os']} (kernel {m['kernel']}); "
        f"load average at start {m['load_average_at_start']} (the cores are shared with other work). "
        f"Python {m['python']}, Django {m['django']}, PostgreSQL {m['postgresql']}, Redis {m['redis']}, "
        f"gunicorn {m['gunicorn']} ({c['gunicorn_workers']} gthread workers x {c['gunicorn_threads']} threads), "
        f"Celery {m['celery']} ({c['celery_concurrency']} processes), psycopg2 {m['psycopg2']}, wrk {m['wrk']} "
        f"({c['wrk_threads']} threads, {c['connections']} connections, {c['duration']} s per page).",
        "",
        f"| page | req/s | ceiling req/s (before / after) | ratio | p50 ms | p99 ms "
        f"| queries (scale {c['small_scale']} / {c['scale']}; first request) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, page in results["pages"].items():
        counts = results["queries"].get(name, {})
        queries = ""
        if counts:
            queries = f"{counts['small']['steady']} / {counts['large']['steady']} ({counts['large']['first']})"
        paired = ""
        if "paired_ceiling_rps" in page:
            paired = f"{page['ceiling_before_rps']:.0f} / {page['ceiling_after_rps']:.0f}"
        lines.append(
            f"| {PAGE_LABELS[name]} | {page['rps']:.0f} | {paired} | {page['ratio_to_ceiling']:.0%} "
            f"| {page['p50_ms']:.1f} | {page['p99_ms']:.1f} | {queries} |"
        )
    fanout = results.get("fanout")
    if fanout:
        lines += [
            "",
            "| notification fan-out | messages | seconds | messages/s |",
            "|---|---:|---:|---:|",
            f"| outbox -> Celery worker -> SMTP sink (from the publish commit) | {fanout['messages']} "
            f"| {fanout['worker_seconds']:.2f} | {fanout['worker_messages_per_second']:.0f} |",
            f"| plain loop, same messages, same sink | {fanout['messages']} | {fanout['plain_loop_seconds']:.2f} "
            f"| {fanout['plain_loop_messages_per_second']:.0f} |",
            f"| ratio | | | **{fanout['ratio']:.0%}** |",
            "",
            f"Publishing the {fanout['visits_published']} visits (rendering every message and writing the outbox) "
            f"took {fanout['publish_seconds']:.2f} s before the commit; from the start of publishing to the last "
            f"message delivered: {fanout['end_to_end_messages_per_second']:.0f} messages/s.",
        ]
    memory = results["memory"]
    lines += [
        "",
        f"Peak memory (VmHWM): web worker {memory['web_worker_max_kib'] / 1024:.0f} MiB (largest of "
        f"{memory['web_workers']}), Celery {memory['celery_max_kib'] / 1024:.0f} MiB (largest of "
        f"{memory['celery_processes']} processes).",
        f"Loading scale {c['scale']}: {results['load']['large']['seconds']:.0f} s.",
        "",
        "| target | measured | met |",
        "|---|---|---|",
    ]
    for verdict in results["targets"]:
        lines.append(f"| {verdict['target']} | {verdict['measured']} | {'yes' if verdict['met'] else '**no**'} |")
    baseline_path = BENCH / "baseline.json"
    if baseline_path.exists():
        baseline = json.loads(baseline_path.read_text())
        lines += [
            "",
            f"Before the page work (`bench/baseline.json`, run of {baseline['finished_at']}, ceiling "
            f"{baseline['pages']['ceiling']['rps']:.0f} req/s) and now:",
            "",
            "| page | req/s before | req/s now | ratio before | ratio now | queries before | queries now |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, page in results["pages"].items():
            old_page = baseline["pages"].get(name)
            if not old_page or name == "ceiling":
                continue
            old_ratio = old_page["rps"] / baseline["pages"]["ceiling"]["rps"]
            old_queries = baseline["queries"].get(name, {}).get("large", {}).get("steady", "")
            new_queries = results["queries"].get(name, {}).get("large", {}).get("steady", "")
            lines.append(
                f"| {name} | {old_page['rps']:.0f} | {page['rps']:.0f} | {old_ratio:.0%} "
                f"| {page['ratio_to_ceiling']:.0%} | {old_queries} | {new_queries} |"
            )
        old_fanout = baseline.get("fanout")
        if old_fanout and fanout:
            lines.append(
                f"| notification fan-out | {old_fanout['worker_messages_per_second']:.0f} msg/s "
                f"| {fanout['worker_messages_per_second']:.0f} msg/s | {old_fanout['ratio']:.0%} "
                f"| {fanout['ratio']:.0%} | | |"
            )
    lines.append(RESULTS_END)
    return "\n".join(lines)


def write_readme(results: dict) -> None:
    readme = BENCH / "README.md"
    text = readme.read_text() if readme.exists() else f"# Benchmark\n\n{RESULTS_START}\n{RESULTS_END}\n"
    if RESULTS_START not in text:
        text += f"\n{RESULTS_START}\n{RESULTS_END}\n"
    before, rest = text.split(RESULTS_START, 1)
    _old, after = rest.split(RESULTS_END, 1)
    readme.write_text(before + markdown(results) + after)


# The run ----------------------------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    environ = os.environ.get
    parser.add_argument("--scale", type=int, default=int(environ("BENCH_SCALE", "1000")))
    parser.add_argument("--small-scale", type=int, default=int(environ("BENCH_SMALL_SCALE", "10")))
    parser.add_argument("--duration", type=int, default=int(environ("BENCH_DURATION", "10")), help="seconds per page")
    parser.add_argument("--pair-duration", type=int, default=5, help="seconds of the ceiling after each page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--gunicorn-workers", type=int, default=int(environ("BENCH_WORKERS", "2")))
    parser.add_argument("--gunicorn-threads", type=int, default=int(environ("BENCH_THREADS", "4")))
    parser.add_argument("--celery-concurrency", type=int, default=2)
    parser.add_argument("--fanout-visits", type=int, default=int(environ("BENCH_FANOUT_VISITS", "30")))
    parser.add_argument("--fanout-rounds", type=int, default=2)
    parser.add_argument(
        "--database-url", default=environ("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cx_bench")
    )
    parser.add_argument("--redis-url", default=environ("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"))
    parser.add_argument("--reuse-data", action="store_true", help="keep the loaded database (and skip the small scale)")
    parser.add_argument("--output", default=str(BENCH / "results.json"))
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite bench/README.md's table")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    if not shutil.which("wrk"):
        raise SystemExit("bench: wrk is not installed (bench/run.sh installs it with apt-get).")
    began = time.monotonic()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cityexchange.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdefghijklmnop",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": args.database_url,
        "CONN_MAX_AGE": "600",
        "REDIS_URL": args.redis_url,
        "CACHE_KEY_PREFIX": "cx-bench",
        "BENCH": "true",
        "LOG_LEVEL": "WARNING",
    }
    results = {"config": {}, "load": {}, "queries": {}}
    results["machine"] = machine(env)
    results["config"] = {
        "scale": args.scale,
        "small_scale": args.small_scale,
        "duration": args.duration,
        "connections": args.connections,
        "wrk_threads": args.wrk_threads,
        "gunicorn_workers": args.gunicorn_workers,
        "gunicorn_threads": args.gunicorn_threads,
        "celery_concurrency": args.celery_concurrency,
    }
    flush_redis(args.redis_url)
    # Production settings serve hashed static files: the pages need the manifest before any is rendered.
    manage(env, "collectstatic", "--noinput", "-v", "0")

    small = {}
    if not args.reuse_data:
        log(f"Loading scale {args.small_scale} and counting queries")
        results["load"]["small"] = load_scale(env, args.small_scale)
        small = count_queries(env)
        log(f"Loading scale {args.scale} (COPY)")
        results["load"]["large"] = load_scale(env, args.scale)
    else:
        results["load"]["large"] = {"scale": args.scale, "seconds": 0.0, "summary": "reused"}
    large = count_queries(env)
    results["queries"] = {
        name: {"small": small.get(name, large[name]), "large": large[name]} for name in large if name != "ceiling"
    }
    log(f"Queries (steady) at scale {args.scale}: " + ", ".join(f"{k}={v['steady']}" for k, v in large.items()))
    flush_redis(args.redis_url)

    logs = Path(tempfile.mkdtemp(prefix="cx-bench-"))
    web_port, smtp_port = free_port(), free_port()
    sink_status = logs / "smtp-sink.status"
    env.update({"EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}", "SITE_URL": f"http://127.0.0.1:{web_port}"})
    base = f"http://127.0.0.1:{web_port}"
    with ExitStack() as stack:
        sink = Process(
            "smtp-sink",
            [PYTHON, str(BENCH / "smtp_sink.py"), "--port", str(smtp_port), "--status", str(sink_status)],
            env=env,
            logs=logs,
        )
        stack.callback(sink.stop)
        web = Process(
            "gunicorn",
            [str(BIN / "gunicorn"), "cityexchange.wsgi", "--bind", f"127.0.0.1:{web_port}"]
            + [
                "--workers",
                str(args.gunicorn_workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(args.gunicorn_threads),
            ]
            + ["--keep-alive", "5", "--log-level", "warning"],
            env=env,
            logs=logs,
        )
        stack.callback(web.stop)
        worker = Process(
            "celery",
            [str(BIN / "celery"), "-A", "cityexchange", "worker", "--concurrency", str(args.celery_concurrency)]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO", "-n", "bench@%h"],
            env=env,
            logs=logs,
        )
        stack.callback(worker.stop)
        web.wait_until(lambda: port_open(web_port), timeout=60, what="gunicorn")
        sink.wait_until(lambda: port_open(smtp_port) and sink_status.exists(), timeout=30, what="the SMTP sink")
        worker.wait_until(lambda: " ready." in worker.log_text(), timeout=90, what="the Celery worker")
        log(f"Serving on {base} (logs in {logs})")

        sessions = last_json(manage(env, "bench_sessions"))
        cookies, paths = sessions["cookies"], sessions["paths"]
        roles = {"ceiling": "officer", "delegate_itinerary": "delegate", "visit_list": "officer"}
        roles.update({"visit_detail": "officer", "dashboard": "officer", "feed": None, "feed_304": None})
        requests = {}
        for name, path in paths.items():
            headers = {"Cookie": cookies[roles[name]]} if roles[name] else {}
            if name == "feed_304":
                headers["If-None-Match"] = fetch(base + paths["feed"], {})[1]["ETag"]
            status, _headers, size = fetch(base + path, headers)
            if status != EXPECTED_STATUS.get(name, 200):
                raise SystemExit(f"bench: {path} answered {status}, not {EXPECTED_STATUS.get(name, 200)}")
            requests[name] = (base + path, headers, size)
        results["pages"] = {}
        load = {"connections": args.connections, "threads": args.wrk_threads}
        ceiling_url, ceiling_headers, _size = requests["ceiling"]
        ceiling_before = None
        for name, (url, headers, size) in requests.items():
            wrk(url, headers, duration=2, **load)  # warm up
            measured = wrk(url, headers, duration=args.duration, **load)
            measured["bytes"] = size
            if name != "ceiling":
                # The cores are shared: each page is compared with the ceiling measured just before
                # and just after it (their mean), so that both saw the same machine.
                after = wrk(ceiling_url, ceiling_headers, duration=args.pair_duration, **load)["rps"]
                measured["ceiling_before_rps"], measured["ceiling_after_rps"] = ceiling_before, after
                measured["paired_ceiling_rps"] = round((ceiling_before + after) / 2, 2)
                ceiling_before = after
            else:
                ceiling_before = measured["rps"]
            results["pages"][name] = measured
            log(f"{name}: {measured['rps']:.0f} req/s, p50 {measured['p50_ms']} ms, p99 {measured['p99_ms']} ms")
            if measured["non_2xx_3xx"] or measured["socket_errors"]:
                log(f"  warning: {measured['non_2xx_3xx']} bad answers, {measured['socket_errors']} socket errors")

        log(f"Fan-out: publishing {args.fanout_visits} draft visits")
        results["fanout"] = last_json(
            manage(
                env,
                "bench_fanout",
                *("--visits", str(args.fanout_visits), "--rounds", str(args.fanout_rounds)),
                *("--sink-status", str(sink_status)),
            )
        )
        log(
            f"Fan-out: worker {results['fanout']['worker_messages_per_second']} msg/s, "
            f"plain loop {results['fanout']['plain_loop_messages_per_second']} msg/s"
        )

        web_workers = children(web.popen.pid)
        celery_processes = [worker.popen.pid, *children(worker.popen.pid)]
        results["memory"] = {
            "web_workers": len(web_workers),
            "web_worker_max_kib": max((vmhwm_kib(pid) for pid in web_workers), default=0),
            "celery_processes": len(celery_processes),
            "celery_max_kib": max((vmhwm_kib(pid) for pid in celery_processes), default=0),
        }

    results["machine"]["load_average_at_end"] = [round(value, 2) for value in os.getloadavg()]
    results["wall_seconds"] = round(time.monotonic() - began, 1)
    results["finished_at"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    for page in results["pages"].values():
        ceiling = page.get("paired_ceiling_rps") or results["pages"]["ceiling"]["rps"]
        page["ratio_to_ceiling"] = round(page["rps"] / ceiling, 3) if ceiling else None
    results["targets"] = judge(results)
    Path(args.output).write_text(json.dumps(results, indent=2) + "\n")
    if not args.no_readme:
        write_readme(results)
    log(f"Done in {results['wall_seconds']:.0f} s; results in {args.output}")
    print()
    print(f"{'page':<20} {'req/s':>8} {'ratio':>7} {'p50 ms':>8} {'p99 ms':>8}")
    for name, page in results["pages"].items():
        print(
            f"{name:<20} {page['rps']:>8.0f} {page['ratio_to_ceiling']:>7.0%} "
            f"{page['p50_ms']:>8.1f} {page['p99_ms']:>8.1f}"
        )
    fanout = results["fanout"]
    print(f"fan-out ratio (worker / plain loop): {fanout['ratio']:.0%}")
    missed = [verdict for verdict in results["targets"] if not verdict["met"]]
    print(f"targets met: {len(results['targets']) - len(missed)} of {len(results['targets'])}")
    for verdict in missed:
        print(f"  missed: {verdict['target']} (measured {verdict['measured']})")


if __name__ == "__main__":
    main()
