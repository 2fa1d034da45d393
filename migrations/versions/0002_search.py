"""full-text search index (FTS5 on SQLite, tsvector + GIN on PostgreSQL), kept current by triggers

Revision ID: 0002_search
Revises: 0001

One row per thread (title; lead, prompts and call to action) and per reply (body), with
rowid/id = thread id * 2 or reply id * 2 + 1. Triggers keep it current in the writing
transaction; queries join the live rows, so hidden and deleted items never show.
"""
from alembic import op

revision = "0002_search"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_THREAD_DOC = """
    DELETE FROM forum_search WHERE rowid = {tid} * 2;
    INSERT INTO forum_search (rowid, title, body, kind, item_id, thread_id)
    SELECT t.id * 2, t.title,
           t.lead || ' ' || t.call_to_action || ' ' || coalesce((
               SELECT group_concat(p.label || ' ' || p.text, ' ')
               FROM forum_prompt p WHERE p.thread_id = t.id), ''),
           't', t.id, t.id
    FROM forum_thread t WHERE t.id = {tid};
"""
SQLITE_REPLY_DOC = """
    DELETE FROM forum_search WHERE rowid = {rid} * 2 + 1;
    INSERT INTO forum_search (rowid, title, body, kind, item_id, thread_id)
    SELECT r.id * 2 + 1, '', r.body, 'r', r.id, r.thread_id FROM forum_reply r WHERE r.id = {rid};
"""
SQLITE_TRIGGERS = {
    "forum_search_thread_ins": ("AFTER INSERT ON forum_thread", SQLITE_THREAD_DOC.format(tid="NEW.id")),
    "forum_search_thread_upd": ("AFTER UPDATE OF title, lead, call_to_action ON forum_thread",
                                SQLITE_THREAD_DOC.format(tid="NEW.id")),
    "forum_search_thread_del": ("AFTER DELETE ON forum_thread",
                                "DELETE FROM forum_search WHERE rowid = OLD.id * 2;"),
    "forum_search_prompt_ins": ("AFTER INSERT ON forum_prompt",
                                SQLITE_THREAD_DOC.format(tid="NEW.thread_id")),
    "forum_search_prompt_upd": ("AFTER UPDATE ON forum_prompt",
                                SQLITE_THREAD_DOC.format(tid="NEW.thread_id")),
    "forum_search_prompt_del": ("AFTER DELETE ON forum_prompt",
                                SQLITE_THREAD_DOC.format(tid="OLD.thread_id")),
    "forum_search_reply_ins": ("AFTER INSERT ON forum_reply", SQLITE_REPLY_DOC.format(rid="NEW.id")),
    "forum_search_reply_upd": ("AFTER UPDATE OF body, thread_id ON forum_reply",
                               SQLITE_REPLY_DOC.format(rid="NEW.id")),
    "forum_search_reply_del": ("AFTER DELETE ON forum_reply",
                               "DELETE FROM forum_search WHERE rowid = OLD.id * 2 + 1;"),
}

