"""The background worker: runs the queued jobs (notification fan-out, emails) and the periodic
ones (the digest, batched emails, and whatever other features register)."""
import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from forum.cli.core import fail


@click.command("worker")
@click.option("--workers", type=int, default=None,
              help="Threads running jobs (default FORUM_JOBS_WORKERS).")
@click.option("--drain", is_flag=True,
              help="Run what is queued now, then exit (for cron or a one-off catch-up).")
@with_appcontext
def worker_command(workers, drain):
    """Run the forum's job queue (FORUM_JOBS_URL) until stopped with Ctrl+C or SIGTERM."""
    from forum import jobs

    app = current_app._get_current_object()
    if jobs.is_immediate(app.config):
        fail("FORUM_JOBS_IMMEDIATE is on (or the app is TESTING): jobs run inside requests, "
             "there is no queue to work on. Set FORUM_JOBS_IMMEDIATE=False to queue them.")
    if drain:
        click.echo(f"Ran {jobs.drain(app)} queued job(s).")
        return
    huey, _wrappers = jobs.queue(app)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    count = workers or app.config["FORUM_JOBS_WORKERS"]
    click.echo(f"Forum worker: {count} thread(s) on {type(huey.storage).__name__}; "
               f"periodic jobs: {', '.join(sorted(name.rsplit('.', 1)[-1] for name in jobs.PERIODIC))}.")
    huey.create_consumer(workers=count, worker_type="thread", periodic=True).run()


COMMANDS = (worker_command,)
