"""Fixtures shared by the moderation, flag and reading-list tests."""
import pytest


@pytest.fixture
def users_and_actors(make_user, actor_for):
    """Two members (Ana, Bo) and a moderator (Mo), as host users and service actors."""
    users = {"ana": make_user("Ana"), "bo": make_user("Bo"), "mo": make_user("Mo", staff=True)}
    return users, {name: actor_for(user) for name, user in users.items()}
