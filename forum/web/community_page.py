"""The moderators' community-at-a-glance page, with its activity chart drawn on the server."""
from dataclasses import dataclass

from flask import render_template

from forum.services import community as community_service
from forum.web.context import current_actor
from forum.web.discussion_common import login_required
from forum.web.routes import Routes
from forum.i18n import format_skeleton_day
from forum.i18n import lazy_gettext as _lazy

routes = Routes()
SERIES = (("contributions", _lazy("Contributions")), ("questions", _lazy("New questions")),
          ("members", _lazy("New members")))
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 240, 40, 30, 10


@dataclass
class Chart:
    """An SVG line chart's geometry: one polyline per series, y-axis ticks, week labels."""

    width: int
    height: int
    lines: list   # (series key, label, "x,y x,y ...")
    ticks: list   # (y, value)
    labels: list  # (x, "3 Jun")


def chart(weeks):
    """Lines for each series over the weeks, scaled to the largest weekly count."""
    most = max([getattr(week, key) for week in weeks for key, _label in SERIES] + [1])
    plot_w, plot_h = WIDTH - LEFT - 10, HEIGHT - BOTTOM - TOP
    step = plot_w / max(1, len(weeks) - 1)

    def y(value):
        return round(TOP + plot_h - plot_h * value / most, 1)

    lines = [(key, label, " ".join(f"{round(LEFT + n * step, 1)},{y(getattr(week, key))}"
                                   for n, week in enumerate(weeks)))
             for key, label in SERIES]
    ticks = [(y(value), value) for value in sorted({0, most // 2, most})]
    labels = [(round(LEFT + n * step, 1), format_skeleton_day(week.start))
              for n, week in enumerate(weeks) if n % 4 == 0]
    return Chart(width=WIDTH, height=HEIGHT, lines=lines, ticks=ticks, labels=labels)


@routes.get("/moderation/community")
@login_required
def community():
    """Activity per week over six months, time to a first answer, waiting questions, flags."""
    data = community_service.overview(current_actor())
    return render_template("forum/community.html", data=data, chart=chart(data.weeks),
                           series=SERIES, duration=community_service.duration_text)
