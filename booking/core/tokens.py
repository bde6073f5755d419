"""Private links: a random token shown once, only its SHA-256 stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app

TOKEN_BYTES = 32  # 256 random bits; the contract asks for at least 128


def new_token() -> tuple[str, str]:
    """A fresh URL-safe token and the hash to store for it."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def derived_key(label: bytes) -> bytes:
    """A key of its own for one purpose (`label`), derived from SECRET_KEY (HMAC-SHA256), so no
    two purposes share a key and none uses SECRET_KEY itself."""
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(secret, label, hashlib.sha256).digest()
