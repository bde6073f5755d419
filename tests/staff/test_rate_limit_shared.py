"""Failed sign-ins are counted across workers when Redis holds the limits (as in production).

Two separate processes play two gunicorn workers; each has its own app and its own memory,
so only a shared store can make the sixth failure, spread over both, a 429.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

REDIS = ("127.0.0.1", 6379)

# The start of a worker process's script: an app of its own on the test database and the
# given rate-limit storage (argv: database URL, storage URI, key prefix, then the script's own).
WORKER_APP = """
import json, sys
from booking import create_app
from booking.config import TestConfig

class Worker(TestConfig):
    SQLALCHEMY_DATABASE_URI = sys.argv[1]
    RATELIMIT_STORAGE_URI = sys.argv[2]
    RATELIMIT_KEY_PREFIX = sys.argv[3]

app = create_app(Worker)
"""
ROOT = Path(__file__).resolve().parents[2]

WORKER = (
    WORKER_APP
    + """
client = app.test_client()
codes = [client.post("/staff/login", data={"email": "nobody@example.jp", "password": "wrong password!"},
                     environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code
         for _ in range(int(sys.argv[4]))]
print(json.dumps(codes))
"""
)


def redis_available() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1):
            return True
    except OSError:
        return False


def run_worker(database_url: str, storage: str, prefix: str, attempts: int) -> list[int]:
    result = subprocess.run(
        [sys.executable, "-c", WORKER, database_url, storage, prefix, str(attempts)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_two_workers_share_the_sign_in_limit(app, database_url):
    if not redis_available():
        if os.environ.get("CI"):
            pytest.fail("Redis is not running on 127.0.0.1:6379")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex}"
    first = run_worker(database_url, "redis://127.0.0.1:6379/15", prefix, 3)
    second = run_worker(database_url, "redis://127.0.0.1:6379/15", prefix, 3)
    assert first == [422, 422, 422]
    assert second == [422, 422, 429]  # the sixth failure overall, counted across both workers


def test_memory_storage_is_per_worker(app, database_url):
    """Why production needs Redis: with in-memory limits each worker counts alone."""
    first = run_worker(database_url, "memory://", "x", 3)
    second = run_worker(database_url, "memory://", "x", 3)
    assert first == second == [422, 422, 422]
