"""The benchmarked app: the standalone site plus, in bench mode only, reference endpoints and a
per-request SQL query count (header X-Bench-Queries).

Run by gunicorn as `bench.app:create_app()`. Environment:
  BENCH_COUNT_QUERIES=1        count SQL statements per request (SQLAlchemy event listener)
  BENCH_REFERENCE_THREAD=<id>  thread rendered by /_bench/render-only from objects in memory
"""
import os
from contextlib import contextmanager

from flask import Blueprint, before_render_template, current_app, g, has_app_context
from sqlalchemy import event

import wsgi
from forum.web.byte_pages import render_page

QUERY_HEADER = "X-Bench-Queries"
REFERENCE_PER_PAGE = 200
# Globals the reference calls for real: forum_cards answers a page with a marker for its own
# request (web.byte_pages), and makes the cards from the rows in memory without a query.
LIVE_GLOBALS = {"forum_cards"}
reference = Blueprint("bench", __name__, url_prefix="/_bench")


@reference.get("/hello")
def hello():
    """The floor: a bare Flask response through the same gunicorn and middleware."""
    return "Hello, World!"


@reference.get("/render-only")
def render_only():
    """The thread template rendered from objects already in memory: no database at all."""
    name, context, replay = current_app.extensions["bench_reference"]
    with replay.replaying():
        return render_page(name, **context)


def _count_query(*_args):
    """SQLAlchemy before_cursor_execute hook: one more statement for this request."""
    if has_app_context() and "bench_queries" in g:
        g.bench_queries += 1


def install_query_counter(app):
    """Count statements per request and report them in a response header."""
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
    event.listen(engine, "before_cursor_execute", _count_query)

    @app.before_request
    def start_count():
        g.bench_queries = 0

    @app.after_request
    def report_count(response):
        response.headers[QUERY_HEADER] = str(g.get("bench_queries", 0))
        return response


class Replay:
    """Remembers what the forum's template globals returned while rendering the reference page.

    Some page parts fetch their own data at render time (e.g. the reading list); for the
    render-only reference those calls must answer from memory like everything else. Jinja keeps
    the functions it resolved in cached template modules, so the wrappers go in before the first
    render and stay: calls about any other object (every real page) reach the original function.
    Functions that take Jinja's context (the translation globals) are left alone: they answer
    from the context, not from the data, and a plain wrapper would lose their context argument.
    Answers are replayed only while the reference renders: a real page's calls without
    arguments (its PageRatings, the unread count) must not get the reference's answers.
    """

    def __init__(self, app):
        self.values = {}
        self.firsts = {}  # name -> ids of the first arguments recorded (a quick "not captured")
        self.recording = False
        self.replay = False
        originals = {name: fn for name, fn in app.jinja_env.globals.items()
                     if callable(fn) and getattr(fn, "__module__", "").startswith("forum.")
                     and not hasattr(fn, "jinja_pass_arg") and name not in LIVE_GLOBALS}
        app.jinja_env.globals.update(
            {name: self._wrap(name, fn) for name, fn in originals.items()})

    def _wrap(self, name, function):
        """A stand-in that records while capturing and replays for the captured objects."""
        firsts = self.firsts.setdefault(name, set())

        def wrapper(*args, **kwargs):
            if not (self.recording or self.replay and (not args or id(args[0]) in firsts)):
                return function(*args, **kwargs)  # any real page: no key to build (hundreds)
            key = (name, tuple(id(arg) for arg in args), repr(sorted(kwargs.items())))
            if self.recording:
                if args:
                    firsts.add(id(args[0]))
                return self.values.setdefault(key, function(*args, **kwargs))
            found = self.values.get(key)
            return found if found is not None else function(*args, **kwargs)
        return wrapper

    @contextmanager
    def replaying(self):
        """Answer from the recorded values while the reference renders (one request)."""
        self.replay = True
        try:
            yield
        finally:
            self.replay = False


def capture_reference(app, thread_id):
    """Render the real thread page once (all 200 contributions) and keep its template context."""
    captured = {}

    def remember(sender, template, context, **extra):
        if template.name == "forum/thread.html" and "context" not in captured:
            captured["name"] = template.name
            captured["context"] = {key: value for key, value in context.items()
                                   if key not in ("g", "request", "session", "config")}

    per_page = app.config["FORUM_REPLIES_PER_PAGE"]
    app.config["FORUM_REPLIES_PER_PAGE"] = REFERENCE_PER_PAGE
    replay = Replay(app)
    replay.recording = True
    try:
        with before_render_template.connected_to(remember, app):
            response = app.test_client().get(f"/threads/{thread_id}", follow_redirects=True)
    finally:
        replay.recording = False
        app.config["FORUM_REPLIES_PER_PAGE"] = per_page
    if response.status_code != 200 or "context" not in captured:
        raise RuntimeError(f"bench: could not render reference thread {thread_id} "
                           f"(status {response.status_code})")
    processors = {"forum_actor", "forum_title", "forum_base_template", "forum_builtin_accounts"}
    context = {key: value for key, value in captured["context"].items() if key not in processors}
    app.extensions["bench_reference"] = (captured["name"], context, replay)


def create_app():
    """The standalone site from wsgi.py with the benchmark's extras."""
    app = wsgi.create_app()
    if os.environ.get("BENCH_COUNT_QUERIES") == "1":
        install_query_counter(app)
    app.register_blueprint(reference)
    thread_id = os.environ.get("BENCH_REFERENCE_THREAD")
    if thread_id:
        capture_reference(app, int(thread_id))
    return app
