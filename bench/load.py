"""Load generation with wrk (bounded in time and requests), probes, and a logged-in writer."""
import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.app import QUERY_HEADER

WRK_SCRIPT = Path(__file__).resolve().parent / "wrk" / "report.lua"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')  # the log-in form's token


@dataclass
class Endpoint:
    """One measured page or call: how to request it and what it is compared with."""

    name: str
    path: str
    method: str = "GET"
    body: str | None = None
    content_type: str | None = None
    paths: list = field(default_factory=list)  # rotate over these (writes spread over threads)
    auth: str | None = None  # "session" (cookie + CSRF) or "bearer"
    server: str = "default"  # "default" or "one-page" (FORUM_REPLIES_PER_PAGE=200)
    note: str = ""


@dataclass
class Credentials:
    """What a logged-in writer sends: the session cookie, a CSRF token, an API bearer token."""

    cookie: str = ""
    csrf: str = ""
    bearer: str = ""


def _no_redirects():
    """An opener that shares cookies and does not follow redirects (302 is the answer)."""
    class Keep(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), Keep), jar


def _open(opener, request):
    """Send a request; HTTP errors and redirects are answers here, not exceptions."""
    try:
        return opener.open(request, timeout=30)
    except urllib.error.HTTPError as error:
        return error


def login(base_url, name, password, page="/"):
    """Log in through the real form and return the cookie and a CSRF token for later POSTs."""
    opener, jar = _no_redirects()
    token = CSRF_FIELD.search(_open(opener, base_url + "/login").read().decode()).group(1)
    data = urllib.parse.urlencode({"name": name, "password": password, "csrf_token": token})
    response = _open(opener, urllib.request.Request(base_url + "/login", data=data.encode()))
    if response.status != 302:
        raise RuntimeError(f"bench: login failed with status {response.status}")
    html = _open(opener, base_url + page).read().decode()
    token = CSRF_META.search(html).group(1)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return Credentials(cookie=cookie, csrf=token)


def _headers(endpoint, credentials):
    """Request headers for an endpoint (cookie, CSRF header, bearer token, content type)."""
    headers = {}
    if endpoint.auth == "session":
        headers["Cookie"] = credentials.cookie
        headers["X-CSRFToken"] = credentials.csrf
    elif endpoint.auth == "bearer":
        headers["Authorization"] = f"Bearer {credentials.bearer}"
    if endpoint.content_type:
        headers["Content-Type"] = endpoint.content_type
    return headers


def probe(base_url, endpoint, credentials):
    """One request: status, SQL queries (from the bench header) and response size."""
    path = endpoint.paths[0] if endpoint.paths else endpoint.path
    body = endpoint.body.encode() if endpoint.body is not None else None
    request = urllib.request.Request(base_url + path, data=body, method=endpoint.method,
                                     headers=_headers(endpoint, credentials))
    opener, _ = _no_redirects()
    response = _open(opener, request)
    payload = response.read()
    queries = response.headers.get(QUERY_HEADER)
    return {"status": response.status, "queries": int(queries) if queries else None,
            "bytes": len(payload)}


def wrk_version():
    """The wrk version line, or None when wrk is not installed."""
    if not shutil.which("wrk"):
        return None
    result = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return (result.stdout or result.stderr).splitlines()[0].strip()


def run_wrk(base_url, endpoint, credentials, connections, duration, max_requests, threads=1):
    """Run wrk against one endpoint; returns the figures printed by report.lua."""
    env = dict(os.environ, BENCH_MAX_REQUESTS=str(max_requests), BENCH_METHOD=endpoint.method)
    if endpoint.body is not None:
        env["BENCH_BODY"] = endpoint.body
    if endpoint.paths:
        env["BENCH_PATHS"] = "|".join(endpoint.paths)
    headers = _headers(endpoint, credentials)
    for header, variable in (("Cookie", "BENCH_COOKIE"), ("X-CSRFToken", "BENCH_CSRF"),
                             ("Authorization", "BENCH_AUTH"),
                             ("Content-Type", "BENCH_CONTENT_TYPE")):
        if header in headers:
            env[variable] = headers[header]
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "5s",
               "-s", str(WRK_SCRIPT), base_url + (endpoint.paths[0] if endpoint.paths
                                                  else endpoint.path)]
    result = subprocess.run(command, capture_output=True, text=True, env=env,
                            timeout=duration + 60)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            figures = json.loads(line[len("BENCH_JSON "):])
            seconds = figures["duration_us"] / 1e6
            figures["rps"] = round(figures["requests"] / seconds, 1) if seconds else 0.0
            return figures
    raise RuntimeError(f"wrk gave no figures: {result.stdout}\n{result.stderr}")
