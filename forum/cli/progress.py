"""Progress of long command-line work: click's progress bar on a terminal, plain lines in logs.

click comes with Flask and its progressbar is maintained, sizes itself to the terminal and
shows an ETA; when output is not a terminal it would print only the label, so a plain
"label: n/total" line per step is written instead, which logs and CI read well.
"""
import sys

import click


def on_terminal():
    """Whether standard error is an interactive terminal."""
    return sys.stderr.isatty()


def progress(items, label):
    """Yield the items, showing how far along the work is on standard error."""
    items = list(items)
    if on_terminal():
        with click.progressbar(items, label=label, file=sys.stderr, show_pos=True) as bar:
            yield from bar
        return
    for number, item in enumerate(items, 1):
        yield item
        click.echo(f"{label}: {number}/{len(items)}", err=True)


class Steps:
    """A progress counter for work done elsewhere (callbacks): advance() after each step."""

    def __init__(self, total, label):
        self.total, self.label, self.done = total, label, 0
        self._bar = None
        if on_terminal() and total:
            self._bar = click.progressbar(length=total, label=label, file=sys.stderr,
                                          show_pos=True)
            self._bar.__enter__()

    def advance(self, *_ignored, count=1):
        """`count` more done (one a call from callbacks): off a terminal, one line a call."""
        self.done += count
        if self._bar is not None:
            self._bar.update(count)
        else:
            click.echo(f"{self.label}: {self.done:,}/{self.total:,}", err=True)

    def close(self):
        """End the bar (a new line after it on a terminal)."""
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
