"""What the HTTP benchmarks share: a database of their own, gunicorn, and a load generator.

Not a benchmark itself (`make bench` runs only the scripts whose name does not start
with an underscore).

- `bench_database()` creates a fresh PostgreSQL database on the server BENCH_DATABASE_URL
  (or TEST_DATABASE_URL) names, and drops it afterwards; without a server it falls back
  to a temporary SQLite file and says so.
- `Gunicorn` starts gunicorn on a free local port and stops it.
- `load()` runs wrk when it is installed, else a small Python client, and returns the
  requests per second and latency percentiles.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


@dataclass(frozen=True)
class Database:
    url: str
    kind: str  # "PostgreSQL" or "SQLite"


@contextlib.contextmanager
def bench_database() -> Iterator[Database]:
    """A database of the benchmark's own, dropped at the end: never another's data."""
    import sqlalchemy as sa

    server_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or DEFAULT_SERVER
    if server_url.startswith("postgresql"):
        server = sa.make_url(server_url)
        name = f"booking_bench_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        except sa.exc.OperationalError as error:
            print(f"(PostgreSQL at {server.host}:{server.port} not reachable: {error.orig}; using SQLite)")
            admin.dispose()
        else:
            try:
                yield Database(server.set(database=name).render_as_string(hide_password=False), "PostgreSQL")
            finally:
                with admin.connect() as conn:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.dispose()
            return
    with tempfile.TemporaryDirectory() as tmp:
        yield Database(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", "SQLite")


def redis_url() -> str | None:
    """Redis for the rate limits and the page cache's versions, if one answers."""
    url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # any failure means: run without it
        return None
    return url


def app_environment(database: Database, redis: str | None) -> dict[str, str]:
    """The environment of a production-like run on the benchmark's database."""
    env = dict(os.environ)
    for name in ("FLASK_DEBUG", "SHOW_PRIVATE_LINKS_IN_OUTBOX", "PAGE_CACHE_STORAGE_URI"):
        env.pop(name, None)
    env.update(
        DATABASE_URL=database.url,
        SECRET_KEY=secrets.token_hex(32),
        BASE_URL="http://127.0.0.1",
        FLASK_APP="wsgi",
        PYTHONPATH=str(ROOT),
        # Its own keys in Redis, so runs never share versions or counts.
        PAGE_CACHE_KEY_PREFIX=f"bench-{uuid.uuid4().hex[:8]}",
        RATELIMIT_KEY_PREFIX=f"bench-{uuid.uuid4().hex[:8]}",
    )
    if redis:
        env["RATELIMIT_STORAGE_URI"] = redis
    return env


def flask(env: dict[str, str], *args: str) -> None:
    # Fixed commands of this script; nothing comes from outside.
    subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`gunicorn --workers N app` on a free local port, for a `with` block."""

    def __init__(self, app: str, env: dict[str, str], workers: int = 4) -> None:
        self.port = free_port()
        self.command = [
            str(BIN / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
            app,
        ]
        self.env = env
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env)  # noqa: S603
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                status, _ = get(self.port, "/healthz")
                if status in (200, 404, 503):
                    return self
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not start: {' '.join(self.command)}")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p90_ms: float
    p99_ms: float
    errors: int


def load_tool() -> str:
    return "wrk" if shutil.which("wrk") else "python"


def load(port: int, path: str, seconds: float, connections: int = 20, threads: int = 2, headers=None) -> Load:
    """Load `path` for `seconds`: wrk when installed, else the Python client."""
    if load_tool() == "wrk":
        return _wrk(port, path, seconds, connections, threads, headers or {})
    return _python_load(port, path, seconds, connections, headers or {})


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def _wrk(port: int, path: str, seconds: float, connections: int, threads: int, headers: dict) -> Load:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(  # noqa: S603
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p90 = _ms(re.search(r"^\s+90%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return Load(rate, p90, p99, int(errors.group(1)) if errors else 0)


def _python_load(port: int, path: str, seconds: float, connections: int, headers: dict) -> Load:
    """Keep-alive connections in threads, each sending requests one after another."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine: list[float] = []
        failed = 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    if not latencies:
        return Load(0.0, 0.0, 0.0, errors[0])
    cuts = statistics.quantiles(latencies, n=100)
    return Load(len(latencies) / elapsed, cuts[89], cuts[98], errors[0])
