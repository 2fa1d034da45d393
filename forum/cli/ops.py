"""Operations: backups and account bans."""
import sqlite3
from pathlib import Path

import click
from flask import current_app
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
    from forum.services import builtin_accounts

    try:
        account = builtin_accounts.set_banned(builtin_accounts.find_account(name), not undo,
                                              reason=reason)
    except ForumError as error:
        fail(error.message)
    click.echo(f"{'Unbanned' if undo else 'Banned'} {account.name!r}.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path):
    """Write a consistent copy of the SQLite database to PATH, even while the site runs."""
    engine = current_app.extensions["forum"].db.engine
    if engine.dialect.name != "sqlite":
        fail("`flask forum backup` copies SQLite databases. For PostgreSQL use pg_dump and "
             "pg_restore: see \"Backup and restore\" in docs/operations.md.")
    source_path = engine.url.database
    if not source_path or source_path == ":memory:" or not Path(source_path).exists():
        fail(f"There is no SQLite database file to back up ({source_path or 'in memory'}).")
    if path.exists():
        fail(f"{path} exists already; choose a new file (nothing was overwritten).")
    timeout = current_app.config["FORUM_SQLITE_BUSY_TIMEOUT"] / 1000
    source = sqlite3.connect(source_path, timeout=timeout)
    target = sqlite3.connect(path, timeout=timeout)
    try:
        source.backup(target)  # SQLite's online backup API: one consistent snapshot
    finally:
        target.close()
        source.close()
    click.echo(f"Backed up {source_path} to {path} ({path.stat().st_size:,} bytes).")


COMMANDS = [ban_command, backup_command]
