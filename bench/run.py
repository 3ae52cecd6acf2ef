"""The benchmark (issues 8 and 17), run by ``make bench``: is every main page at half a bare view's speed?

In one run it
1. loads a small scale into the bench database and counts each page's queries, cold and warm;
2. loads the full scale (``bench_data``, COPY) and counts them again;
3. serves the portal with gunicorn in production settings (DEBUG off, Redis cache and
   sessions, persistent database connections, 2 sync workers) and drives every page in
   ``bench/management/commands/_bench.py: PAGES``, each paired with a bare view behind the
   same middleware (the ceiling), with wrk on loopback;
4. publishes draft visits and times their messages through the real Celery worker to an
   SMTP sink (aiosmtpd), against a plain loop sending the same messages;
5. reads the resident memory of the web and Celery workers before and after the load;
6. profiles the pages that missed a throughput target (cProfile, ``bench_profile``);
and writes ``bench/results.json`` and the results table in ``bench/README.md``, each target
met or not met.

Every address is loopback; every load is bounded in time, and the run stops measuring pages
once its budget is spent. The bench database is dropped and made again: its name must
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

# Targets (issue 17), each a ratio to the ceiling measured in the same run.
TARGETS = {
    "page_ratio": 0.5,  # every page, warm: req/s at least half the ceiling's
    "not_modified_ratio": 0.8,  # a 304 answer
    "p99_factor": 4.0,  # p99 at 16 connections at most four times the ceiling's
    "queries": 6,  # per page, cold and warm, the same at both scales
    "memory_growth": 0.10,  # web and worker resident memory after the load within 10% of before it
    "fanout_ratio": 0.7,
}
# Seconds the whole run may take before it stops measuring further pages (it then reports them as not measured).
DEFAULT_BUDGET_SECONDS = 11 * 60 + 30


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
    return last_json(manage(env, "bench_queries", "--reads"))


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


def _verdict(target: str, measured: str, met: bool) -> dict:
    return {"target": target, "measured": measured, "met": bool(met)}


def judge(results: dict) -> list[dict]:
    """Each target: what was measured, and whether it was met."""
    pages = results["pages"]
    verdicts = []
    for name, page in pages.items():
        if name == "ceiling":
            continue
        if page.get("skipped"):
            verdicts.append(_verdict(f"{name}: measured", page["skipped"], False))
            continue
        wanted = TARGETS["not_modified_ratio"] if name.endswith("_304") else TARGETS["page_ratio"]
        ratio = page["ratio_to_ceiling"]
        verdicts.append(_verdict(f"{name}: req/s >= {wanted:.0%} of the ceiling", f"{ratio:.1%}", ratio >= wanted))
    for name, page in pages.items():
        if name == "ceiling" or page.get("skipped"):
            continue
        limit = TARGETS["p99_factor"] * page["paired_ceiling_p99_ms"]
        verdicts.append(
            _verdict(
                f"{name}: p99 <= {TARGETS['p99_factor']:.0f}x the ceiling's",
                f"{page['p99_ms']:.1f} ms vs {page['paired_ceiling_p99_ms']:.1f} ms "
                f"({page['p99_ms'] / page['paired_ceiling_p99_ms']:.1f}x)",
                page["p99_ms"] <= limit,
            )
        )
    for name, counts in results["queries"].items():
        small, large = counts["small"], counts["large"]
        measured = f"cold {small['cold']} / {large['cold']}, warm {small['warm']} / {large['warm']}"
        met = (
            small["cold"] == large["cold"]
            and small["warm"] == large["warm"]
            and max(large["cold"], large["warm"]) <= TARGETS["queries"]
        )
        verdicts.append(
            _verdict(f"{name}: queries <= {TARGETS['queries']} cold and warm, same at both scales", measured, met)
        )
    memory = results.get("memory")
    if memory:
        for who in ("web", "celery"):
            before, after = memory[f"{who}_before_kib"], memory[f"{who}_after_kib"]
            growth = (after - before) / before if before else 0.0
            verdicts.append(
                _verdict(
                    f"{who} memory flat under load (RSS growth <= {TARGETS['memory_growth']:.0%})",
                    f"{before / 1024:.0f} -> {after / 1024:.0f} MiB ({growth:+.1%})",
                    growth <= TARGETS["memory_growth"],
                )
            )
    fanout = results.get("fanout")
    if fanout:
        verdicts.append(
            _verdict(
                f"fan-out >= {TARGETS['fanout_ratio']:.0%} of the plain loop",
                f"{fanout['ratio']:.1%}",
                fanout["ratio"] >= TARGETS["fanout_ratio"],
            )
        )
    return verdicts


def markdown(results: dict) -> str:
    m, c = results["machine"], results["config"]
    lines = [
        RESULTS_START,
        f"Run of {results['finished_at']} ({results['wall_seconds']:.0f} s in all), "
        f"scales {c['small_scale']} and {c['scale']} ({results['load']['large']['summary']}).",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, {m['os']} (kernel {m['kernel']}); "
        f"load average at start {m['load_average_at_start']}, at end {m.get('load_average_at_end')} "
        f"(the cores are shared with other work). "
        f"Python {m['python']}, Django {m['django']}, PostgreSQL {m['postgresql']}, Redis {m['redis']}, "
        f"gunicorn {m['gunicorn']} ({c['gunicorn_workers']} sync workers), "
        f"Celery {m['celery']} ({c['celery_concurrency']} processes), psycopg2 {m['psycopg2']}, wrk {m['wrk']} "
        f"({c['wrk_threads']} threads, {c['connections']} connections, {c['duration']} s per page after "
        f"{c['warmup']} s of warm-up, then {c['pair_duration']} s of the ceiling).",
        "",
        f"| page | req/s | ceiling req/s (before / after) | ratio | p50 ms | p99 ms | ceiling p99 ms "
        f"| queries cold / warm (scale {c['small_scale']}) | queries cold / warm (scale {c['scale']}) | answered |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, page in results["pages"].items():
        counts = results["queries"].get(name)
        small = f"{counts['small']['cold']} / {counts['small']['warm']}" if counts else ""
        large = f"{counts['large']['cold']} / {counts['large']['warm']}" if counts else ""
        answered = counts["large"]["answered"] if counts else ""
        path = results["paths"].get(name, "")
        if page.get("skipped"):
            lines.append(f"| {name} (`{path}`) | not measured: {page['skipped']} | | | | | | {small} | {large} | |")
            continue
        paired = ""
        if "paired_ceiling_rps" in page:
            paired = f"{page['ceiling_before_rps']:.0f} / {page['ceiling_after_rps']:.0f}"
        lines.append(
            f"| {name} (`{path}`) | {page['rps']:.0f} | {paired} | {page['ratio_to_ceiling']:.0%} "
            f"| {page['p50_ms']:.1f} | {page['p99_ms']:.1f} | {page.get('paired_ceiling_p99_ms', page['p99_ms']):.1f} "
            f"| {small} | {large} | {answered} |"
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
        ]
    memory = results.get("memory")
    if memory:
        lines += [
            "",
            f"Resident memory (VmRSS, largest process): web worker {memory['web_before_kib'] / 1024:.0f} MiB after the "
            f"first page, {memory['web_after_kib'] / 1024:.0f} MiB after the last (of {memory['web_workers']}); Celery "
            f"{memory['celery_before_kib'] / 1024:.0f} MiB after the first fan-out round, "
            f"{memory['celery_after_kib'] / 1024:.0f} MiB after the last (of {memory['celery_processes']}). "
            f"Peak (VmHWM): web {memory['web_worker_max_kib'] / 1024:.0f} MiB, "
            f"Celery {memory['celery_max_kib'] / 1024:.0f} MiB.",
        ]
    lines += ["", "| target | measured | met |", "|---|---|---|"]
    for verdict in results["targets"]:
        lines.append(f"| {verdict['target']} | {verdict['measured']} | {'met' if verdict['met'] else '**not met**'} |")
    over = {
        name: counts["large"]
        for name, counts in results["queries"].items()
        if counts["large"]["cold"] > TARGETS["queries"] and counts["large"].get("cold_reads")
    }
    if over:
        lines += [
            "",
            f"What each page over {TARGETS['queries']} cold queries asks, statement by statement at scale "
            f"{c['scale']} (`manage.py bench_queries --reads`; `--show` prints the SQL):",
            "",
            "| page | cold statements |",
            "|---|---|",
        ]
        for name, counts in over.items():
            statements = "; ".join(f"{number}. {read}" for number, read in enumerate(counts["cold_reads"], 1))
            lines.append(f"| {name} | {statements} |")
    profiles = results.get("profiles") or {}
    if profiles:
        lines += [
            "",
            "Where the time goes (`manage.py bench_profile`: cProfile over warm requests through the test client, "
            "in-process, no server), for the pages that missed a throughput target and for the ceiling:",
            "",
            "| page | ms per request | most own time (ms per request) |",
            "|---|---:|---|",
        ]
        for name, profile in profiles.items():
            top = "; ".join(f"`{row['function']}` {row['ms_per_request']}" for row in profile["by_own_time"][:5])
            lines.append(f"| {name} | {profile['ms_per_request']:.2f} | {top} |")
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


def vmrss_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) if match else 0


# The run ----------------------------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    environ = os.environ.get
    parser.add_argument("--scale", type=int, default=int(environ("BENCH_SCALE", "1000")))
    parser.add_argument("--small-scale", type=int, default=int(environ("BENCH_SMALL_SCALE", "10")))
    parser.add_argument("--duration", type=int, default=int(environ("BENCH_DURATION", "6")), help="seconds per page")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of warm-up before each page")
    parser.add_argument("--pair-duration", type=int, default=3, help="seconds of the ceiling after each page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--gunicorn-workers", type=int, default=int(environ("BENCH_WORKERS", "2")))
    parser.add_argument("--celery-concurrency", type=int, default=2)
    parser.add_argument("--fanout-visits", type=int, default=int(environ("BENCH_FANOUT_VISITS", "30")))
    parser.add_argument("--fanout-rounds", type=int, default=2)
    parser.add_argument("--page", action="append", help="measure only these pages (names from bench/_bench.py)")
    parser.add_argument("--profile-requests", type=int, default=30)
    parser.add_argument("--profile-pages", type=int, default=8, help="profile at most this many pages that missed")
    parser.add_argument(
        "--budget-seconds",
        type=int,
        default=int(environ("BENCH_BUDGET_SECONDS", str(DEFAULT_BUDGET_SECONDS))),
        help="stop measuring pages once the run has taken this long",
    )
    parser.add_argument(
        "--database-url", default=environ("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cx_bench")
    )
    parser.add_argument("--redis-url", default=environ("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"))
    parser.add_argument("--reuse-data", action="store_true", help="keep the loaded database (and skip the small scale)")
    parser.add_argument("--output", default=str(BENCH / "results.json"))
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite bench/README.md's table")
    return parser.parse_args()


def _loopback(url: str) -> None:
    if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"bench: {url} is not on loopback; the benchmark only ever targets this machine.")


def measure_pages(args, base: str, sessions: dict, began: float, web) -> tuple[dict, dict]:
    cookies, paths, roles = sessions["cookies"], sessions["paths"], sessions["roles"]
    names = [name for name in paths if not args.page or name in args.page or name == "ceiling"]
    requests = {}
    for name in names:
        headers = {"Cookie": cookies[roles[name]]} if roles[name] else {}
        expected = 200
        if name.endswith("_304"):
            etag = fetch(base + paths[name], headers)[1].get("ETag")
            if not etag:
                raise SystemExit(f"bench: {paths[name]} answered no ETag for its 304 measurement")
            headers = {**headers, "If-None-Match": etag}
            expected = 304
        for _attempt in range(3):  # a delegate's first look writes its mark: the answer after it is stored
            status, answer_headers, size = fetch(base + paths[name], headers)
        if status != expected:
            raise SystemExit(f"bench: {paths[name]} answered {status}, not {expected}")
        requests[name] = (base + paths[name], headers, size, answer_headers.get("X-Page-Cache", ""))
    pages, memory = {}, {}
    load = {"connections": args.connections, "threads": args.wrk_threads}
    ceiling_url, ceiling_headers, _size, _answered = requests["ceiling"]
    ceiling_before = None
    for name, (url, headers, size, answered) in requests.items():
        if time.monotonic() - began > args.budget_seconds:
            pages[name] = {"skipped": f"the run's budget of {args.budget_seconds} s was spent"}
            log(f"{name}: skipped (budget spent)")
            continue
        wrk(url, headers, duration=args.warmup, **load)
        measured = wrk(url, headers, duration=args.duration, **load)
        measured["bytes"], measured["answered"] = size, answered
        if name != "ceiling":
            # The cores are shared: each page is compared with the ceiling measured just before
            # and just after it (their mean), so that both saw the same machine.
            after = wrk(ceiling_url, ceiling_headers, duration=args.pair_duration, **load)
            measured["ceiling_before_rps"], measured["ceiling_after_rps"] = ceiling_before["rps"], after["rps"]
            measured["paired_ceiling_rps"] = round((ceiling_before["rps"] + after["rps"]) / 2, 2)
            measured["paired_ceiling_p99_ms"] = round((ceiling_before["p99_ms"] + after["p99_ms"]) / 2, 2)
            ceiling_before = after
        else:
            ceiling_before = measured
            memory["web_before_kib"] = max((vmrss_kib(pid) for pid in children(web.popen.pid)), default=0)
        pages[name] = measured
        log(
            f"{name}: {measured['rps']:.0f} req/s, p50 {measured['p50_ms']} ms, "
            f"p99 {measured['p99_ms']} ms ({answered})"
        )
        if measured["non_2xx_3xx"] or measured["socket_errors"]:
            log(f"  warning: {measured['non_2xx_3xx']} bad answers, {measured['socket_errors']} socket errors")
    memory["web_after_kib"] = max((vmrss_kib(pid) for pid in children(web.popen.pid)), default=0)
    return pages, memory


def main() -> None:
    args = arguments()
    if not shutil.which("wrk"):
        raise SystemExit("bench: wrk is not installed (make bench installs it with apt-get).")
    _loopback(args.database_url)
    _loopback(args.redis_url)
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
        "warmup": args.warmup,
        "pair_duration": args.pair_duration,
        "connections": args.connections,
        "wrk_threads": args.wrk_threads,
        "gunicorn_workers": args.gunicorn_workers,
        "celery_concurrency": args.celery_concurrency,
        "budget_seconds": args.budget_seconds,
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
    log(
        f"Queries at scale {args.scale} (cold/warm): "
        + ", ".join(f"{k}={v['cold']}/{v['warm']}" for k, v in large.items())
    )
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
            + ["--workers", str(args.gunicorn_workers), "--worker-class", "sync", "--log-level", "warning"],
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
        results["paths"] = sessions["paths"]
        results["pages"], memory = measure_pages(args, base, sessions, began, web)

        def celery_rss() -> int:
            return max((vmrss_kib(pid) for pid in [worker.popen.pid, *children(worker.popen.pid)]), default=0)

        fanouts = []
        for round_number in range(args.fanout_rounds):
            log(f"Fan-out round {round_number + 1}: publishing {args.fanout_visits} draft visits")
            fanouts.append(
                last_json(
                    manage(
                        env,
                        "bench_fanout",
                        *("--visits", str(args.fanout_visits), "--rounds", "1"),
                        *("--sink-status", str(sink_status)),
                    )
                )
            )
            if round_number == 0:
                memory["celery_before_kib"] = celery_rss()
        memory["celery_after_kib"] = celery_rss()
        messages = sum(f["messages"] for f in fanouts)
        worker_seconds = sum(f["worker_seconds"] for f in fanouts)
        loop_seconds = sum(f["plain_loop_seconds"] for f in fanouts)
        results["fanout"] = {
            "messages": messages,
            "worker_seconds": round(worker_seconds, 3),
            "plain_loop_seconds": round(loop_seconds, 3),
            "worker_messages_per_second": round(messages / worker_seconds, 1) if worker_seconds else 0,
            "plain_loop_messages_per_second": round(messages / loop_seconds, 1) if loop_seconds else 0,
            "ratio": round(loop_seconds / worker_seconds, 3) if worker_seconds else 0,
            "rounds": fanouts,
        }
        log(
            f"Fan-out: worker {results['fanout']['worker_messages_per_second']} msg/s, "
            f"plain loop {results['fanout']['plain_loop_messages_per_second']} msg/s"
        )

        web_workers = children(web.popen.pid)
        celery_processes = [worker.popen.pid, *children(worker.popen.pid)]
        memory.update(
            {
                "web_workers": len(web_workers),
                "web_worker_max_kib": max((vmhwm_kib(pid) for pid in web_workers), default=0),
                "celery_processes": len(celery_processes),
                "celery_max_kib": max((vmhwm_kib(pid) for pid in celery_processes), default=0),
            }
        )
        results["memory"] = memory

    for page in results["pages"].values():
        if page.get("skipped"):
            continue
        ceiling = page.get("paired_ceiling_rps") or results["pages"]["ceiling"]["rps"]
        page["ratio_to_ceiling"] = round(page["rps"] / ceiling, 3) if ceiling else None
        page.setdefault("paired_ceiling_p99_ms", page["p99_ms"])
    results["targets"] = judge(results)
    missed = [
        name
        for name, page in results["pages"].items()
        if name != "ceiling"
        and not page.get("skipped")
        and page["ratio_to_ceiling"]
        < (TARGETS["not_modified_ratio"] if name.endswith("_304") else TARGETS["page_ratio"])
    ]
    worst = sorted(missed, key=lambda name: results["pages"][name]["ratio_to_ceiling"])[: args.profile_pages]
    if worst:
        log(f"Profiling {', '.join(worst)} and the ceiling")
        profile_args = [f"--page={name}" for name in ["ceiling", *worst]]
        results["profiles"] = last_json(
            manage(env, "bench_profile", *profile_args, "--requests", str(args.profile_requests))
        )
    results["machine"]["load_average_at_end"] = [round(value, 2) for value in os.getloadavg()]
    results["wall_seconds"] = round(time.monotonic() - began, 1)
    results["finished_at"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    Path(args.output).write_text(json.dumps(results, indent=2) + "\n")
    if not args.no_readme:
        write_readme(results)
    log(f"Done in {results['wall_seconds']:.0f} s; results in {args.output}")
    print()
    print(f"{'page':<24} {'req/s':>8} {'ratio':>7} {'p50 ms':>8} {'p99 ms':>8} {'ceil p99':>9} {'q cold/warm':>12}")
    for name, page in results["pages"].items():
        counts = results["queries"].get(name, {}).get("large")
        queries = f"{counts['cold']}/{counts['warm']}" if counts else ""
        if page.get("skipped"):
            print(f"{name:<24} not measured ({page['skipped']})")
            continue
        print(
            f"{name:<24} {page['rps']:>8.0f} {page['ratio_to_ceiling']:>7.0%} "
            f"{page['p50_ms']:>8.1f} {page['p99_ms']:>8.1f} {page['paired_ceiling_p99_ms']:>9.1f} {queries:>12}"
        )
    print()
    for verdict in results["targets"]:
        print(f"{'met    ' if verdict['met'] else 'NOT MET'}  {verdict['target']}: {verdict['measured']}")
    missed_targets = [verdict for verdict in results["targets"] if not verdict["met"]]
    print(f"targets met: {len(results['targets']) - len(missed_targets)} of {len(results['targets'])}")


if __name__ == "__main__":
    main()
