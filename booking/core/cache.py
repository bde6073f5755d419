"""A cache for the public pages: rendered fragments and computed figures that depend only
on the language and on data that changes rarely (the catalog, the school list, the
settings, the cohort, the track record's figures).

Each worker keeps its entries in its own memory; what lets every worker trust them is a
version token per table, kept in a store all workers share (Redis in production):

- A cached page takes the tokens of the tables it shows (`@cached_page(Model, ...)`)
  before its view reads any data, and every entry it uses is keyed by them.
- Every commit that wrote a table gives that table a new token, in every worker's eyes at
  once; the next request anywhere misses and renders from the database. The token is
  renewed right before the commit and again right after it, so a page rendered from the
  old rows in between is never found again.
- Tokens are random, not counters: a store that restarts empty hands out new tokens, never
  an old one again. While the store cannot be reached nothing is cached.

Writes are seen where SQL is sent (INSERT, UPDATE, DELETE name their table; any other
write, say TRUNCATE, renews every token), so a service needs nothing to invalidate what
it changes. Nothing personal or per session goes in an entry: forms are cached as the
fields of an empty form, and the CSRF token and the form key are rendered around them.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import wraps
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context, has_request_context, request
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy.orm import Session

from booking.core.i18n import current_language
from booking.core.time import utcnow

# The token every key includes: renewed by writes that name no table we can read.
EVERY_TABLE = "*"
EXTENSION = "booking_page_cache"
_SNAPSHOT = "_page_cache_versions"
_SHARED = "_page_cache_shared_key"
_CONFIG_KEYS = ("ORGANISATION_JA", "ORGANISATION_EN", "CONTACT_PHONE", "CONTACT_EMAIL")

_WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z_][A-Za-z0-9_]*)"?',
    re.IGNORECASE,
)
_NOT_A_WRITE = re.compile(
    r"^\s*(?:SELECT|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|PRAGMA|SHOW|SET|EXPLAIN|VALUES)\b", re.IGNORECASE
)
_ANY_WRITE = re.compile(r"\b(?:INSERT|UPDATE|DELETE|TRUNCATE|ALTER|DROP|CREATE)\b", re.IGNORECASE)

T = TypeVar("T")
log = logging.getLogger("booking.cache")


class StoreUnavailable(RuntimeError):
    """The shared store of version tokens did not answer."""


class VersionStore(Protocol):
    def tokens(self, names: Sequence[str]) -> list[str]: ...

    def renew(self, names: Iterable[str]) -> None: ...


def _new_token() -> str:
    return secrets.token_hex(8)


class MemoryVersions:
    """Tokens in this process's memory: one process only (the local demo, the tests)."""

    def __init__(self) -> None:
        self._tokens: dict[str, str] = {}
        self._lock = threading.Lock()

    def tokens(self, names: Sequence[str]) -> list[str]:
        with self._lock:
            return [self._tokens.setdefault(name, _new_token()) for name in names]

    def renew(self, names: Iterable[str]) -> None:
        with self._lock:
            for name in names:
                self._tokens[name] = _new_token()


