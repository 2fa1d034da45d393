"""Access control: every mutating endpoint x (anonymous, member, author, moderator, admin).

Each row names an endpoint, the request, and the exact status per role. A refused request must
leave the database exactly as it was. test_every_mutating_endpoint_is_in_the_matrix fails when
an endpoint is added without a row here: add one.
"""
import itertools

import pytest
from flask import g
from flask_login import FlaskLoginClient
from sqlalchemy import select, text

from forum.models import Base, utcnow
from forum.services import (
    credentials, flags, members, moderation, related, replies, threads, tokens,
)
from forum.services.actors import Actor
from forum.web.context import actor_for_user
from tests.host import create_host_app

pytestmark = pytest.mark.usefixtures("one_login_per_request")

SERIAL = itertools.count()
ROLES = ("anonymous", "member", "author", "moderator", "admin")
OK, MOVED, CREATED = 200, 302, 201
ALL = lambda code: dict.fromkeys(ROLES, code)  # noqa: E731
MODS_ONLY = {"anonymous": 401, "member": 403, "author": 403, "moderator": MOVED, "admin": MOVED}
MEMBERS = {"anonymous": 401, "member": MOVED, "author": MOVED, "moderator": MOVED, "admin": MOVED}
OWNER_ONLY = {"anonymous": 401, "member": 404, "author": MOVED, "moderator": 404, "admin": 404}
AUTHOR_OR_MODS = {"anonymous": 401, "member": 403, "author": MOVED, "moderator": MOVED,
                  "admin": MOVED}
API_MODS_ONLY = dict(MODS_ONLY, moderator=OK, admin=OK)
RATERS = {"anonymous": 401, "member": 303, "author": 403, "moderator": 303, "admin": 303}
API_RATERS = {"anonymous": 401, "member": OK, "author": 403, "moderator": OK, "admin": OK}
IMPORT_TEXT = ("How do you help a client who stalls before every deadline?\n"
               "Deadlines bring resistance to the surface.\n"
               "Share what has worked for you.\n-\nAsk what finishing would cost them.\n")
API_AUTHOR_OR_MODS = dict(AUTHOR_OR_MODS, author=OK, moderator=OK, admin=OK)
ADMINS_ONLY = {"anonymous": 401, "member": 403, "author": 403, "moderator": 403, "admin": MOVED}
API_MEMBERS = {"anonymous": 401, "member": CREATED, "author": CREATED, "moderator": CREATED,
               "admin": CREATED}
API_SIGNED_IN = dict(ALL(OK), anonymous=401)



def _switch(action):
    """Prepare a thread so that `action` is a real change (unpin needs a pinned thread)."""
    opposite = {"unpin": "pin", "unlock": "lock", "restore": "hide"}.get(action)
    return (lambda ids, mo: moderation.apply_thread_switch(mo, ids["thread"], opposite, "prep")
            ) if opposite else None


def _host_member(banned):
    """Prepare a fresh host user's member row to ban (or, banned, to unban) as ids["member"]."""
    def prepare(ids, _mo):
        member = members.member_row(Actor(user_key=f"host-user-{next(SERIAL)}", display_name="Cy"))
        if banned:
            members.set_member_banned(None, member.id, True, "prep")
        ids["member"] = member.id
    return prepare


def _credential(verified):
    """Prepare a credential on Ana's profile (verified, or not) as ids["credential"], with her
    member id as ids["owner"]."""
    def prepare(ids, mo):
        credential = credentials.declare(ids["ana"], f"ICF PCC {next(SERIAL)}")
        if verified:
            credential.verified_at, credential.verified_by_id = utcnow(), mo.id
        ids["credential"], ids["owner"] = credential.id, credential.member_id
    return prepare


