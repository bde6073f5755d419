"""The booking system for the water bureau's outreach lectures and youth training."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from booking.config import DEFAULT_SECRET_KEY, Config, is_development_secret_key

ROOT = Path(__file__).resolve().parent.parent


class InsecureConfiguration(RuntimeError):
    """The app was asked to start in a way that is unsafe outside development."""


def create_app(config: type | Mapping[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, commands, error pages."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(Config)
    if isinstance(config, Mapping):
        app.config.from_mapping(config)
    elif config is not None:
        app.config.from_object(config)

    _check_secret_key(app)
    _check_private_links_setting(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_commands(app)
    _init_web(app)
    return app


def _check_secret_key(app: Flask) -> None:
    key = app.config.get("SECRET_KEY")
    if app.debug or app.testing:
        return
    if not key or key == DEFAULT_SECRET_KEY or len(key) < 32:
        raise InsecureConfiguration(
            "SECRET_KEY is missing or is the development default. Set the SECRET_KEY "
            "environment variable to a long random value, for example the output of: "
            "python -c 'import secrets; print(secrets.token_hex(32))'"
        )


def _check_private_links_setting(app: Flask) -> None:
    if not app.config.get("SHOW_PRIVATE_LINKS_IN_OUTBOX"):
        return
    if not (app.debug or app.testing) or not is_development_secret_key(app.config.get("SECRET_KEY")):
        raise InsecureConfiguration(
            "SHOW_PRIVATE_LINKS_IN_OUTBOX shows every private link and password link to staff in "
            "the outbox. It is for the local demo only (`make run`): it cannot be on outside debug "
            "mode or with a production SECRET_KEY. Unset SHOW_PRIVATE_LINKS_IN_OUTBOX."
        )


def _init_extensions(app: Flask) -> None:
    from booking.core.cache import init_page_cache
    from booking.core.catalogs import translation_directories
    from booking.core.i18n import select_locale
    from booking.extensions import babel, csrf, db, limiter, login_manager, mail, migrate

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")

    db.init_app(app)
    init_page_cache(app, lambda: db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), compare_type=True, render_as_batch=True)
    mail.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=";".join(translation_directories()),
    )
    app.jinja_env.policies["ext.i18n.trimmed"] = True

    from booking.staff import load_session_user

    login_manager.init_app(app)
    login_manager.login_view = "staff.login"
    login_manager.login_message = None  # the sign-in page itself says why you are there
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_session_user)

    _import_models()


def _import_models() -> None:
    """Every model module, so metadata (and migrations) see every table."""
    import booking.audit.models
    import booking.calendar.models
    import booking.interview.models
    import booking.lectures.models
    import booking.notifications.models
    import booking.review.models
    import booking.scheduling.models
    import booking.schools.models
    import booking.selection.models
    import booking.settings.models
    import booking.staff.models
    import booking.visits.models
    import booking.visits.visitor_models
    import booking.youth.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from booking import (
        audit,
        calendar,
        home,
        interview,
        lectures,
        notifications,
        records,
        review,
        schools,
        selection,
        settings,
        staff,
        visits,
        youth,
    )
    from booking.visits import staff_views as visit_staff

    features = (
        home,
        staff,
        notifications,
        audit,
        schools,
        settings,
        lectures,
        youth,
        visits,
        review,
        interview,
        selection,
    )
    for feature in features:
        app.register_blueprint(feature.bp)
    app.register_blueprint(records.bp)
    app.register_blueprint(calendar.bp)
    app.register_blueprint(visit_staff.bp)


def _register_commands(app: Flask) -> None:
    from booking.commands import COMMANDS
    from booking.notifications.cli import send_outbox_command
    from booking.staff.cli import create_user_command

    for command in [*COMMANDS, send_outbox_command, create_user_command]:
        app.cli.add_command(command)


def _init_web(app: Flask) -> None:
    from booking.core.errors import register_error_pages
    from booking.core.i18n import register_template_helpers
    from booking.core.input_guard import init_input_guard
    from booking.core.logs import install_database_error_redaction, install_token_redaction
    from booking.core.security import init_security
    from booking.core.templating import register_globals

    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]
    install_token_redaction(app)
    install_database_error_redaction()
    init_input_guard(app)
    register_error_pages(app)
    register_template_helpers(app)
    register_globals(app)
    init_security(app)