class RedisVersions:
    """Tokens in Redis, shared by every worker; errors become StoreUnavailable."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self._errors = (redis.RedisError, OSError)
        self._client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._prefix = f"{prefix}:page-cache:"

    def tokens(self, names: Sequence[str]) -> list[str]:
        keys = [self._prefix + name for name in names]
        try:
            found = self._client.mget(keys)
            missing = [key for key, value in zip(keys, found, strict=True) if value is None]
            if missing:
                with self._client.pipeline(transaction=False) as pipe:
                    for key in missing:
                        pipe.set(key, _new_token(), nx=True)
                    pipe.execute()
                found = self._client.mget(keys)
        except self._errors as error:
            raise StoreUnavailable(str(error)) from error
        return [value.decode() for value in found]

    def renew(self, names: Iterable[str]) -> None:
        try:
            with self._client.pipeline(transaction=False) as pipe:
                for name in names:
                    pipe.set(self._prefix + name, _new_token())
                pipe.execute()
        except self._errors as error:
            raise StoreUnavailable(str(error)) from error


# Memory stores by key prefix: every app of a process with the same prefix shares one, as
# every worker shares Redis.
_memory_stores: dict[str, MemoryVersions] = {}
_memory_lock = threading.Lock()


def _memory_store(prefix: str) -> MemoryVersions:
    with _memory_lock:
        return _memory_stores.setdefault(prefix, MemoryVersions())


class PageCache:
    """One app's (one worker's) entries, keyed by the shared version tokens."""

    def __init__(self, versions: VersionStore | None, max_entries: int, max_age_seconds: float) -> None:
        self.versions = versions
        self.max_entries = max_entries
        self.max_age_seconds = max_age_seconds
        self._entries: OrderedDict[tuple, tuple[Any, float, datetime | None]] = OrderedDict()
        self._lock = threading.Lock()
        # Tables whose new token could not be written (store down): retried first thing.
        self._unsent: set[str] = set()

    @property
    def enabled(self) -> bool:
        return self.versions is not None

    def get(self, key: tuple) -> tuple[bool, Any]:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return False, None
            value, stored, until = entry
            if time.monotonic() - stored > self.max_age_seconds or (until is not None and utcnow() >= until):
                del self._entries[key]
                return False, None
            self._entries.move_to_end(key)
            return True, value

    def put(self, key: tuple, value: Any, until: datetime | None = None) -> None:
        with self._lock:
            self._entries[key] = (value, time.monotonic(), until)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def stored(self) -> list[Any]:
        """Every value kept now (to check what a cache holds)."""
        with self._lock:
            return [value for value, _, _ in self._entries.values()]

    def renew(self, tables: Iterable[str]) -> None:
        """New tokens for `tables`: every worker's entries built on them are never used again."""
        if self.versions is None:
            return
        names = set(tables) | self._unsent
        try:
            self.versions.renew(sorted(names))
        except StoreUnavailable:
            self._unsent = names
            log.warning("page cache: the version store did not answer; nothing is cached meanwhile")
            self.clear()
        else:
            self._unsent = set()

    def tokens(self, tables: Sequence[str]) -> tuple[str, ...] | None:
        """The tables' tokens now, or None when they cannot be known (nothing is cached then)."""
        if self.versions is None:
            return None
        try:
            if self._unsent:
                self.versions.renew(sorted(self._unsent))
                self._unsent = set()
            return tuple(self.versions.tokens([*tables, EVERY_TABLE]))
        except StoreUnavailable:
            self.clear()
            return None


def table_names(models: Iterable[Any]) -> tuple[str, ...]:
    """The table names of models (or tables), sorted."""
    names = set()
    for model in models:
        table = model if isinstance(model, sa.Table) else model.__table__
        names.add(table.name)
    return tuple(sorted(names))


def _cache() -> PageCache | None:
    return current_app.extensions.get(EXTENSION)


