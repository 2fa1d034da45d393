"""Flask-WTF forms for editing contributions, changing tags and merging tags."""
from flask_wtf import FlaskForm
from wtforms import StringField

from forum.web.forms import ReplyForm
from forum.i18n import lazy_gettext as _lazy


class EditReplyForm(ReplyForm):
    """Edit a contribution: the reply form's text, prompt and tags, and a moderator's reason."""

    reason = StringField(_lazy('Reason (shown in the moderation log)'))


class TagsForm(FlaskForm):
    """Replace the tags of a thread or a contribution."""

    tags = StringField(_lazy('Tags, separated by commas'))
    reason = StringField(_lazy('Reason (shown in the moderation log)'))


class MergeTagForm(FlaskForm):
    """Merge a tag into another one (moderators)."""

    into = StringField(_lazy('Merge into the tag'))
    reason = StringField(_lazy('Reason (shown in the moderation log)'))


class ReasonForm(FlaskForm):
    """Confirm an action (delete, restore) with an optional reason."""

    reason = StringField(_lazy('Reason (shown in the moderation log)'))
