"""Reproducible benchmark data: a 200-contribution thread plus a large forum, bulk-loaded.

Every counter (reply_count, last_activity_at, rating_count/rating_sum) is computed from the rows
generated with it, so the denormalized columns match the tables exactly. Markdown is rendered
with forum.markup.render once per distinct body template and reused.
"""
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from forum import markup
from forum.services.tags import slugify
from forum.services.threads import slug_for, title_key

from bench import content
from bench.bulk import BulkWriter

SEED = 20261125
BASE_TIME = datetime(2024, 1, 1, tzinfo=timezone.utc)
FEATURED_THREAD_ID = 1
FEATURED_REPLIES = 200
FEATURED_AUTHORS = 20
BLOCK_THREADS = 1000  # replies of this many threads are shuffled together (realistic heap spread)

REPLY_COLUMNS = ("id", "thread_id", "author_id", "prompt_id", "body", "html", "is_hidden",
                 "is_deleted", "rating_count", "rating_sum", "created_at")
THREAD_COLUMNS = ("id", "title", "title_key", "slug", "lead", "lead_html", "call_to_action",
                  "author_id", "is_pinned", "is_locked", "is_hidden", "reply_count",
                  "rating_count", "rating_sum", "created_at", "last_activity_at")
RATING_COLUMNS = ("id", "member_id", "thread_id", "reply_id", "stars", "created_at", "updated_at")


@dataclass(frozen=True)
class Scale:
    """How big the generated forum is (the featured thread comes on top)."""

    name: str
    threads: int
    replies: int
    members: int


SCALES = {
    "tiny": Scale("tiny", threads=40, replies=400, members=60),
    "small": Scale("small", threads=10_000, replies=100_000, members=2_000),
    "large": Scale("large", threads=100_000, replies=1_000_000, members=10_000),
}


@dataclass
class Generated:
    """What the runner needs to know about the data it generated."""

    scale: str
    featured_thread_id: int
    featured_slug: str
    tag_slug: str
    thread_ids: range
    featured_reply_ids: range = range(1, FEATURED_REPLIES + 1)
    seconds: float = 0.0
    seconds_total: float = 0.0
    seconds_upgrade: float = 0.0
    rows: dict = field(default_factory=dict)

    @classmethod
    def describe(cls, scale):
        """What generate() builds for a scale, without building it (to reuse existing data)."""
        question = content.QUESTIONS[FEATURED_THREAD_ID % len(content.QUESTIONS)]
        return cls(
            scale=scale.name, featured_thread_id=FEATURED_THREAD_ID,
            featured_slug=slug_for(f"{question} (case {FEATURED_THREAD_ID})"),
            tag_slug=slugify(content.TAG_NAMES[0]),
            thread_ids=range(FEATURED_THREAD_ID + 1, FEATURED_THREAD_ID + 1 + scale.threads))


class BodyTemplates:
    """A fixed set of ~400-character Markdown bodies with a list, each rendered exactly once."""

    def __init__(self, rng, count=48):
        self.items = []
        for number in range(count):
            steps = rng.sample(content.STEPS, 3)
            body = (f"{content.OPENINGS[number % len(content.OPENINGS)]} Here is what I do "
                    f"now, in this order:\n\n" + "".join(f"- {step}\n" for step in steps)
                    + f"\n{content.CLOSINGS[number % len(content.CLOSINGS)]}")
            self.items.append((body, str(markup.render(body))))

    def pick(self, rng):
        """A (markdown, html) pair."""
        return self.items[rng.randrange(len(self.items))]


