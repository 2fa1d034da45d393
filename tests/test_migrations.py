"""The forum's migrations: upgrade from empty, match the models, leave host tables alone."""
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, inspect, text

from forum import migrate
from forum.models import Base, Notification, utcnow
from forum.services import notifications
from tests.conftest import POSTGRES_URL, SKIP_POSTGRES
from tests.host import create_host_app


def fresh_database(kind, tmp_path):
    """An empty database URL of the given kind."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    if not POSTGRES_URL:
        pytest.skip(SKIP_POSTGRES)
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS forum_migration_test CASCADE"))
        connection.execute(text("CREATE SCHEMA forum_migration_test"))
    engine.dispose()
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3Dforum_migration_test"


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_upgrade_from_empty_matches_models_and_downgrades(kind, tmp_path):
    url = fresh_database(kind, tmp_path)
    app, db, _ = create_host_app(url)
    with app.app_context():
        db.create_all()  # the host's own table exists before the forum arrives
        migrate.upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {t.name for t in Base.metadata.sorted_tables} <= tables
        assert "forum_alembic_version" in tables and "alembic_version" not in tables
        assert migrate.pending_differences() == []
        migrate.downgrade("base")
        left = set(inspect(db.engine).get_table_names())
        assert not any(name.startswith("forum_") and name != "forum_alembic_version"
                       for name in left)
        assert "host_user" in left
        db.engine.dispose()


def test_every_table_is_prefixed():
    assert all(table.name.startswith("forum_") for table in Base.metadata.sorted_tables)


def test_cli_upgrade_is_idempotent(tmp_path):
    app, db, _ = create_host_app(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["forum", "upgrade"])
        assert result.exit_code == 0, result.output
        assert "upgraded to head" in result.output
    with app.app_context():
        assert "forum_thread" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_the_skeleton_migration_fills_existing_accounts(tmp_path):
    app, db, _ = create_host_app(f"sqlite:///{tmp_path / 'skeleton.sqlite3'}")
    with app.app_context():
        migrate.upgrade("0008_member_ban")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO forum_account (name, name_key, password_hash, role, "
                "session_generation, is_banned, created_at) VALUES "
                "('Coach \u0410na', 'coach \u0430na', 'x', 'member', 0, false, "
                "CURRENT_TIMESTAMP)"))
        migrate.upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT name_skeleton FROM forum_account")
                                      ).scalar_one() == "coach ana"
        db.engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_fan_out_marker_counts_existing_content_as_notified(kind, tmp_path):
    app, db, _ = create_host_app(fresh_database(kind, tmp_path))
    with app.app_context():
        migrate.upgrade("0018_languages")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO forum_thread (title, title_key, slug, lead, lead_html, "
                "call_to_action, created_at, last_activity_at) VALUES ('Old question?', "
                "'old question?', 'old-question', '', '', '', CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP)"))
            connection.execute(text(
                "INSERT INTO forum_reply (thread_id, body, html, created_at) SELECT id, "
                "'An old answer naming @Ana', '<p>An old answer</p>', CURRENT_TIMESTAMP "
                "FROM forum_thread"))
        migrate.upgrade()
        with db.engine.connect() as connection:
            for table in ("forum_thread", "forum_reply"):
                assert connection.execute(text(f"SELECT fan_out_pending FROM {table}")
                                          ).all() == [(False,)]
        # the worker's catch-up finds nothing to announce: history stays quiet
        assert notifications.catch_up_fan_outs(now=utcnow() + timedelta(days=1)) == 0
        assert db.session.query(Notification).count() == 0
        db.session.remove()
        migrate.downgrade("0018_languages")
        assert "fan_out_pending" not in {column["name"] for column in
                                         inspect(db.engine).get_columns("forum_reply")}
        db.engine.dispose()
