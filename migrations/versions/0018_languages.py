"""thread languages, per-language search on PostgreSQL, member language and time zone

Revision ID: 0018_languages
Revises: 0015_profiles

forum_thread.language (ISO 639-1, detected now for existing threads) picks the text search
configuration of the thread and its replies: forum_search gets a regconfig column, filled by
forum_search_config(language) ('simple' for unknown languages and for configurations the
server lacks), and the triggers index with it. SQLite's FTS5 table already tokenizes with
`unicode61 remove_diacritics 2` (migration 0002_search): accents and non-Latin scripts are
folded the same way there, so it is left as it is.
"""
import pycld2
import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context

revision = "0018_languages"
down_revision = "0015_profiles"
branch_labels = None
depends_on = None

# Frozen copy of forum.services.languages.SEARCH_CONFIGS as of this revision.
SEARCH_CONFIGS = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "da": "danish",
    "nl": "dutch", "en": "english", "fi": "finnish", "fr": "french", "de": "german",
    "el": "greek", "hi": "hindi", "hu": "hungarian", "id": "indonesian", "ga": "irish",
    "it": "italian", "lt": "lithuanian", "ne": "nepali", "no": "norwegian", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sr": "serbian", "es": "spanish", "sv": "swedish",
    "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}

THREAD_DOCUMENT = """
           setweight(to_tsvector(c, t.title), 'A') ||
           setweight(to_tsvector(c, t.lead || ' ' || t.call_to_action || ' ' ||
               coalesce((SELECT string_agg(p.label || ' ' || p.text, ' ')
                         FROM forum_prompt p WHERE p.thread_id = t.id), '')), 'B')"""

POSTGRES_FUNCTIONS = """
CREATE OR REPLACE FUNCTION forum_search_thread_refresh(tid integer) RETURNS void AS $$
DECLARE c regconfig;
BEGIN
    SELECT forum_search_config(language) INTO c FROM forum_thread WHERE id = tid;
    DELETE FROM forum_search WHERE id = tid::bigint * 2;
    INSERT INTO forum_search (id, kind, item_id, thread_id, config, document)
    SELECT t.id::bigint * 2, 't', t.id, t.id, c, THREAD_DOCUMENT
    FROM forum_thread t WHERE t.id = tid;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION forum_search_reply_trigger() RETURNS trigger AS $$
DECLARE c regconfig;
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM forum_search WHERE id = OLD.id::bigint * 2 + 1;
    ELSE
        SELECT forum_search_config(language) INTO c FROM forum_thread WHERE id = NEW.thread_id;
        INSERT INTO forum_search (id, kind, item_id, thread_id, config, document)
        VALUES (NEW.id::bigint * 2 + 1, 'r', NEW.id, NEW.thread_id, c,
                setweight(to_tsvector(c, NEW.body), 'B'))
        ON CONFLICT (id) DO UPDATE SET thread_id = EXCLUDED.thread_id, config = EXCLUDED.config,
                                       document = EXCLUDED.document;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION forum_search_language_trigger() RETURNS trigger AS $$
DECLARE c regconfig := forum_search_config(NEW.language);
BEGIN
    PERFORM forum_search_thread_refresh(NEW.id);
    UPDATE forum_search s SET config = c, document = setweight(to_tsvector(c, r.body), 'B')
    FROM forum_reply r WHERE s.id = r.id::bigint * 2 + 1 AND r.thread_id = NEW.id;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER forum_search_language AFTER UPDATE OF language ON forum_thread
    FOR EACH ROW WHEN (OLD.language IS DISTINCT FROM NEW.language)
    EXECUTE FUNCTION forum_search_language_trigger();
""".replace("THREAD_DOCUMENT", THREAD_DOCUMENT)

