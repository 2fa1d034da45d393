"""The `flask forum ...` command group, assembled from one module per job."""
import click

from forum.cli import confidential, content, core, links, ops, reminders, tokens, worker


@click.group("forum")
def forum_cli():
    """Manage the coaching forum: schema, accounts, content, links, tokens, backups, reminders,
    jobs."""


for module in (core, content, confidential, links, tokens, ops, reminders, worker):
    for command in module.COMMANDS:
        forum_cli.add_command(command)
