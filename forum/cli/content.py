"""Content commands: import and export of the discussion format, demo content."""
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from forum import formats
from forum.cli.progress import progress
from forum.errors import ForumError
from forum.resources import resource_dir
from forum.urls import url_for


def thread_path(thread_id, slug):
    """The thread's URL path under the app's forum prefix (no SERVER_NAME needed)."""
    with current_app.test_request_context("/"):
        return url_for("forum.thread", thread_id=thread_id, slug=slug)


def read_plans(paths):
    """Parse and validate every file; returns (plans, error lines) without touching the database."""
    from forum.services import importer

    plans, errors = [], []
    for path in progress(paths, "Reading files"):
        try:
            plans.append(importer.plan_text(formats.read_file(path, str(path)), str(path)))
        except formats.ParseError as error:
            errors.append(error.message)
        except OSError as error:
            errors.append(f"{path}:0: cannot read the file: {error.strerror or error}")
    return plans, errors


def report(results):
    """One line per file: what was imported (or skipped) and where it lives."""
    for result in results:
        path = thread_path(result.thread_id, result.slug)
        if result.status == "skipped":
            click.echo(f"skipped {result.plan.filename}: thread {result.thread_id} has this "
                       f"title: {path}")
        else:
            click.echo(f"imported thread {result.thread_id}: {path}")


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--replace", is_flag=True, help="Replace a thread that has the same title.")
@click.option("--skip-existing", is_flag=True, help="Skip files whose title already exists.")
@click.option("--allow-confidential", is_flag=True,
              help="Import articles with details that may identify a client anyway (they get a "
                   "client-info flag in the moderators' queue).")
@with_appcontext
def import_command(files, replace, skip_existing, allow_confidential):
    """Import discussion-format FILES, one thread each; any error imports nothing."""
    from forum.services import importer

    if replace and skip_existing:
        raise click.UsageError("use --replace or --skip-existing, not both")
    plans, errors = read_plans(files)
    if errors:
        for line in errors:
            click.echo(line, err=True)
        click.echo(f"Nothing imported: {len(errors)} file(s) with errors.", err=True)
        sys.exit(1)
    mode = "replace" if replace else "skip" if skip_existing else "refuse"
    try:
        results = importer.import_plans(plans, mode=mode, allow_confidential=allow_confidential)
    except ForumError as error:
        hint = ""
        if isinstance(error, importer.TitleExists):
            hint = " (use --replace or --skip-existing)"
        elif isinstance(error, importer.ConfidentialImport) and not error.blocked:
            hint = " (use --allow-confidential)"
        click.echo(f"{error.message}{hint}", err=True)
        click.echo("Nothing imported.", err=True)
        sys.exit(1)
    report(results)


@click.command("export")
@click.argument("thread_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output.")
@with_appcontext
def export_command(thread_id, output):
    """Write thread THREAD_ID in the discussion format (UTF-8, LF line ends)."""
    from forum.services import importer

    try:
        data = importer.export_text(thread_id).encode("utf-8")
    except ForumError as error:
        click.echo(f"Error: {error.message}", err=True)
        sys.exit(1)
    if output:
        with open(output, "wb") as handle:
            handle.write(data)
    else:
        click.echo(data, nl=False)  # bytes go to the binary stream: UTF-8 and LF everywhere


@click.command("load-demo")
@click.option("--if-empty", is_flag=True, help="Only when the forum has no threads yet.")
@click.option("--directory", type=click.Path(file_okay=False, exists=True),
              help="Folder of demo articles (default: the demo/ folder shipped with the forum).")
@with_appcontext
def load_demo_command(if_empty, directory):
    """Load the demo threads, members and ratings (idempotent: existing titles are skipped)."""
    from forum.services import demo

    try:
        summary = demo.load_demo(directory or resource_dir("demo"), if_empty=if_empty)
    except ForumError as error:
        click.echo(f"Error: {error.message}", err=True)
        sys.exit(1)
    if summary is None:
        click.echo("The forum has threads already: demo content not loaded.")
        return
    report(summary.results)
    for line in summary.notes:
        click.echo(line)


COMMANDS = [import_command, export_command, load_demo_command]
