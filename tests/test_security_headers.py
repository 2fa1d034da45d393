"""Security headers on the forum's responses (only the forum's), and no inline script or style."""
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from forum.settings import DEFAULTS
from tests.host import create_host_app

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "forum"
THREAD = {"title": "How do you open a first coaching session?", "lead": "Share your openers.",
          "prompts": "Build rapport: How do you start?", "call_to_action": "Tell us.",
          "tags": "rapport"}


def assert_forum_headers(response):
    headers = response.headers
    assert headers["Content-Security-Policy"] == DEFAULTS["FORUM_CONTENT_SECURITY_POLICY"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "style-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"


def test_every_kind_of_forum_response_has_the_headers(site_client, login_site):
    client = login_site("Coach Ana")
    created = client.post("/new", data=THREAD)
    assert created.status_code == 302
    for response in (site_client.get("/"), site_client.get("/login"),
                     site_client.get(created.headers["Location"]),
                     site_client.get("/threads/9999"),  # a 404 page
                     client.get("/new"), created,
                     site_client.get("/static/forum.css")):
        assert_forum_headers(response)
        assert "Strict-Transport-Security" not in response.headers
        response.close()  # the stylesheet's response holds its file open until closed


def test_unmatched_addresses_get_the_headers_too(site_client):
    for response in (site_client.get("/no/such/page"), site_client.patch("/login"),
                     site_client.get("/static/no-such.css"), site_client.get("/api/")):
        assert response.status_code in (404, 405)
        assert_forum_headers(response)


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/api/no-such-thing", 404), ("GET", "/api/", 404), ("GET", "/api", 404),
    ("POST", "/api/no/such/thing", 404), ("PUT", "/api/threads", 405),
    ("DELETE", "/api/tags", 405), ("TRACE", "/api/threads", 405), ("BREW", "/api/me", 405),
])
def test_unmatched_api_paths_and_methods_answer_json(site_client, method, path, status):
    response = site_client.open(path, method=method)
    assert response.status_code == status
    assert response.is_json, response.text[:80]
    assert response.json["error"]["code"] == {404: "not_found", 405: "method_not_allowed"}[status]
    assert_forum_headers(response)
    if status == 405:
        real = {"/api/threads": {"GET", "POST"}, "/api/tags": {"GET"}, "/api/me": {"GET"}}[path]
        assert set(response.headers["Allow"].split(", ")) - {"HEAD", "OPTIONS"} == real


def test_a_hosts_unmatched_addresses_stay_the_hosts(database_url):
    app, db, _ = create_host_app(database_url)
    client = app.test_client()
    with app.app_context():
        assert_forum_headers(client.get("/community/no-such-page"))
        assert client.get("/community/api/nothing").is_json
        outside = client.get("/no-such-host-page")
        assert outside.status_code == 404 and "Content-Security-Policy" not in outside.headers
        db.engine.dispose()


def test_hsts_only_over_https(site):
    secure = site.test_client().get("/", base_url="https://forum.example")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    plain = site.test_client().get("/", base_url="http://forum.example")
    assert "Strict-Transport-Security" not in plain.headers


def test_host_pages_keep_their_own_headers(database_url):
    app, db, _ = create_host_app(database_url)

    @app.get("/host-page")
    def host_page():
        return "the host's own page"

    client = app.test_client()
    with app.app_context():
        assert_forum_headers(client.get("/community/"))
        host = client.get("/host-page")
        assert host.status_code == 200
        for name in ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy",
                     "X-Content-Type-Options"):
            assert name not in host.headers
        db.session.remove()
        db.engine.dispose()


def test_host_configures_or_overrides_the_headers(database_url):
    policy = "default-src 'self'; frame-ancestors https://coach.example"
    app, db, _ = create_host_app(database_url, content_security_policy=policy)

    @app.after_request
    def host_referrer(response):
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    with app.app_context():
        response = app.test_client().get("/community/")
        assert response.headers["Content-Security-Policy"] == policy
        assert response.headers["Referrer-Policy"] == "no-referrer"
        db.session.remove()
        db.engine.dispose()
    app, db, _ = create_host_app(database_url, security_headers=False)
    with app.app_context():
        response = app.test_client().get("/community/")
        assert "Content-Security-Policy" not in response.headers
        assert "X-Frame-Options" not in response.headers
        db.session.remove()
        db.engine.dispose()


class InlineFinder(HTMLParser):
    """Collects inline scripts, style elements and attributes, and on* event handlers."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        names = {name.lower() for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.problems.append("<script> without src")
        if tag == "style":
            self.problems.append("<style> element")
        self.problems += [f"{name}= attribute on <{tag}>" for name in names
                          if name == "style" or name.startswith("on")]


def inline_problems(html):
    finder = InlineFinder()
    finder.feed(html)
    return finder.problems


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_templates_have_no_inline_script_or_style(template):
    source = (TEMPLATES / template).read_text()
    # Jinja tags may sit inside HTML tags; scan the raw text as well as the parsed HTML.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source), template
    assert not re.search(r"<style\b|\sstyle=|\son[a-z]+\s*=", source, re.I), template
    assert inline_problems(re.sub(r"{[{%#].*?[}%#]}", "", source, flags=re.S)) == []


def test_rendered_pages_have_no_inline_script_or_style(site_client, login_site):
    client = login_site("Coach Ana")
    thread_url = client.post("/new", data=THREAD).headers["Location"]
    thread_id = re.search(r"/threads/(\d+)", thread_url).group(1)
    client.post(f"/threads/{thread_id}/replies", data={
        "body": "I start with <b onclick=alert(1) style=color:red>a question</b>."})
    pages = [site_client.get(url).text for url in ("/", "/login", "/register", thread_url)]
    pages += [client.get(url).text for url in ("/new", "/account/password", thread_url)]
    for html in pages:
        assert inline_problems(html) == []
