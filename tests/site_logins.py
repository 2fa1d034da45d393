"""A fixture for tests that drive several logged-in clients of the standalone site at once:
`pytestmark = pytest.mark.usefixtures("one_login_per_request")` in their module."""
import pytest
from flask import g


@pytest.fixture
def one_login_per_request(request):
    """Several logged-in clients share the site's app context in tests: forget the last user."""
    if "site" not in request.fixturenames:
        return
    site = request.getfixturevalue("site")

    @site.before_request
    def forget_login_user():
        g.pop("_login_user", None)
