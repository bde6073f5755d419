"""Private links masked, by route, wherever staff or a log could read them.

A token in a URL opens a teacher's, student's or guardian's page, or sets a staff member's
password. Rather than guess what a token looks like, each URL in a text is matched against
the app's own URL map (after percent-decoding, as the router does): whatever fills a rule's
`token` argument is replaced by a marker. The outbox's staff views and the log filters use
this one helper, so a new route with a `<token>` is masked everywhere without more code.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import Map, MapAdapter, Rule

TOKEN_ARGUMENT = "token"  # noqa: S105 (the name of a route argument)
# What logs write in place of a token and of a query string.
LOG_MARKER = "[token]"
QUERY_MARKER = "[query]"
# The only query value a log keeps: a page number.
KEPT_QUERY = re.compile(r"page=\d{1,6}")

# A URL, its scheme and host optional: a path, then an optional query and fragment, each up
# to the first space, quote or angle bracket (the ends of a URL in a log line or in HTML).
_URL = re.compile(
    r"""(?P<origin>[A-Za-z][A-Za-z0-9+.\-]*://[^/\s"'<>]*)?"""
    r"""(?P<path>/[^\s"'<>?#]*)"""
    r"""(?P<rest>[?#][^\s"'<>]*)?"""
)
# Stands for the token while the path is built again; only letters and digits, so unquoted.
_PLACEHOLDER = "0redacted0token0"
_METHODS = ("GET", "POST")
# A run of URL-safe characters (percent escapes included), for the logs' backstop below.
_RUN = re.compile(r"(?:[A-Za-z0-9_-]|%[0-9A-Fa-f]{2}){32,}")
TOKEN_LIKE_LENGTH = 32  # private tokens carry 256 bits: 43 characters


def mask_token_like(text: str, marker: str = LOG_MARKER) -> str:
    """`text` with every run that looks like a private token replaced by `marker`.

    The logs' backstop for what no route matches: a mangled link (dot segments, a typo before
    the route, a quote before the token) or a header a client filled in. A token has 32 or
    more URL-safe characters with capitals and small letters both; identifiers in code and
    hexadecimal digests (small letters only) are left alone.
    """

    def replace(match: re.Match[str]) -> str:
        run = unquote(match[0])
        looks_random = any(c.isupper() for c in run) and any(c.islower() for c in run)
        return marker if looks_random and len(run) >= TOKEN_LIKE_LENGTH else match[0]

    return _RUN.sub(replace, text)


def mask_private_links(
    text: str,
    url_map: Map,
    marker: str = LOG_MARKER,
    base_path: str = "",
    drop_queries: bool = False,
) -> str:
    """`text` with the token of every private link in it replaced by `marker`.

    `base_path` is the path the app is served under (from BASE_URL), when not "/".
    With `drop_queries`, query strings are reduced to a page number and a marker: staff
    searches carry names.
    """
    if "/" not in text:
        return text
    adapter = url_map.bind("localhost", script_name="/")
    base = base_path.rstrip("/")

    def replace(match: re.Match[str]) -> str:
        path, rest = match["path"], match["rest"] or ""
        masked = _mask_path(adapter, path, marker, base)
        if drop_queries and rest.startswith("?"):
            rest = drop_query(rest)
        return (match["origin"] or "") + (masked if masked is not None else path) + rest

    return _URL.sub(replace, text)


def _mask_path(adapter: MapAdapter, path: str, marker: str, base: str) -> str | None:
    """The path with its `token` argument masked, or None when it is no private link.

    A path longer than the route (`/lectures/manage/<token>/anything`) still names the
    token: its longest leading part that is a route decides.
    """
    decoded = re.sub(r"/{2,}", "/", unquote(path))
    prefix = ""
    if base and (decoded == base or decoded.startswith(base + "/")):
        prefix, decoded = base, decoded[len(base) :] or "/"
    # A mistyped capital (/Lectures/manage/...) opens nothing, but the token in it is real.
    for candidate in dict.fromkeys((decoded, decoded.lower())):
        segments = candidate.split("/")
        for end in range(len(segments), 1, -1):
            found = _match(adapter, "/".join(segments[:end]))
            if found is None:
                continue
            rule, arguments = found
            if TOKEN_ARGUMENT not in arguments:
                return None
            built = rule.build({**arguments, TOKEN_ARGUMENT: _PLACEHOLDER}, append_unknown=False)
            if built is None:
                return None
            tail = "/".join(segments[end:])
            return (
                prefix + built[1].replace(_PLACEHOLDER, marker) + (f"/{tail}" if end < len(segments) else "")
            )
    return None


def _match(adapter: MapAdapter, path: str) -> tuple[Rule, dict] | None:
    for method in _METHODS:
        try:
            return adapter.match(path, method=method, return_rule=True)
        except MethodNotAllowed:
            continue
        except HTTPException:  # not found, or a redirect to another form of the path
            return None
    return None


def drop_query(query: str) -> str:
    """`?page=2&q=山田` → `?page=2&[query]`: whatever else was asked stays out of the log."""
    parts = query[1:].split("#", 1)[0].split("&")
    kept = [part for part in parts if KEPT_QUERY.fullmatch(part)]
    if len(kept) < len([part for part in parts if part]):
        kept.append(QUERY_MARKER)
    return "?" + "&".join(kept)