# The functions as migration 0002_search made them (English only), for the downgrade.
POSTGRES_ENGLISH_FUNCTIONS = """
CREATE OR REPLACE FUNCTION forum_search_thread_refresh(tid integer) RETURNS void AS $$
DECLARE c regconfig := 'english';
BEGIN
    DELETE FROM forum_search WHERE id = tid::bigint * 2;
    INSERT INTO forum_search (id, kind, item_id, thread_id, document)
    SELECT t.id::bigint * 2, 't', t.id, t.id, THREAD_DOCUMENT
    FROM forum_thread t WHERE t.id = tid;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION forum_search_reply_trigger() RETURNS trigger AS $$
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
""".replace("THREAD_DOCUMENT", THREAD_DOCUMENT)


def _config_function(bind):
    """forum_search_config(code): the configuration per language code, among those installed."""
    installed = set(bind.execute(sa.text("SELECT cfgname FROM pg_ts_config")).scalars())
    cases = " ".join(f"WHEN '{code}' THEN '{name}'::regconfig"
                     for code, name in sorted(SEARCH_CONFIGS.items()) if name in installed)
    return (f"CREATE FUNCTION forum_search_config(code text) RETURNS regconfig AS $$ "
            f"SELECT CASE split_part(code, '_', 1) {cases} ELSE 'simple'::regconfig END "
            f"$$ LANGUAGE sql IMMUTABLE")


def _detect(text, default):
    """The text's language by CLD2 (as forum.services.languages.detect), else the default."""
    try:
        reliable, _bytes, details = pycld2.detect(text)
    except pycld2.error:
        return default
    code = details[0][1]
    return code.split("-")[0].lower()[:16] if reliable and code not in ("un", "xxx") else default


def _detect_existing_threads(bind):
    """Give every existing thread the language of its title, lead and call to action."""
    default = (current_app.config.get("FORUM_DEFAULT_LANGUAGE", "en") if has_app_context()
               else "en") or None
    rows = bind.execute(sa.text(
        "SELECT id, title, lead, call_to_action FROM forum_thread")).all()
    for row in rows:
        language = _detect(" ".join((row.title, row.lead or "", row.call_to_action or "")),
                           default)
        bind.execute(sa.text("UPDATE forum_thread SET language = :language WHERE id = :id"),
                     {"language": language, "id": row.id})


def upgrade():
    """Add the columns and the preference table; on PostgreSQL reindex in each language."""
    bind = op.get_bind()
    op.add_column("forum_thread", sa.Column("language", sa.String(length=16), nullable=True))
    op.create_index("ix_forum_thread_language", "forum_thread", ["language"])
    op.create_table(
        "forum_member_preference",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["forum_member.id"], ondelete="CASCADE",
                                name=op.f("fk_forum_member_preference_member_id_forum_member")),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_forum_member_preference")),
    )
    if bind.dialect.name == "sqlite":
        _detect_existing_threads(bind)
        return
    op.execute(_config_function(bind))
    op.execute("ALTER TABLE forum_search ADD COLUMN config regconfig NOT NULL DEFAULT 'simple'")
    op.execute("ALTER TABLE forum_search ALTER COLUMN config DROP DEFAULT")
    op.execute(POSTGRES_FUNCTIONS)
    _detect_existing_threads(bind)  # the language trigger reindexes each thread and its replies


def downgrade():
    """Back to English-only search, without the columns and the preference table."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.execute("DROP TRIGGER IF EXISTS forum_search_language ON forum_thread")
        op.execute("DROP FUNCTION IF EXISTS forum_search_language_trigger()")
        op.execute(POSTGRES_ENGLISH_FUNCTIONS)
        op.execute("ALTER TABLE forum_search DROP COLUMN config")
        op.execute("DROP FUNCTION IF EXISTS forum_search_config(text)")
        op.execute("UPDATE forum_search SET document = setweight(to_tsvector('english', r.body), "
                   "'B') FROM forum_reply r WHERE forum_search.id = r.id::bigint * 2 + 1")
        op.execute("SELECT forum_search_thread_refresh(id) FROM forum_thread")
    op.drop_table("forum_member_preference")
    op.drop_index("ix_forum_thread_language", table_name="forum_thread")
    # Not batch mode: rebuilding forum_thread would drop its search and version triggers.
    op.execute("ALTER TABLE forum_thread DROP COLUMN language")
