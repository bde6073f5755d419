"""What every template can use: the organisation's name, the staff menu, absolute URLs."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from booking.core.errors import error_title
from booking.core.i18n import current_language
from booking.core.navigation import current_item, nav_for
from booking.core.urls import absolute_url

SERVICE_NAME = _l("Outreach lectures and youth training")


def organisation_name(language: str | None = None) -> str:
    language = language or current_language()
    return current_app.config["ORGANISATION_EN" if language == "en" else "ORGANISATION_JA"]


def contact_details() -> str:
    """The bureau's phone (when configured) and email, for footers and emails."""
    phone = current_app.config.get("CONTACT_PHONE")
    email = current_app.config["CONTACT_EMAIL"]
    return f"{phone} / {email}" if phone else email


def drop_none(attributes: dict) -> dict:
    """HTML attributes without the ones set to None (WTForms would print "None")."""
    return {key: value for key, value in attributes.items() if value is not None}


def register_globals(app: Flask) -> None:
    @app.context_processor
    def shared() -> dict:
        def staff_nav():
            return nav_for(current_user) if current_user.is_authenticated else []

        return {
            "service_name": SERVICE_NAME,
            "staff_nav": staff_nav,
            "current_path": lambda: request.full_path.rstrip("?") if request else "/",
        }

    app.jinja_env.filters["drop_none"] = drop_none
    app.jinja_env.globals["current_nav"] = current_item
    app.jinja_env.globals["has_endpoint"] = lambda name: name in current_app.view_functions
    app.jinja_env.globals["contact_details"] = contact_details
    app.jinja_env.globals["organisation_name"] = organisation_name
    app.jinja_env.globals["absolute_url"] = absolute_url
    app.jinja_env.globals["error_title"] = error_title
