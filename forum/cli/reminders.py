"""`flask forum send-reminders`: ask members who said "I'll try this" how it went."""
import click
from flask.cli import with_appcontext


@click.command("send-reminders")
@with_appcontext
def send_reminders_command():
    """Send the due "How did it go?" reminders (two statements, safe to run often or twice)."""
    from forum.services import outcomes

    sent = outcomes.send_due_reminders()
    click.echo(f"Sent {sent} reminder{'' if sent == 1 else 's'}.")


COMMANDS = [send_reminders_command]
