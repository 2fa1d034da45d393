"""API tokens for members: `flask forum create-token NAME` prints only the new token."""
import click
from flask import current_app
from flask.cli import with_appcontext

from forum.cli.core import fail, host_actor
from forum.errors import ForumError
from forum.services.actors import Actor


def _actor_for(name):
    """The Actor a token is created for: a built-in account by name, else a host user by id."""
    if current_app.config["FORUM_BUILTIN_ACCOUNTS"]:
        from forum.services.builtin_accounts import find_account

        account = find_account(name)
        return Actor(user_key=f"account:{account.id}", display_name=account.name)
    return host_actor(name, "no token was created")


@click.command("create-token")
@click.argument("name")
@click.option("--label", default="command line", show_default=True,
              help="What the token is for (shown on the member's profile page).")
@with_appcontext
def create_token_command(name, label):
    """Create a personal API token for member NAME and print only the token."""
    from forum.services import tokens

    try:
        _token, raw = tokens.create_token(_actor_for(name), label)
    except ForumError as error:
        fail(f"{error.message} (no token was created)")
    click.echo(raw)


COMMANDS = [create_token_command]
