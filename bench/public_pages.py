"""How fast the public pages answer under load, next to a bare Flask endpoint.

Creates a PostgreSQL database of its own (dropped afterwards), adds the demo data, and
starts gunicorn with 4 workers, the app as in production (Redis for the rate limits and
the page cache's versions). Then, one after the other in the same run, it loads each
public page and a bare Flask endpoint returning a body of the same size under the same
gunicorn, with 20 connections (wrk with 2 threads when installed, else a Python client),
and prints requests per second, the ratio to the bare endpoint, and the 90th and 99th
percentile of the response time.

    .venv/bin/python bench/public_pages.py [--seconds 10] [--lang ja|en] [--workers 4]

The figures depend on the machine and on what else runs on it; compare ratios measured
in the same run.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._server import (
    Gunicorn,
    app_environment,
    bench_database,
    flask,
    get,
    load,
    load_tool,
    redis_url,
)

PAGES = ["/lectures/", "/youth/", "/records", "/lectures/request", "/youth/apply", "/lectures/availability"]
# The goals: the share of the bare endpoint's rate each page reaches at least.
GOALS = {
    "/lectures/": 0.2,
    "/youth/": 0.2,
    "/records": 0.2,
    "/lectures/request": 0.1,
    "/youth/apply": 0.1,
    "/lectures/availability": 0.2,
}
P90_GOAL_MS = 50


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 10)))
    parser.add_argument("--lang", choices=["ja", "en"], default="ja")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("pages", nargs="*", default=PAGES)
    args = parser.parse_args()
    headers = {"Cookie": f"lang={args.lang}"}

    redis = redis_url()
    with bench_database() as database:
        env = app_environment(database, redis)
        flask(env, "db", "upgrade")
        flask(env, "seed-demo")
        with Gunicorn("wsgi:app", env, args.workers) as site:
            sizes = {}
            for page in args.pages:
                status, body = get(site.port, page, headers)
                if status != 200:
                    raise SystemExit(f"{page} answered {status}")
                sizes[page] = len(body)
            with Gunicorn("bench._bare:app", env, args.workers) as bare:
                rows = []
                for page in args.pages:
                    for _ in range(3 * args.workers):  # every worker renders and caches it first
                        get(site.port, page, headers)
                    measured = load(site.port, page, args.seconds, headers=headers)
                    time.sleep(1)
                    baseline = load(bare.port, f"/{sizes[page]}", args.seconds)
                    time.sleep(1)
                    rows.append((page, measured, baseline))

    print(
        f"Public pages, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}: "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {database.kind}, "
        f"gunicorn {args.workers} sync workers, "
        f"page cache {'Redis' if redis else 'off (no Redis)'}, language {args.lang}"
    )
    tool = (
        "wrk, 2 threads, 20 connections"
        if load_tool() == "wrk"
        else "Python client (wrk not installed), 20 connections"
    )
    print(f"Load: {tool}, {args.seconds:g} s per measurement; each page, then the bare endpoint, in turn.")
    print()
    print("| page | req/s | bare Flask | ratio | goal | p90 | p99 | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for page, measured, baseline in rows:
        ratio = (
            measured.requests_per_second / baseline.requests_per_second if baseline.requests_per_second else 0
        )
        goal = GOALS.get(page)
        flag = "" if goal is None or ratio >= goal else " (below)"
        p90_flag = "" if measured.p90_ms <= P90_GOAL_MS else " (over 50)"
        print(
            f"| {page} | {measured.requests_per_second:,.0f} | {baseline.requests_per_second:,.0f} "
            f"| {ratio:.2f}{flag} | {goal or ''} | {measured.p90_ms:.0f} ms{p90_flag} "
            f"| {measured.p99_ms:.0f} ms | {measured.errors} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
