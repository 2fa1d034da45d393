"""/healthz: JSON 200 when the database answers, its migrations are current and the named
Redis answers; 503 saying what is wrong otherwise; never rate-limited nor page-cached."""
import os

import pytest
from sqlalchemy import text

from forum.migrate import VERSION_TABLE

REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL")
HEALTHZ = "/community/healthz"


def test_healthy(client):
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"


def test_migrations_behind_is_unhealthy(app, client, db):
    select = text(f"SELECT version_num FROM {VERSION_TABLE}")
    with db.engine.begin() as connection:
        head = connection.execute(select).scalar_one()
        connection.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '0001_initial'"))
    try:
        response = client.get(HEALTHZ)
    finally:  # the PostgreSQL test database outlives this test
        db.session.remove()
        with db.engine.begin() as connection:
            connection.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = :head"),
                               {"head": head})
    assert response.status_code == 503 and response.json["status"] == "unhealthy"
    assert "run `flask forum upgrade`" in response.json["checks"]["migrations"]


def test_unreachable_redis_is_unhealthy(app, client):
    app.config.update(FORUM_CACHE_URL="redis://127.0.0.1:9/0")  # nobody listens there
    response = client.get(HEALTHZ)
    assert response.status_code == 503 and response.json["checks"]["redis"] == "unreachable"


@pytest.mark.skipif(not REDIS_URL, reason="Redis tests skipped: set FORUM_TEST_REDIS_URL")
def test_reachable_redis_is_reported(app, client):
    app.config.update(FORUM_CACHE_URL=REDIS_URL)
    assert client.get(HEALTHZ).json["checks"]["redis"] == "ok"


def test_never_rate_limited_nor_page_cached(site, site_client):
    site.config.update(FORUM_RATELIMIT_ENABLED=True, FORUM_PAGE_CACHE_BYTES=1024 * 1024)
    answers = [site_client.get("/healthz") for _ in range(120)]
    assert {response.status_code for response in answers} == {200}
    assert not any("X-Forum-Cache" in response.headers for response in answers)