# (name, method, path, form/json data, prepare(ids, moderator member) or None, statuses)
MATRIX = [
    ("new thread", "POST", "/new", {"title": "How do you open a first session?"}, None,
     MEMBERS),
    ("reply", "POST", "/threads/{thread}/replies", {"body": "Start with their goal."}, None,
     MEMBERS),
    ("login", "POST", "/login", {"name": "x", "password": "y"}, None, ALL(404)),
    ("logout", "POST", "/logout", {}, None, ALL(404)),
    ("register", "POST", "/register", {"name": "x"}, None, ALL(404)),
    ("change password", "POST", "/account/password", {"current": "x"}, None, ALL(404)),
    ("create token", "POST", "/profile", {"name": "laptop"}, None,
     dict(ALL(CREATED), anonymous=401)),
    ("revoke token", "POST", "/profile/tokens/{token}/revoke", {}, None, OWNER_ONLY),
    ("edit profile", "POST", "/profile/about", {"display_name": "Ana B", "bio": "Coach."}, None,
     MEMBERS),
    ("declare credential", "POST", "/profile/credentials", {"credential": "EMCC"}, None, MEMBERS),
    ("withdraw credential", "POST", "/profile/credentials/{credential}/remove", {},
     _credential(verified=False), OWNER_ONLY),
    ("verify credential", "POST", "/members/{owner}/credentials/{credential}/verify", {},
     _credential(verified=False), MODS_ONLY),
    ("unverify credential", "POST", "/members/{owner}/credentials/{credential}/unverify", {},
     _credential(verified=True), MODS_ONLY),
    ("api thread", "POST", "/api/threads", {"json": {"title": "How do you close a session?"}},
     None, API_MEMBERS),
    ("api reply", "POST", "/api/threads/{thread}/replies", {"json": {"body": "Summarise."}},
     None, API_MEMBERS),
    ("watch thread", "POST", "/threads/{thread}/watch", {"level": "muted"}, None, MEMBERS),
    ("follow tag", "POST", "/tags/{tag}/follow", {"follow": "1"}, None, MEMBERS),
    ("follow member", "POST", "/members/{member}/follow", {"follow": "1"}, _host_member(False),
     MEMBERS),
    ("api follow member", "PUT", "/api/members/{member}/follow", {"json": None},
     _host_member(False), API_SIGNED_IN),
    ("api unfollow member", "DELETE", "/api/members/{member}/follow", {"json": None},
     _host_member(False), API_SIGNED_IN),
    ("mark notifications read", "POST", "/notifications/read", {}, None, MEMBERS),
    ("api watch thread", "PUT", "/api/threads/{thread}/watch", {"json": {"level": "muted"}},
     None, API_SIGNED_IN),
    ("api follow tag", "PUT", "/api/tags/{tag}/follow", {"json": None}, None, API_SIGNED_IN),
    ("api unfollow tag", "DELETE", "/api/tags/{tag}/follow", {"json": None}, None,
     API_SIGNED_IN),
    ("api mark notifications read", "POST", "/api/notifications/read", {"json": {"all": True}},
     None, API_SIGNED_IN),
    ("email settings", "POST", "/notifications/settings", {"digest": "daily"}, None, MEMBERS),
    ("email address", "POST", "/notifications/settings/email", {"email": "a@example.org"}, None,
     dict(ALL(404), anonymous=401)),  # built-in accounts only
    ("unsubscribe with a bad link", "POST", "/email/unsubscribe/not-a-token", {}, None,
     ALL(404)),
    ("api email settings", "PUT", "/api/me/notification-settings", {"json": {"digest": "daily"}},
     None, API_SIGNED_IN),
] + [
    (f"thread {action}", "POST", f"/threads/{{thread}}/{action}", {"reason": "Duplicate"},
     _switch(action), MODS_ONLY)
    for action in ("pin", "unpin", "lock", "unlock", "hide", "restore")
] + [
    ("reply hide", "POST", "/replies/{reply}/hide", {"reason": "Client named"}, None, MODS_ONLY),
    ("reply unhide", "POST", "/replies/{reply}/unhide", {},
     lambda ids, mo: moderation.apply_reply_visibility(mo, ids["reply"], True, "prep"),
     MODS_ONLY),
    ("edit reply", "POST", "/replies/{reply}/edit", {"body": "Ask what they protect."}, None,
     AUTHOR_OR_MODS),
    ("delete reply", "POST", "/replies/{reply}/delete", {}, None, AUTHOR_OR_MODS),
    ("restore deleted reply", "POST", "/replies/{reply}/restore", {},
     lambda ids, mo: replies.delete_reply(ids["ana"], ids["reply"]), dict(MODS_ONLY, anonymous=401)),
    ("reply tags", "POST", "/replies/{reply}/tags", {"tags": "listening"}, None, AUTHOR_OR_MODS),
    ("thread tags", "POST", "/threads/{thread}/tags", {"tags": "listening"}, None,
     AUTHOR_OR_MODS),
    ("thread language", "POST", "/threads/{thread}/language", {"language": "de"}, None,
     AUTHOR_OR_MODS),
    ("language and time zone", "POST", "/profile/preferences", {"language": "de"}, None,
     MEMBERS),
    ("merge tag", "POST", "/tags/{tag}/merge", {"into": "{into}"}, None,
     dict(MODS_ONLY, anonymous=401)),
    ("flag thread", "POST", "/threads/{thread}/flag", {"reason": "spam"}, None,
     dict(MEMBERS, author=403)),  # one's own item is edited or deleted, not flagged
    ("flag reply", "POST", "/replies/{reply}/flag", {"reason": "off-topic"}, None,
     dict(MEMBERS, author=403)),
    ("resolve flag", "POST", "/moderation/flags/{flag}/resolve", {"action": "dismiss"}, None,
     MODS_ONLY),
    ("send to flag queue", "POST", "/moderation/confidential/reply/{reply}/flag", {}, None,
     MODS_ONLY),
    ("confidentiality check", "POST", "/confidentiality/check",
     {"json": {"text": "my client Sarah"}}, None, dict(ALL(OK), anonymous=401)),
    ("add related", "POST", "/threads/{thread}/related",
     {"category": "Life Coaching", "title": "Niches?", "url": "https://example.org/"}, None,
     MODS_ONLY),
    ("edit related", "POST", "/related/{link}/edit",
     {"category": "Life Coaching", "title": "Edited?", "url": "https://example.org/e"}, None,
     MODS_ONLY),
    ("move related", "POST", "/related/{link}/move", {"position": "1"}, None, MODS_ONLY),
    ("delete related", "POST", "/related/{link}/delete", {}, None, MODS_ONLY),
    ("api thread tags", "PATCH", "/api/threads/{thread}", {"json": {"tags": ["listening"]}},
     None, API_AUTHOR_OR_MODS),
    ("api edit reply", "PATCH", "/api/replies/{reply}", {"json": {"body": "Ask, then wait."}},
     None, API_AUTHOR_OR_MODS),
    ("api delete reply", "DELETE", "/api/replies/{reply}", {"json": None}, None,
     dict(API_AUTHOR_OR_MODS, author=204, moderator=204, admin=204)),
    ("api reply hide", "POST", "/api/replies/{reply}/hide", {"json": {"reason": "Client named"}},
     None, API_MODS_ONLY),
    ("api reply restore", "POST", "/api/replies/{reply}/restore", {"json": {}},
     lambda ids, mo: moderation.apply_reply_visibility(mo, ids["reply"], True, "prep"),
     API_MODS_ONLY),
    ("api flag thread", "POST", "/api/threads/{thread}/flags", {"json": {"reason": "spam"}},
     None, dict(API_MEMBERS, author=403)),
    ("api flag reply", "POST", "/api/replies/{reply}/flags", {"json": {"reason": "spam"}},
     None, dict(API_MEMBERS, author=403)),
    ("api preview", "POST", "/api/preview", {"json": {"text": "*hi*"}}, None, API_SIGNED_IN),
    ("api save reply draft", "PUT", "/api/threads/{thread}/draft",
     {"json": {"fields": {"body": "Half a thought"}}}, None, API_SIGNED_IN),
    ("api discard reply draft", "DELETE", "/api/threads/{thread}/draft", {"json": None}, None,
     dict(ALL(204), anonymous=401)),
    ("api save question draft", "PUT", "/api/drafts/new-thread",
     {"json": {"fields": {"title": "Half a question"}}}, None, API_SIGNED_IN),
    ("api discard question draft", "DELETE", "/api/drafts/new-thread", {"json": None}, None,
     dict(ALL(204), anonymous=401)),
    ("api resolve flag", "POST", "/api/flags/{flag}/resolve", {"json": {"action": "dismiss"}},
     None, API_MODS_ONLY),
    ("api add related", "POST", "/api/threads/{thread}/related",
     {"json": {"category": "Life Coaching", "title": "Niches?", "url": "https://example.org/"}},
     None, dict(API_MODS_ONLY, moderator=CREATED, admin=CREATED)),
    ("api move related", "PATCH", "/api/related/{link}", {"json": {"position": 1}}, None,
     API_MODS_ONLY),
    ("api delete related", "DELETE", "/api/related/{link}", {"json": None}, None,
     dict(API_MODS_ONLY, moderator=204, admin=204)),
] + [
    (f"api thread {action}", "POST", f"/api/threads/{{thread}}/{action}",
     {"json": {"reason": "Duplicate"}}, _switch(action), API_MODS_ONLY)
    for action in ("pin", "unpin", "lock", "unlock", "hide", "restore")
] + [
    ("member role", "POST", "/members/1/role", {"role": "admin"}, None, ALL(404)),
    ("member ban", "POST", "/members/1/ban", {"reason": "x"}, None, ALL(404)),
    ("member unban", "POST", "/members/1/unban", {}, None, ALL(404)),
    ("host member ban", "POST", "/members/host/{member}/ban", {"reason": "Shared notes"},
     _host_member(banned=False), ADMINS_ONLY),
    ("host member unban", "POST", "/members/host/{member}/unban", {},
     _host_member(banned=True), ADMINS_ONLY),
    ("import preview", "POST", "/import", {"text": IMPORT_TEXT}, None,
     dict(MODS_ONLY, moderator=OK, admin=OK)),
    ("rate thread", "POST", "/threads/{thread}/rating", {"stars": "4"}, None, RATERS),
    ("rate reply", "POST", "/replies/{reply}/rating", {"stars": "4"}, None, RATERS),
    ("rate reply (page form)", "POST", "/ratings", {"reply-{reply}": "4"}, None, RATERS),
    ("rate thread (page form)", "POST", "/ratings", {"thread-{thread}": "4"}, None, RATERS),
    ("api rate thread", "PUT", "/api/threads/{thread}/rating", {"json": {"stars": 4}}, None,
     API_RATERS),
    ("api rate reply", "PUT", "/api/replies/{reply}/rating", {"json": {"stars": 4}}, None,
     API_RATERS),
    ("api unrate thread", "DELETE", "/api/threads/{thread}/rating", {"json": None}, None,
     dict(API_RATERS, author=OK)),
    ("api unrate reply", "DELETE", "/api/replies/{reply}/rating", {"json": None}, None,
     dict(API_RATERS, author=OK)),
    ("try reply", "POST", "/replies/{reply}/trying", {"remind_in_days": "21"}, None, RATERS),
    ("report outcome", "POST", "/replies/{reply}/outcome", {"outcome": "1", "note": "Worked."},
     None, RATERS),
    ("api try reply", "PUT", "/api/replies/{reply}/trying", {"json": {}}, None, API_RATERS),
    ("api untry reply", "DELETE", "/api/replies/{reply}/trying", {"json": None}, None,
     dict(API_RATERS, author=OK)),
    ("api report outcome", "PUT", "/api/replies/{reply}/outcome", {"json": {"outcome": 2}},
     None, API_RATERS),
    ("api withdraw outcome", "DELETE", "/api/replies/{reply}/outcome", {"json": None}, None,
     dict(API_RATERS, author=OK)),
]


