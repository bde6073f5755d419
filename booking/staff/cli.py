"""`flask create-user`: add a staff account from the command line."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from booking.core.auth import Role
from booking.core.errors import DomainError
from booking.extensions import db
from booking.staff import services


@click.command("create-user")
@click.argument("email")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="Repeat for several roles.",
)
@click.option("--name", default=None, help="Display name (defaults to the part before @).")
@click.option("--language", type=click.Choice(["ja", "en"]), default="ja")
@click.option("--time-zone", default="Asia/Tokyo")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user_command(
    email: str, roles: tuple[str, ...], name: str | None, language: str, time_zone: str, password_stdin: bool
) -> None:
    """Create a staff user with ROLE(s) and a password."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            "Password (at least 12 characters)", hide_input=True, confirmation_prompt=True
        )
    data = services.NewUser(
        email=email,
        name=name or email.split("@")[0],
        roles={Role(r) for r in roles},
        language=language,
        time_zone=time_zone,
    )
    try:
        user = services.create_user(data, password=password)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.email} with roles: {', '.join(sorted(user.roles))}")
