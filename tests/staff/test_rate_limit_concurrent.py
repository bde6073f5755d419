"""Sign-in guesses sent all at once are counted one by one: five a minute, not one more.

Each attempt takes its place in the limit before its password is checked, in one atomic step
on the store; a successful sign-in gives its place back. Run on the in-memory store of a
single process and on Redis shared by workers (a process of its own, with a key prefix of
its own, since the limiter is one object per process).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections import Counter

import pytest

from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import run_together
from tests.staff.test_rate_limit_shared import ROOT, WORKER_APP, redis_available

WRONG = "wrong password!"
REDIS = "redis://127.0.0.1:6379/15"

# Runs `plan` (batches of passwords; each batch sent at the same moment from one address)
# and prints each batch's status codes.
WORKER = (
    WORKER_APP
    + """
from tests.helpers import run_together  # after the app: its imports need it

def attempt(password):
    response = app.test_client().post(
        "/staff/login",
        data={"email": "coord@example.jp", "password": password},
        environ_base={"REMOTE_ADDR": "198.51.100.77"},
    )
    return response.status_code

results = []
for batch in json.loads(sys.argv[4]):
    results.append(run_together(len(batch), lambda index, _: attempt(batch[index])))
print(json.dumps(results))
"""
)


def needs_redis() -> None:
    if not redis_available():
        if os.environ.get("CI"):
            pytest.fail("Redis is not running on 127.0.0.1:6379")
        pytest.skip("Redis is not running on 127.0.0.1:6379")


def run_worker(database_url: str, storage: str, plan: list[list[str]]) -> list[list[int]]:
    prefix = f"test-{uuid.uuid4().hex}"
    result = subprocess.run(
        [sys.executable, "-c", WORKER, database_url, storage, prefix, json.dumps(plan)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_twenty_guesses_at_once_get_five_answers(app, ctx):
    make_user(email="coord@example.jp")

    def guess(index: int, _prepared) -> int:
        return (
            app.test_client()
            .post(
                "/staff/login",
                data={"email": "coord@example.jp", "password": WRONG},
                environ_base={"REMOTE_ADDR": "198.51.100.76"},
            )
            .status_code
        )

    codes = run_together(20, guess)
    assert Counter(codes) == {422: 5, 429: 15}


def test_twenty_guesses_at_once_get_five_answers_with_redis(database_url, ctx):
    needs_redis()
    make_user(email="coord@example.jp")
    (codes,) = run_worker(database_url, REDIS, [[WRONG] * 20])
    assert Counter(codes) == {422: 5, 429: 15}


def test_a_successful_sign_in_gives_its_place_back_with_redis(database_url, ctx):
    needs_redis()
    make_user(email="coord@example.jp")
    plan = [[WRONG] * 4, [DEFAULT_PASSWORD], [WRONG], [WRONG]]
    assert run_worker(database_url, REDIS, plan) == [[422] * 4, [302], [422], [429]]


def test_a_successful_sign_in_gives_its_place_back_in_memory(database_url, ctx):
    make_user(email="coord@example.jp")
    plan = [[WRONG] * 4, [DEFAULT_PASSWORD], [WRONG], [WRONG]]
    assert run_worker(database_url, "memory://", plan) == [[422] * 4, [302], [422], [429]]
