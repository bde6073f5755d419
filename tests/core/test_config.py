"""Configuration: safe defaults, and no start in production with the development secret."""

from __future__ import annotations

import pytest

from booking import InsecureConfiguration, create_app
from booking.config import DEFAULT_SECRET_KEY, Config, TestConfig


@pytest.mark.parametrize("secret", [None, "", DEFAULT_SECRET_KEY, "short"])
def test_production_refuses_a_missing_or_default_secret_key(secret):
    with pytest.raises(InsecureConfiguration, match="SECRET_KEY"):
        create_app({"SECRET_KEY": secret, "DEBUG": False, "TESTING": False})


def test_production_starts_with_a_real_secret_key():
    app = create_app(
        {"SECRET_KEY": "x" * 64, "DEBUG": False, "TESTING": False, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    assert app.config["SECRET_KEY"] == "x" * 64


def test_debug_and_testing_may_use_the_default_key():
    assert create_app(
        {"SECRET_KEY": DEFAULT_SECRET_KEY, "DEBUG": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    assert create_app(TestConfig)


def test_database_defaults_to_sqlite_under_instance():
    assert (
        Config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///") or "DATABASE_URL" in __import__("os").environ
    )
    if Config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///"):
        assert Config.SQLALCHEMY_DATABASE_URI.endswith("instance/booking.sqlite3")


def test_postgres_urls_get_the_psycopg_driver(monkeypatch):
    from booking import config

    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/booking")
    assert config._database_url() == "postgresql+psycopg://u:p@db/booking"
