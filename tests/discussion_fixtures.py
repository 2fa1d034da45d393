"""Fixtures shared by the discussion tests (threads, replies, tags)."""
import pytest

PREFIX = "/community"


@pytest.fixture
def host_users(make_user):
    """A thread author (Ana), another member (Ben) and a moderator (Mo)."""
    return {"ana": make_user("Ana"), "ben": make_user("Ben"), "mo": make_user("Mo", staff=True)}