class ForumGenerator:
    """Produces the rows of the benchmark forum and streams them through a BulkWriter."""

    def __init__(self, scale, seed=SEED):
        self.scale = scale
        self.rng = random.Random(seed)
        self.bodies = BodyTemplates(self.rng)
        self.leads = [(lead, str(markup.render(lead))) for lead in content.LEADS]
        self.next_prompt_id = 1
        self.next_rating_id = 1
        self.prompt_rows, self.thread_tag_rows, self.reply_tag_rows = [], [], []
        self.rating_rows = []

    # -- small tables ------------------------------------------------------------------------
    def member_rows(self):
        """Members bench:1..N with display names."""
        for member_id in range(1, self.scale.members + 1):
            yield (member_id, f"bench:{member_id}", f"Coach {member_id:05d}", BASE_TIME)

    def tag_rows(self):
        """The tag vocabulary, ids 1..len(TAG_NAMES)."""
        for tag_id, name in enumerate(content.TAG_NAMES, 1):
            yield (tag_id, name, slugify(name), None, BASE_TIME)

    # -- threads -----------------------------------------------------------------------------
    def _ratings(self, count, target_column, target_id, created_at, raters):
        """`count` ratings by distinct members; returns (count, sum) and queues the rows."""
        total = 0
        for member_id in self.rng.sample(raters, count):
            stars = self.rng.choices((1, 2, 3, 4, 5), weights=(1, 2, 4, 6, 4))[0]
            total += stars
            thread_id = target_id if target_column == "thread" else None
            reply_id = target_id if target_column == "reply" else None
            self.rating_rows.append((self.next_rating_id, member_id, thread_id, reply_id, stars,
                                     created_at, created_at))
            self.next_rating_id += 1
        return count, total

    def _thread_row(self, thread_id, n_prompts, n_tags, created_at, reply_count, last_activity,
                    n_ratings):
        """One thread row; prompts, tags and thread ratings are queued for their tables."""
        rng = self.rng
        question = content.QUESTIONS[thread_id % len(content.QUESTIONS)]
        title = f"{question} (case {thread_id})"
        lead, lead_html = self.leads[thread_id % len(self.leads)]
        first_prompt = self.next_prompt_id
        for position in range(n_prompts):
            label, prompt_text = content.PROMPTS[position]
            self.prompt_rows.append((first_prompt + position, thread_id, position, label,
                                     prompt_text))
        self.next_prompt_id += n_prompts
        for tag_id in rng.sample(range(1, len(content.TAG_NAMES) + 1), n_tags):
            self.thread_tag_rows.append((thread_id, tag_id))
        raters = range(1, self.scale.members + 1)
        count, total = self._ratings(n_ratings, "thread", thread_id, last_activity, raters)
        author = rng.randint(1, self.scale.members)
        return (thread_id, title, title_key(title), slug_for(title), lead, lead_html,
                content.CALL_TO_ACTION, author, False, False, False, reply_count, count, total,
                created_at, last_activity), first_prompt

    def plan(self):
        """Per-thread reply counts, creation times and reply spacing for the large forum."""
        rng, scale = self.rng, self.scale
        counts = [0] * scale.threads
        answered = max(1, int(scale.threads * 0.95))  # 5% of threads stay unanswered
        for _ in range(scale.replies):
            counts[rng.randrange(answered)] += 1
        span = timedelta(days=600).total_seconds() / scale.threads
        created = [BASE_TIME + timedelta(seconds=index * span + rng.uniform(0, span))
                   for index in range(scale.threads)]
        gaps = [timedelta(minutes=rng.randint(5, 600)) for _ in range(scale.threads)]
        return counts, created, gaps

    # -- the featured thread -----------------------------------------------------------------
    def featured(self):
        """The 200-contribution thread: 20 authors, 3 tags and 5-20 ratings per contribution."""
        rng = self.rng
        created = BASE_TIME + timedelta(days=650)
        gap = timedelta(minutes=37)
        replies = []
        prompt_rows_before = len(self.prompt_rows)
        thread_row, first_prompt = self._thread_row(
            FEATURED_THREAD_ID, 4, 3, created, FEATURED_REPLIES,
            created + gap * FEATURED_REPLIES, 30)
        assert len(self.prompt_rows) == prompt_rows_before + 4
        raters = list(range(1, min(self.scale.members, 60) + 1))
        for number in range(FEATURED_REPLIES):
            reply_id = number + 1
            at = created + gap * (number + 1)
            body, html = self.bodies.pick(rng)
            prompt_id = first_prompt + number % 4 if number % 3 == 0 else None
            count, total = self._ratings(rng.randint(5, 20), "reply", reply_id, at, raters)
            for tag_id in rng.sample(range(1, len(content.TAG_NAMES) + 1), 3):
                self.reply_tag_rows.append((reply_id, tag_id))
            replies.append((reply_id, FEATURED_THREAD_ID, 1 + number % FEATURED_AUTHORS,
                            prompt_id, body, html, False, False, count, total, at))
        return thread_row, replies

    # -- the large forum ---------------------------------------------------------------------
    def forum_blocks(self, first_reply_id):
        """Yield (thread_rows, reply_rows) a block of threads at a time, replies shuffled."""
        rng, scale = self.rng, self.scale
        counts, created, gaps = self.plan()
        reply_id = first_reply_id
        raters = range(1, scale.members + 1)
        for start in range(0, scale.threads, BLOCK_THREADS):
            threads, replies = [], []
            for index in range(start, min(start + BLOCK_THREADS, scale.threads)):
                thread_id = FEATURED_THREAD_ID + 1 + index
                n = counts[index]
                last = created[index] + gaps[index] * n
                row, first_prompt = self._thread_row(
                    thread_id, 2, rng.randint(1, 3), created[index], n, last, rng.randint(0, 4))
                threads.append(row)
                for number in range(n):
                    at = created[index] + gaps[index] * (number + 1)
                    replies.append([thread_id, at, first_prompt + rng.randrange(2)
                                    if rng.random() < 0.3 else None])
            rng.shuffle(replies)
            rows = []
            for thread_id, at, prompt_id in replies:
                body, html = self.bodies.pick(rng)
                count, total = self._ratings(
                    rng.choice((0, 0, 0, 1, 2, 3)), "reply", reply_id, at, raters)
                for tag_id in rng.sample(range(1, len(content.TAG_NAMES) + 1),
                                         rng.randint(0, 2)):
                    self.reply_tag_rows.append((reply_id, tag_id))
                rows.append((reply_id, thread_id, rng.randint(1, scale.members), prompt_id,
                             body, html, False, False, count, total, at))
                reply_id += 1
            yield threads, rows