@pytest.fixture
def host(database_url):
    """A host app whose hooks make "Mo" a moderator and "Ada" an admin."""
    app, db, user_model = create_host_app(database_url, is_admin=lambda u: u.name == "Ada")
    app.test_client_class = FlaskLoginClient
    with app.app_context():
        users = {}
        for role, name, staff in (("member", "Bo", False), ("author", "Ana", False),
                                  ("moderator", "Mo", True), ("admin", "Ada", False),
                                  ("reporter", "Flo", False)):
            users[role] = user_model(name=name, is_staff=staff)
            db.session.add(users[role])
        db.session.commit()
        yield app, db, users
        db.session.remove()
        db.engine.dispose()


def actor(user):
    """The service Actor for a host user, as a request would build it."""
    g.pop("forum_actor", None)
    return actor_for_user(user)


def scenario(users):
    """Fresh items: Ana's thread and reply, Flo's flag on the reply, reading entries, Ana's token."""
    ana, mo = actor(users["author"]), actor(users["moderator"])
    serial = next(SERIAL)
    thread = threads.start_thread(ana, "What helps a client who keeps cancelling?",
                                  tags=f"cadence{serial}, rhythm{serial}")
    reply = replies.add_reply(ana, thread.id, "Ask what the cancellations protect.")
    flag = flags.flag_reply(actor(users["reporter"]), reply.id, "spam")
    link = related.add_link(mo, thread.id, "Life Coaching", "Reading?", url="https://a.example")
    related.add_link(mo, thread.id, "Life Coaching", "More?", url="https://b.example")
    token, _raw = tokens.create_token(ana, "phone")
    g.pop("forum_actor", None)
    return {"thread": thread.id, "reply": reply.id, "flag": flag.id, "link": link.id,
            "token": token.id, "tag": f"cadence{serial}", "into": f"rhythm{serial}",
            "ana": ana}, mo.require_moderator()


