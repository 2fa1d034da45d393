"""A member's 200-contribution thread page weighs little more than a visitor's (#21): the page
has one rating form, the cards' buttons name the contribution."""
import pytest
from sqlalchemy import create_engine

from bench import data
from bench.prepare import analyze

WEIGHT_LIMIT = 1.3  # a member's page weighs at most this times the visitor's


@pytest.fixture
def featured(database_url, site):
    """The benchmark's tiny forum (its 200-contribution thread on one page) in the site."""
    engine = create_engine(database_url)
    with engine.begin() as connection:
        summary = data.generate(connection, data.SCALES["tiny"], log=lambda *_: None)
    analyze(engine)
    engine.dispose()
    site.config.update(FORUM_REPLIES_PER_PAGE=200)
    return f"/threads/{summary.featured_thread_id}/{summary.featured_slug}"


def test_a_members_page_weighs_little_more_than_a_visitors(site, featured, login_site):
    visitor = site.test_client().get(featured)
    member = login_site("Cy").get(featured)
    assert visitor.status_code == member.status_code == 200
    assert visitor.text.count('<li class="reply') == member.text.count('<li class="reply') == 200
    ratio = len(member.data) / len(visitor.data)
    print(f"visitor {len(visitor.data):,} bytes, member {len(member.data):,} bytes, "
          f"ratio {ratio:.2f}")
    assert ratio <= WEIGHT_LIMIT, (len(visitor.data), len(member.data))
