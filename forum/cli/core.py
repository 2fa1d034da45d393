"""Core commands: schema upgrades and built-in accounts."""
import sys

import click
from flask.cli import with_appcontext

from forum import migrate
from forum.errors import ForumError


def fail(message):
    """Print an error line to stderr and exit non-zero."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def host_actor(user_id, consequence):
    """The Actor of the host user the app's user loader finds for user_id, or fail()."""
    from flask import current_app

    from forum.request_actor import actor_for_user

    try:
        user = current_app.login_manager._user_callback(user_id)
    except (ValueError, TypeError, LookupError):  # e.g. int("ana") in the host's loader
        user = None
    if user is None:
        fail(f"the app's user loader finds no user with id {user_id!r} ({consequence})")
    return actor_for_user(user)


@click.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def upgrade_command(revision):
    """Create or upgrade the forum's tables (its own Alembic history)."""
    migrate.upgrade(revision)
    click.echo(f"Forum schema upgraded to {revision}.")


@click.command("downgrade")
@click.argument("revision")
@with_appcontext
def downgrade_command(revision):
    """Downgrade the forum's tables to REVISION ('base' removes them)."""
    migrate.downgrade(revision)
    click.echo(f"Forum schema downgraded to {revision}.")


@click.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
@with_appcontext
def revision_command(message):
    """Autogenerate a migration from model changes (for forum developers; review it)."""
    migrate.revision(message)


@click.command("create-user")
@click.argument("name")
@click.option("--role", type=click.Choice(["member", "moderator", "admin"]), default="member",
              show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user_command(name, role, password_stdin):
    """Create a built-in account NAME (the password is prompted for, or read from stdin)."""
    from flask import current_app

    from forum.services import builtin_accounts

    if not current_app.config["FORUM_BUILTIN_ACCOUNTS"]:
        fail("create-user makes built-in accounts, which are off (FORUM_BUILTIN_ACCOUNTS is "
             "False): members log in with the app's own users")

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        account = builtin_accounts.create_account(name, password, role=role)
    except ForumError as error:
        fail(f"{error.message} (account {name!r} was not created)")
    click.echo(f"Created {account.role} {account.name!r} (id {account.id}).")


COMMANDS = [upgrade_command, downgrade_command, revision_command, create_user_command]
