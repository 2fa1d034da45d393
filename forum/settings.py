"""Every FORUM_* setting with its default and meaning: the one place they are documented."""
from forum.limits import DEFAULT_LIMITS

SETTINGS = {
    "FORUM_URL_PREFIX": ("/forum", "URL prefix the forum is mounted under ('/' for the site root)."),
    "FORUM_STATIC_URL_PATH": (
        "/static",
        "Where the forum's CSS, scripts and icons are served, under its URL prefix (change it "
        "when the forum is at '/' and the host serves its own files at /static).",
    ),
    "FORUM_TITLE": ("Coaching Community", "Site name shown in the header, page titles and feeds."),
    "FORUM_BASE_TEMPLATE": (
        "forum/_base.html",
        "Outer layout the forum's pages extend; must define blocks `title`, `head` and `content`.",
    ),
    "FORUM_LOGIN_URL": (
        None,
        "Where visitors log in: a URL or an endpoint; `next=` back to the page is added. Unset, "
        "the host's `login_manager.login_view` (or the built-in log-in page) is used.",
    ),
    "FORUM_HEADER": (
        True,
        "Show the forum's header (its title, search and member links) above its pages; a host "
        "whose layout has its own navigation may turn it off.",
    ),
    "FORUM_BUILTIN_ACCOUNTS": (
        False,
        "Enable the forum's own register/log in/log out pages and Account table "
        "(for sites without users of their own).",
    ),
    "FORUM_DEFAULT_LANGUAGE": (
        "en",
        "Language (ISO 639-1 code) assumed for a thread too short for its language to be "
        "detected; it picks the thread's search stemming on PostgreSQL. Empty: such threads are "
        "searched word for word (the 'simple' configuration).",
    ),
    "FORUM_THREADS_PER_PAGE": (20, "Threads per page on the thread list, tag and search pages."),
    "FORUM_REPLIES_PER_PAGE": (50, "Contributions per page on a thread page."),
    "FORUM_PAGE_CACHE_BYTES": (
        0,
        "Bytes of rendered pages each worker keeps for visitors who are not logged in; a page is "
        "served from it until any content changes (every write moves a version kept by database "
        "triggers). 0 turns it off; the standalone site uses 8 MB.",
    ),
    "FORUM_FRAGMENT_CACHE_BYTES": (
        4 * 1024 * 1024,
        "Bytes of rendered contribution cards each worker keeps, for members and visitors alike "
        "(the viewer's own stars and controls are added per request); a card is keyed by "
        "everything it shows, so any edit, rating, moderation or tag change makes a new one. "
        "0 turns it off.",
    ),
    "FORUM_LIST_CACHE_BYTES": (
        4 * 1024 * 1024,
        "Bytes of thread pages' contribution lists (the rows read from the database, and their "
        "cards) each worker keeps for members and visitors alike until any content changes "
        "(the version the page cache follows), so a view that follows no write reads and "
        "renders only what is the viewer's own. 0 turns it off.",
    ),
    "FORUM_CACHE_URL": (
        None,
        "A Redis URL (`redis://host:6379/0`) where every instance of the site shares rendered "
        "contribution cards, on top of each worker's own; unset, each worker keeps its own only.",
    ),
    "FORUM_MAX_TAGS": (5, "Most tags on one thread or one contribution."),
    "FORUM_RATING_MIN_COUNT": (
        3,
        "Below this many ratings an item shows \"needs more ratings\" instead of an average.",
    ),
    "FORUM_RATING_PRIOR_WEIGHT": (
        5,
        "C in the Bayesian average (C*m + sum) / (C + n): how many votes of the site mean "
        "every item starts with.",
    ),
    "FORUM_OUTCOME_REMINDER_DAYS": (
        21,
        "Days after \"I'll try this\" that a member is asked \"How did it go?\" unless they "
        "choose another delay (`flask forum send-reminders` or the periodic job sends them).",
    ),
    "FORUM_OUTCOME_MIN_REPORTS": (
        3,
        "Outcome reports a contribution needs before its card shows \"tried by N · worked for "
        "M\" and its field-tested score (a whole number >= 1).",
    ),
    "FORUM_EXPERTISE_MIN_RATINGS": (
        5,
        "Ratings by other members a member's contributions under a tag need before their "
        "expertise in that tag shows on their profile.",
    ),
    "FORUM_BEST_FIRST_MIN_REPLIES": (
        10, "Threads with at least this many contributions sort them best-first by default."
    ),
    "FORUM_IMPORT_AUTHOR": (
        "Imported contributor",
        "Display name of the placeholder member that imported contributions are attributed to.",
    ),
    "FORUM_SQLITE_BUSY_TIMEOUT": (
        5000, "Milliseconds the forum's SQLite transactions wait for a lock before failing."
    ),
    "FORUM_SQLITE_TUNE_ENGINE": (
        False,
        "On SQLite, tune every connection of the engine (WAL, synchronous=NORMAL, foreign keys, "
        "busy timeout, BEGIN IMMEDIATE outside GET requests) instead of only the forum's own "
        "transactions, whose pragmas are put back afterwards; the standalone site turns it on.",
    ),
    "FORUM_RATELIMIT_ENABLED": (
        True, "Apply rate limits; turn off only for test suites and benchmarks."
    ),
    "FORUM_RATELIMIT_STORAGE_URI": (
        "memory://",
        "Flask-Limiter storage. `memory://` counts in each worker apart (a warning at start "
        "says so); use `forum-sqlite:///absolute/path/rate-limits.sqlite3` for several workers "
        "on one machine (the standalone site's default, in its instance folder) or "
        "`redis://host:6379/0` for several machines.",
    ),
    "FORUM_RATELIMITS": (
        DEFAULT_LIMITS,
        "Rate per limit name (Flask-Limiter syntax, e.g. `\"5 per minute; 50 per hour\"`); a dict "
        "given by the host is merged with the defaults, and an empty rate turns that limit off.",
    ),
    "FORUM_MAX_CONTENT_LENGTH": (
        2 * 1024 * 1024,
        "Largest request body, in bytes, the forum's pages and API accept; larger ones get a 413 "
        "page (the host's MAX_CONTENT_LENGTH wins when it is smaller).",
    ),
    "FORUM_SECURE_COOKIES": (
        False,
        "With built-in accounts, mark the session and remember-me cookies `Secure` (sent over "
        "HTTPS only). The standalone site turns it on in production mode; set it to false "
        "only for a trial over plain HTTP.",
    ),
    "FORUM_SECURITY_HEADERS": (
        True, "Add CSP, nosniff, Referrer-Policy and frame headers to the forum's responses."
    ),
    "FORUM_CONTENT_SECURITY_POLICY": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'",
        "Content-Security-Policy header sent with the forum's pages; empty turns it off. A host "
        "layout's inline scripts and styles carry `nonce=\"{{ csp_nonce() }}\"`, which adds "
        "the page's nonce to script-src and style-src.",
    ),
    "FORUM_CSP_SOURCES": (
        {},
        "Sources the host adds to the policy, per directive, e.g. "
        "`{\"script-src\": [\"https://cdn.example\"], \"img-src\": \"https://img.example\"}`.",
    ),
    "FORUM_CONFIDENTIALITY": (
        "warn",
        "The confidentiality guard on every post, edit, API write and import: `warn` shows what "
        "may identify a client and lets the author post anyway after confirming consent (the "
        "item then goes to the moderators' queue), `block` refuses such text, `off` skips it.",
    ),
    "FORUM_CONFIDENTIALITY_TERMS": (
        (),
        "Extra names the guard flags wherever they appear (a list, e.g. the community's own "
        "client organisations), case-insensitive.",
    ),
    "FORUM_CONFIDENTIALITY_HOOK": (
        None,
        "A host function `hook(text, findings)` returning the findings to use for one text: it "
        "may add its own (`forum.confidentiality.Finding`) or drop some.",
    ),
    "FORUM_CONFIDENTIALITY_SPACY_MODEL": (
        None,
        "Name of an installed spaCy model (e.g. `en_core_web_sm`) whose named-entity recognizer "
        "also finds client names; never downloaded: when it is not installed the guard uses its "
        "own rules only.",
    ),
    "FORUM_LINK_CHECK_TIMEOUT": (
        5.0, "Seconds `flask forum check-links` spends on one URL in all (redirects and retry "
             "included) before it gives up."),
    "FORUM_LINK_CHECK_ALLOW_PRIVATE": (
        False,
        "Let `flask forum check-links` fetch private, loopback and link-local addresses (an "
        "intranet site); by default they are refused as \"not a public address\".",
    ),
    "FORUM_LINK_CHECK_CONCURRENCY": (8, "How many URLs `flask forum check-links` fetches at once."),
    "FORUM_JOBS_URL": (
        None,
        "Where background jobs (notification fan-out, emails, digests) wait for `flask forum "
        "worker`: unset, a SQLite file `forum-jobs.sqlite3` in the app's instance folder (no "
        "new service); `redis://host:6379/0` for a Redis queue shared by several machines.",
    ),
    "FORUM_JOBS_IMMEDIATE": (
        None,
        "Run each job at once inside the request that makes it, with no worker (True), or queue "
        "it for the worker (False). Unset: immediate when the app is TESTING, queued otherwise.",
    ),
    "FORUM_JOBS_WORKERS": (2, "Threads `flask forum worker` runs jobs in."),
    "FORUM_PUBLIC_URL": (
        None,
        "The forum's public address, e.g. `https://forum.example` (with the host's mount path "
        "if any is part of the proxy), used for the links in emails sent by the worker, which "
        "has no request to take it from.",
    ),
    "FORUM_EMAIL": (
        True,
        "Send notification emails, digests and address checks (through Flask-Mailman and the "
        "MAIL_* settings); False keeps notices in-app only.",
    ),
    "FORUM_EMAIL_BATCH_MINUTES": (
        15,
        "One thread sends a member at most one email per this many minutes; notices in that "
        "window go into the next email together.",
    ),
    "FORUM_EMAIL_CLAIM_MINUTES": (
        10.0,
        "An email a worker began sending and never marked sent after this many minutes was left "
        "by a worker that died (killed mid-send): the next sweep sends it again. Keep it well "
        "above the longest send (MAIL_TIMEOUT).",
    ),
    "FORUM_EMAIL_MAX_AGE_HOURS": (
        48,
        "Notices older than this are never emailed one by one (a worker that was down for days "
        "does not send a flood); they go into the member's next digest instead.",
    ),
    "FORUM_EMAIL_LINK_DAYS": (
        60, "Days an unsubscribe link in an email keeps working (address checks: 2 days)."
    ),
    "FORUM_DIGEST_ITEMS": (10, "Most contributions a digest lists, best rated first."),
}