POSTGRES_FUNCTIONS = """
CREATE FUNCTION forum_search_thread_refresh(tid integer) RETURNS void AS $$
BEGIN
    DELETE FROM forum_search WHERE id = tid::bigint * 2;
    INSERT INTO forum_search (id, kind, item_id, thread_id, document)
    SELECT t.id::bigint * 2, 't', t.id, t.id,
           setweight(to_tsvector('english', t.title), 'A') ||
           setweight(to_tsvector('english', t.lead || ' ' || t.call_to_action || ' ' ||
               coalesce((SELECT string_agg(p.label || ' ' || p.text, ' ')
                         FROM forum_prompt p WHERE p.thread_id = t.id), '')), 'B')
    FROM forum_thread t WHERE t.id = tid;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION forum_search_thread_trigger() RETURNS trigger AS $$
BEGIN
    PERFORM forum_search_thread_refresh(CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION forum_search_prompt_trigger() RETURNS trigger AS $$
BEGIN
    PERFORM forum_search_thread_refresh(
        CASE WHEN TG_OP = 'DELETE' THEN OLD.thread_id ELSE NEW.thread_id END);
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION forum_search_reply_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM forum_search WHERE id = OLD.id::bigint * 2 + 1;
    ELSE
        INSERT INTO forum_search (id, kind, item_id, thread_id, document)
        VALUES (NEW.id::bigint * 2 + 1, 'r', NEW.id, NEW.thread_id,
                setweight(to_tsvector('english', NEW.body), 'B'))
        ON CONFLICT (id) DO UPDATE SET thread_id = EXCLUDED.thread_id,
                                       document = EXCLUDED.document;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER forum_search_thread AFTER INSERT OR DELETE OR UPDATE OF title, lead, call_to_action
    ON forum_thread FOR EACH ROW EXECUTE FUNCTION forum_search_thread_trigger();
CREATE TRIGGER forum_search_prompt AFTER INSERT OR UPDATE OR DELETE
    ON forum_prompt FOR EACH ROW EXECUTE FUNCTION forum_search_prompt_trigger();
CREATE TRIGGER forum_search_reply AFTER INSERT OR DELETE OR UPDATE OF body, thread_id
    ON forum_reply FOR EACH ROW EXECUTE FUNCTION forum_search_reply_trigger();
"""


def _sqlite_upgrade():
    """FTS5 table with the Porter stemmer, triggers, and the existing content indexed."""
    op.execute(
        "CREATE VIRTUAL TABLE forum_search USING fts5("
        "title, body, kind UNINDEXED, item_id UNINDEXED, thread_id UNINDEXED, "
        "tokenize = 'porter unicode61 remove_diacritics 2')")
    for name, (when, body) in SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END")
    op.execute(
        "INSERT INTO forum_search (rowid, title, body, kind, item_id, thread_id) "
        "SELECT t.id * 2, t.title, t.lead || ' ' || t.call_to_action || ' ' || coalesce(("
        "SELECT group_concat(p.label || ' ' || p.text, ' ') FROM forum_prompt p "
        "WHERE p.thread_id = t.id), ''), 't', t.id, t.id FROM forum_thread t")
    op.execute(
        "INSERT INTO forum_search (rowid, title, body, kind, item_id, thread_id) "
        "SELECT r.id * 2 + 1, '', r.body, 'r', r.id, r.thread_id FROM forum_reply r")


def _postgres_upgrade():
    """tsvector table with a GIN index, plpgsql triggers, and the existing content indexed."""
    op.execute(
        "CREATE TABLE forum_search (id bigint PRIMARY KEY, kind char(1) NOT NULL, "
        "item_id integer NOT NULL, thread_id integer NOT NULL, document tsvector NOT NULL)")
    op.execute("CREATE INDEX forum_search_document ON forum_search USING gin (document)")
    op.execute(POSTGRES_FUNCTIONS)
    op.execute("SELECT forum_search_thread_refresh(id) FROM forum_thread")
    op.execute(
        "INSERT INTO forum_search (id, kind, item_id, thread_id, document) "
        "SELECT id::bigint * 2 + 1, 'r', id, thread_id, setweight(to_tsvector('english', body), 'B') "
        "FROM forum_reply")


def upgrade():
    """Create the dialect's full-text index."""
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
    else:
        _postgres_upgrade()


def downgrade():
    """Drop the index, its triggers and functions."""
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS forum_search")
        return
    for table, trigger in (("forum_thread", "forum_search_thread"),
                           ("forum_prompt", "forum_search_prompt"),
                           ("forum_reply", "forum_search_reply")):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
    for function in ("forum_search_thread_trigger()", "forum_search_prompt_trigger()",
                     "forum_search_reply_trigger()", "forum_search_thread_refresh(integer)"):
        op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.execute("DROP TABLE IF EXISTS forum_search")
