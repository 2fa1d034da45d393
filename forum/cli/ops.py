"""Operations: backups and account bans."""
import click
from flask.cli import with_appcontext

from forum.cli.core import fail
from forum.errors import ForumError


@click.command("ban")
@click.argument("name")
@click.option("--reason", default="", help="Why (kept in the moderation log).")
@click.option("--undo", is_flag=True, help="Lift the ban instead.")
@with_appcontext
def ban_command(name, reason, undo):
    """Ban the built-in account NAME: it cannot log in, and its sessions and cookies stop working."""
    from forum.services import accounts

    try:
        account = accounts.set_banned(accounts.find_account(name), not undo, reason=reason)
    except ForumError as error:
        fail(error.message)
    click.echo(f"{'Unbanned' if undo else 'Banned'} {account.name!r}.")


COMMANDS = [ban_command]