DEFAULTS = {name: default for name, (default, _) in SETTINGS.items()}

# Numeric settings below 0 make no sense; these need at least 1 (a page of none, a minimum of none).
AT_LEAST_ONE = ("FORUM_THREADS_PER_PAGE", "FORUM_REPLIES_PER_PAGE", "FORUM_OUTCOME_MIN_REPORTS",
                "FORUM_EXPERTISE_MIN_RATINGS", "FORUM_LINK_CHECK_CONCURRENCY",
                "FORUM_JOBS_WORKERS", "FORUM_DIGEST_ITEMS")


def _number_problem(name, value):
    """What is wrong with a numeric setting's value (an environment's "3 weeks", a bool, a value
    below its least), or None."""
    default = DEFAULTS[name]
    least = 1 if name in AT_LEAST_ONE else 0
    kinds, whole = (((int, float), "a number") if isinstance(default, float)
                    else ((int,), "a whole number"))
    if isinstance(value, bool) or not isinstance(value, kinds) or value < least:
        return f"{name} must be {whole} >= {least} (e.g. {default}), not {value!r}"
    return None


def number_problems(config):
    """One line for each numeric setting that is wrong, so a bad value stops the app at
    start-up instead of failing the first page that reads it."""
    numeric = [name for name, default in DEFAULTS.items()
               if isinstance(default, (int, float)) and not isinstance(default, bool)]
    problems = (_number_problem(name, config.get(name, DEFAULTS[name])) for name in numeric)
    return [problem for problem in problems if problem]


def number(config, name):
    """A numeric setting's value, checked again where it is read (a host may change app.config
    after start-up): a RuntimeError saying what it must be."""
    problem = _number_problem(name, config[name])
    if problem:
        raise RuntimeError(problem)
    return config[name]


def url_prefix(config):
    """FORUM_URL_PREFIX normalized for register_blueprint: None for the site root ('' or '/')."""
    value = (config["FORUM_URL_PREFIX"] or "").strip()
    if value in ("", "/"):
        return None
    return "/" + value.strip("/")