def cached_page(*models: Any) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Let a view's templates and code use cached entries built from these models' tables.

    The tokens are read before the view runs, so before it reads any data: an entry made
    from rows read afterwards is never older than the tokens it is filed under.
    """
    resolved: dict[tuple[int, ...], tuple[str, ...]] = {}

    def tables() -> tuple[str, ...]:
        # A list among the models is one later features add to: read again when it grows.
        flat = [m for item in models for m in (item if isinstance(item, list) else [item])]
        marker = tuple(map(id, flat))
        names = resolved.get(marker)
        if names is None:
            names = resolved[marker] = table_names(flat)
        return names

    def decorate(view: Callable[..., T]) -> Callable[..., T]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> T:
            cache = _cache()
            names = tables()
            tokens = cache.tokens(names) if cache is not None else None
            if tokens is not None:
                setattr(g, _SNAPSHOT, (names, tokens))
            return view(*args, **kwargs)

        wrapper.cached_tables = tables  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _key(name: str, parts: tuple, data: bool = True) -> tuple | None:
    if not has_app_context():
        return None
    snapshot = g.get(_SNAPSHOT) if data else ()
    if snapshot is None:
        return None
    return (name, _shared_key(), snapshot, parts)


def _shared_key() -> tuple:
    """What every key of this request holds: language, script root, the organisation's details.

    Worked out once per request and language (an email rendered in another language
    mid-request gets its own).
    """
    locale = get_locale()
    known = g.get(_SHARED)
    if known is not None and known[0] is locale:
        return known[1]
    config = current_app.config
    shared = (
        current_language(),
        request.script_root if has_request_context() else "",
        tuple(config.get(key) for key in _CONFIG_KEYS),
    )
    setattr(g, _SHARED, (locale, shared))
    return shared


def cached_value(
    name: str,
    compute: Callable[[], T],
    *parts: Any,
    until: datetime | Callable[[], datetime | None] | None = None,
    data: bool = True,
) -> T:
    """`compute()`, kept while the page's tables are unchanged. Keep only plain, frozen values.

    Outside a `cached_page` view it is computed every time. `until` (or a function giving
    it, called on a miss) is when the value goes stale by itself. `data=False` is for what
    depends on nothing but the language, the configuration and `parts`: kept on every page.
    """
    key = _key(name, parts, data)
    cache = _cache()
    if key is None or cache is None or not cache.enabled:
        return compute()
    found, value = cache.get(key)
    if found:
        return value
    value = compute()
    if callable(until):
        until = until()
    if not data or g.get(_SNAPSHOT) is not None:  # nothing was written meanwhile
        cache.put(key, value, until)
    return value


def cached_fragment(
    name: str, *parts: Any, until: datetime | None = None, enabled: bool = True, data: bool = True, caller
) -> Markup:
    """For templates: `{% call cached_fragment("name", part...) %}...{% endcall %}`.

    The block is rendered once per language, page tokens and parts, then reused. `enabled`
    false renders it every time (a form holding what someone typed, its errors).
    """
    # The block's output is already escaped Markup (templates autoescape); it is kept as is.
    if not enabled:
        return caller()
    return cached_value("fragment:" + name, caller, *parts, until=until, data=data)


# --- Seeing writes -------------------------------------------------------------------

_written_key = "booking_page_cache_written"
_local = threading.local()


def written_table(statement: str) -> str | None:
    """The table a SQL statement writes, EVERY_TABLE for a write of unknown reach, else None."""
    match = _WRITE.match(statement)
    if match:
        return match.group(1)
    if _NOT_A_WRITE.match(statement):
        return None
    if statement.lstrip()[:4].upper() == "WITH" and not _ANY_WRITE.search(statement):
        return None
    return EVERY_TABLE


def _watch_engine(engine: sa.Engine, cache: PageCache) -> None:
    def after_cursor_execute(conn, cursor, statement, parameters, context, executemany) -> None:
        table = written_table(statement)
        if table is None:
            return
        conn.info.setdefault(_written_key, set()).add(table)
        if has_app_context():
            g.pop(_SNAPSHOT, None)  # this request changed data: it caches nothing more

    def before_commit(conn) -> None:
        tables = conn.info.pop(_written_key, None)
        if tables:
            cache.renew(tables)
            pending = getattr(_local, "committed", None)
            if pending is None:
                pending = _local.committed = []
            pending.append((cache, tables))

    def after_rollback(conn) -> None:
        conn.info.pop(_written_key, None)

    sa.event.listen(engine, "after_cursor_execute", after_cursor_execute)
    sa.event.listen(engine, "commit", before_commit)
    sa.event.listen(engine, "rollback", after_rollback)


def _after_session_commit(session: Session) -> None:
    """Renew the tokens once more, now that the rows are committed (see the module's docstring)."""
    pending = getattr(_local, "committed", None)
    if not pending:
        return
    _local.committed = []
    for cache, tables in pending:
        cache.renew(tables)


if not sa.event.contains(Session, "after_commit", _after_session_commit):
    sa.event.listen(Session, "after_commit", _after_session_commit)


def _version_store(app: Flask) -> VersionStore | None:
    uri = app.config.get("PAGE_CACHE_STORAGE_URI")
    if uri is None:
        # Redis when the rate limits use it (production); memory for one process.
        limits = app.config.get("RATELIMIT_STORAGE_URI", "")
        if limits.startswith(("redis://", "rediss://")):
            uri = limits
        elif app.debug or app.testing:
            uri = "memory://"
        else:
            uri = ""
    prefix = app.config.get("PAGE_CACHE_KEY_PREFIX") or app.config.get("RATELIMIT_KEY_PREFIX", "booking")
    scheme = urlsplit(uri).scheme
    if scheme in ("redis", "rediss", "unix"):
        return RedisVersions(uri, prefix)
    if scheme == "memory":
        return _memory_store(prefix)
    return None


def init_page_cache(app: Flask, engine_getter: Callable[[], sa.Engine]) -> None:
    cache = PageCache(
        _version_store(app),
        max_entries=int(app.config.get("PAGE_CACHE_MAX_ENTRIES", 2000)),
        max_age_seconds=float(app.config.get("PAGE_CACHE_MAX_AGE_SECONDS", 600)),
    )
    app.extensions[EXTENSION] = cache
    with app.app_context():
        _watch_engine(engine_getter(), cache)
    app.jinja_env.globals["cached_fragment"] = cached_fragment


def page_cache(app: Flask | None = None) -> PageCache:
    return (app or current_app).extensions[EXTENSION]


class Lazy:
    """A value computed when a template first uses it: inside a cached block, only on a miss.

    For a view whose data appears only in cached fragments: on a hit the page reads nothing.
    """

    __slots__ = ("_compute", "_done", "_value")

    def __init__(self, compute: Callable[[], Any]) -> None:
        self._compute = compute
        self._done = False
        self._value = None

    def _get(self) -> Any:
        if not self._done:
            self._value = self._compute()
            self._done = True
        return self._value

    def __getattr__(self, name: str) -> Any:
        return getattr(self._get(), name)

    def __iter__(self):
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __bool__(self) -> bool:
        return bool(self._get())

    def __getitem__(self, key: Any) -> Any:
        return self._get()[key]

    def __contains__(self, item: Any) -> bool:
        return item in self._get()

    def __str__(self) -> str:
        return str(self._get())