def fingerprint(db):
    """Every forum table's rows, to prove a refused request changed nothing.

    forum_member is left out: it is the identity snapshot made on a user's first contact, not
    content (on SQLite, pysqlite commits that row's SAVEPOINT even when the action fails), and
    so is forum_content_version, which its trigger moves on when that row is written.
    """
    return {table.name: db.session.execute(
        select(table).order_by(*table.primary_key.columns)).all()
        for table in Base.metadata.sorted_tables
        if table.name not in ("forum_member", "forum_content_version")}


def send(client, method, path, data):
    """Send a form post, or a JSON body when data has a "json" key."""
    if "json" in data:
        if data["json"] is None:
            return client.open(path, method=method)
        return client.open(path, method=method, json=data["json"])
    return client.open(path, method=method, data=data)


def fill(data, ids):
    """The request data with {placeholders} filled from the scenario's ids (names and values)."""
    return {key.format(**ids): value.format(**ids) if isinstance(value, str) else value
            for key, value in data.items()}


@pytest.mark.parametrize("row", MATRIX, ids=[row[0] for row in MATRIX])
def test_matrix(host, row):
    app, db, users = host
    name, method, path, data, prepare, expected = row
    for role in ROLES:
        ids, mod_member = scenario(users)
        if prepare:
            prepare(ids, mod_member)
            db.session.commit()
        client = app.test_client() if role == "anonymous" else app.test_client(user=users[role])
        db.session.expire_all()
        before = fingerprint(db)
        response = send(client, method, "/community" + path.format(**ids), fill(data, ids))
        db.session.expire_all()
        assert (role, response.status_code) == (role, expected[role]), response.text[:300]
        if response.status_code >= 400:
            assert fingerprint(db) == before, f"{role} changed the database"


