"""Link health: checking related-reading URLs."""
import click
from flask import current_app
from flask.cli import with_appcontext

from forum.cli.progress import Steps


@click.command("check-links")
@with_appcontext
def check_links_command():
    """Fetch every external "More relevant reading" URL and record whether it still works."""
    from forum.services import linkfetch

    config = current_app.config
    click.echo(f"Checking links (timeout {config['FORUM_LINK_CHECK_TIMEOUT']}s, "
               f"{config['FORUM_LINK_CHECK_CONCURRENCY']} at a time)...")
    steps = Steps(len(linkfetch.link_urls()), "Checking")
    try:
        checked, broken = linkfetch.check_links(steps.advance)
    finally:
        steps.close()
    click.echo(f"Checked {checked} link{'' if checked == 1 else 's'}: {broken} broken.")


COMMANDS = [check_links_command]