def _flush(writer, gen, threads, replies):
    """Write one block in foreign-key order, then empty the generator's queues."""
    writer.write("forum_thread", THREAD_COLUMNS, threads)
    writer.write("forum_prompt", ("id", "thread_id", "position", "label", "text"),
                 gen.prompt_rows)
    writer.write("forum_thread_tag", ("thread_id", "tag_id"), gen.thread_tag_rows)
    writer.write("forum_reply", REPLY_COLUMNS, replies)
    writer.write("forum_reply_tag", ("reply_id", "tag_id"), gen.reply_tag_rows)
    writer.write("forum_rating", RATING_COLUMNS, gen.rating_rows)
    gen.prompt_rows, gen.thread_tag_rows, gen.reply_tag_rows, gen.rating_rows = [], [], [], []


def generate(connection, scale, seed=SEED, log=print):
    """Load the whole benchmark forum through one connection; returns a Generated summary."""
    started = time.perf_counter()
    gen = ForumGenerator(scale, seed)
    writer = BulkWriter(connection)
    writer.write("forum_member", ("id", "user_key", "display_name", "created_at"),
                 gen.member_rows())
    writer.write("forum_tag", ("id", "name", "slug", "canonical_id", "created_at"),
                 gen.tag_rows())
    featured_row, featured_replies = gen.featured()
    _flush(writer, gen, [featured_row], featured_replies)
    next_reply = len(featured_replies) + 1
    for threads, replies in gen.forum_blocks(next_reply):
        _flush(writer, gen, threads, replies)
        next_reply += len(replies)
        if threads[0][0] % 10_000 < BLOCK_THREADS:
            log(f"  generated {threads[-1][0]:,} threads, {next_reply - 1:,} replies "
                f"({time.perf_counter() - started:.1f} s)")
    writer.reset_sequences(["forum_member", "forum_tag", "forum_thread", "forum_prompt",
                            "forum_reply", "forum_rating"])
    writer.refresh_rating_total()
    generated = Generated.describe(scale)
    assert generated.featured_slug == featured_row[3]
    generated.seconds = time.perf_counter() - started
    generated.rows = dict(writer.rows_written)
    return generated
