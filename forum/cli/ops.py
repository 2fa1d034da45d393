"""Operations: backups and bans (built-in accounts, or host users' forum bans)."""
import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from forum.cli.core import fail, host_actor
from forum.cli.progress import Steps
from forum.errors import ForumError


@click.command("ban")
@click.argument("name")
@click.option("--reason", default="", help="Why (kept in the moderation log).")
@click.option("--undo", is_flag=True, help="Lift the ban instead.")
@with_appcontext
def ban_command(name, reason, undo):
    """Ban the built-in account NAME (it cannot log in, its sessions stop working), or with the
    host's users, the user whose id is NAME (they read, but cannot post, rate or flag)."""
    from forum.services import builtin_accounts, members

    try:
        if current_app.config["FORUM_BUILTIN_ACCOUNTS"]:
            banned = builtin_accounts.set_banned(builtin_accounts.find_account(name), not undo,
                                                 reason=reason).name
        else:
            member = members.member_row(host_actor(name, "nobody was banned"))
            banned = members.set_member_banned(None, member.id, not undo, reason).display_name
    except ForumError as error:
        fail(error.message)
    click.echo(f"{'Unbanned' if undo else 'Banned'} {banned!r}.")


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
        steps = None

        def copied(_status, remaining, total):
            """Progress from SQLite's backup: pages copied out of the total."""
            nonlocal steps
            if steps is None:
                steps = Steps(total, "Backing up (pages)")
            if total - remaining > steps.done:  # one line a step of 1,000 pages off a terminal
                steps.advance(count=total - remaining - steps.done)

        # SQLite's online backup API: one consistent snapshot, 1,000 pages (4 MB) a step
        source.backup(target, pages=1000, progress=copied)
        if steps is not None:
            steps.close()
    finally:
        target.close()
        source.close()
    click.echo(f"Backed up {source_path} to {path} ({path.stat().st_size:,} bytes).")


COMMANDS = [ban_command, backup_command]
