"""The moderators' confidentiality scan of content already posted."""
import click
from flask.cli import with_appcontext


@click.command("scan-confidential")
@click.option("--batch", default=500, show_default=True,
              help="Threads and contributions read per query.")
@with_appcontext
def scan_confidential_command(batch):
    """List details that may identify a client in posted threads and contributions (changes nothing)."""
    from forum.services import confidentiality_scan

    items = 0
    for hit in confidentiality_scan.scan_all(batch):
        items += 1
        where = (f"thread {hit.item_id}" if hit.kind == "thread" else
                 f"contribution {hit.item_id} in thread {hit.thread_id}")
        click.echo(f"{where} ({hit.title}):")
        for field, findings in hit.found.items():
            for finding in findings:
                click.echo(f"  {field} {finding.start}-{finding.end}: {finding.explanation} "
                           f"\"{finding.text}\" -> {finding.suggestion}")
    click.echo(f"{items} item{'' if items == 1 else 's'} with details that may identify a client. "
               f"Nothing was changed; send items to the flag queue from the moderators' "
               f"confidentiality page.")


COMMANDS = [scan_confidential_command]