def test_every_mutating_endpoint_is_in_the_matrix(host):
    app, _, _ = host
    adapter = app.url_map.bind("localhost")
    covered = set()
    for _, method, path, _, _, _ in MATRIX:
        endpoint, _ = adapter.match("/community" + path.format(
            thread=1, reply=1, flag=1, link=1, token=1, tag="x", member=1, credential=1,
            owner=1), method=method)
        covered.add((endpoint, method))
    mutating = {
        (rule.endpoint, method) for rule in app.url_map.iter_rules()
        for method in rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
        if rule.endpoint.startswith("forum") and "<path:" not in rule.rule
    }
    assert mutating - covered == set(), (
        "add these endpoints to MATRIX in test_permissions.py")


def test_changing_ids_in_urls_does_not_reach_other_members_items(host):
    app, db, users = host
    ids, _ = scenario(users)
    other = tokens.create_token(actor(users["member"]), "bo's laptop")[0]
    db.session.commit()
    ana = app.test_client(user=users["author"])
    assert ana.post(f"/community/profile/tokens/{other.id}/revoke").status_code == 404
    for path in (f"/community/replies/{ids['reply']}/hide", f"/community/threads/{ids['thread']}/hide",
                 f"/community/related/{ids['link']}/delete",
                 f"/community/moderation/flags/{ids['flag']}/resolve"):
        assert ana.post(path, data={"reason": "mine", "action": "dismiss"}).status_code == 403
    db.session.expire_all()
    assert db.session.execute(text(
        "SELECT revoked_at FROM forum_api_token WHERE id = :id"), {"id": other.id}).scalar() is None


@pytest.mark.parametrize("path, data", [
    ("/members/{target}/role", {"role": "moderator"}),
    ("/members/{target}/ban", {"reason": "Shared client notes"}),
    ("/members/{target}/unban", {}),
])
def test_site_members_actions_by_role(site, login_site, site_client, path, data):
    from forum.models import Account
    from forum.services import builtin_accounts

    clients = {"anonymous": site_client, "member": login_site("Bo Member"),
               "moderator": login_site("Mo Mod", role="moderator"),
               "admin": login_site("Ada Admin", role="admin")}
    expected = {"anonymous": 401, "member": 403, "moderator": 403, "admin": MOVED}
    db_session = site.extensions["sqlalchemy"].session
    for role, client in clients.items():
        target = builtin_accounts.create_account(f"Target {role}", "correct horse battery")
        if path.endswith("unban"):
            with db_session.begin():
                db_session.get(Account, target.id).is_banned = True
        response = client.post(path.format(target=target.id), data=data)
        assert (role, response.status_code) == (role, expected[role])
    assert site_client.get("/members").status_code == 401
    assert clients["moderator"].get("/members").status_code == 403


def test_site_moderator_role_moderates_and_member_role_does_not(site, login_site):
    from forum.services.actors import Actor

    thread = threads.start_thread(Actor(user_key="account:99", display_name="Someone"),
                                  "Pinned questions for new coaches?")
    assert login_site("Bo Member").post(f"/threads/{thread.id}/pin").status_code == 403
    assert login_site("Mo Mod", role="moderator").post(
        f"/threads/{thread.id}/pin").status_code == MOVED
    assert login_site("Ada Admin", role="admin").post(
        f"/threads/{thread.id}/unpin").status_code == MOVED
