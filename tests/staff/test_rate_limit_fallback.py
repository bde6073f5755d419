"""Redis down is not an outage: the limits are counted in each worker's memory meanwhile.

The app runs in a process of its own, as a gunicorn worker does, pointed at a port where
nothing listens (the connection is refused at once): the limiter is one object per process,
and a dead store must not outlive the test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest

from booking.core.time import fiscal_year, today_jst, utcnow
from tests.factories.youth import make_cohort
from tests.staff.test_rate_limit_shared import ROOT, WORKER_APP, redis_available

REFUSED = "redis://127.0.0.1:1/0"
ADDRESS = "198.51.100.23"

WORKER = (
    WORKER_APP
    + """
client = app.test_client()

def post(path, **data):
    return client.post(path, data=data, environ_base={"REMOTE_ADDR": sys.argv[4]}).status_code

wrong = {"email": "someone@example.jp", "password": "wrong password!"}
print(json.dumps({
    "sign_in": [post("/staff/login", **wrong) for _ in range(6)],
    "lecture_form": post("/lectures/request", contact_name="Yamada"),
    "youth_form": post("/youth/apply", last_name="Yamada"),
    "healthz": [client.get("/healthz").status_code, client.get("/healthz").json],
}))
"""
)


def run_worker(database_url: str, storage: str) -> tuple[dict, str]:
    result = subprocess.run(
        [sys.executable, "-c", WORKER, database_url, storage, f"test-{uuid.uuid4().hex}", ADDRESS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


@pytest.fixture
def open_cohort(ctx):
    now, days = utcnow(), timedelta(days=10)
    return make_cohort(fiscal_year=fiscal_year(today_jst()), opens_at=now - days, closes_at=now + days)


def test_with_redis_down_sign_in_and_the_public_forms_still_answer(database_url, open_cohort):
    answers, log = run_worker(database_url, REFUSED)
    # The forms were read and answered with their own messages, not a 500.
    assert answers["lecture_form"] == 422
    assert answers["youth_form"] == 422
    # Sign-in guesses are still limited, in this worker's memory.
    assert answers["sign_in"] == [422, 422, 422, 422, 422, 429]
    # The site serves, and says what is degraded.
    code, health = answers["healthz"]
    assert code == 200
    assert health["status"] == "ok" and health["database"] == "ok" and health["ratelimit"] == "degraded"
    # One line in the log for the whole outage, naming nobody.
    lines = [line for line in log.splitlines() if "storage" in line.lower()]
    assert len(lines) == 1 and "unreachable" in lines[0]
    assert ADDRESS not in log and "someone@example.jp" not in log


def test_healthz_says_the_rate_limit_store_is_ok_when_redis_answers(database_url, ctx):
    if not redis_available():
        if os.environ.get("CI"):
            pytest.fail("Redis is not running on 127.0.0.1:6379")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    answers, log = run_worker(database_url, "redis://127.0.0.1:6379/15")
    code, health = answers["healthz"]
    assert code == 200 and health["ratelimit"] == "ok"
    assert "unreachable" not in log


def test_healthz_says_ok_with_the_local_memory_store(client):
    assert client.get("/healthz").json["ratelimit"] == "ok"
