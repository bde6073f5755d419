"""Security headers on every response, forms only from this site, safe redirect targets.

How forms are kept to this site (cross-site request forgery), over HTTPS as in production:
- every form carries Flask-WTF's CSRF token, and over HTTPS Flask-WTF also requires a
  Referer from this very origin (`WTF_CSRF_SSL_STRICT`, on);
- so pages send `Referrer-Policy: same-origin`: the full address goes only to this site
  (which the check above needs), nothing at all to another one, so the private-link tokens
  in paths never leave the site;
- a POST (or other unsafe method) whose `Origin` header names another origin, `null`
  included, is refused before any view reads it, whatever the token.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, request
from flask_wtf.csrf import CSRFError

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def safe_next_url(target: str | None, fallback: str) -> str:
    """`target` when it is a path inside this site, else `fallback`.

    Refuses absolute URLs, scheme-relative `//host` and backslash tricks browsers
    normalise into another host.
    """
    if not target:
        return fallback
    target = target.strip()
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Private links carry tokens in their path: a Referer goes to this site only (see above).
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # Pages show personal data; only static assets may be kept by browsers and proxies.
    if request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
    return response


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def refuse_other_origins() -> None:
    """A form sent from another site gets the 400 page, before any view reads it."""
    if request.method not in UNSAFE_METHODS:
        return
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"{request.scheme}://{request.host}":
        raise CSRFError("The form was sent from another site.")


def init_security(app: Flask) -> None:
    app.before_request(refuse_other_origins)
    app.after_request(add_security_headers)
