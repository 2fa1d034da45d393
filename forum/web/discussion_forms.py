"""Flask-WTF forms for editing contributions, changing tags and merging tags."""
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice


class EditReplyForm(FlaskForm):
    """Edit a contribution: text, prompt answered, tags."""

    body = TextAreaField("Your contribution (Markdown)")
    prompt = SelectField("Answers prompt", choices=[SelectChoice("", "No particular prompt")],
                         validate_choice=False)
    tags = StringField("Tags, separated by commas")
    reason = StringField("Reason (shown in the moderation log)")


class TagsForm(FlaskForm):
    """Replace the tags of a thread or a contribution."""

    tags = StringField("Tags, separated by commas")
    reason = StringField("Reason (shown in the moderation log)")


class MergeTagForm(FlaskForm):
    """Merge a tag into another one (moderators)."""

    into = StringField("Merge into the tag")
    reason = StringField("Reason (shown in the moderation log)")


class ReasonForm(FlaskForm):
    """Confirm an action (delete, restore) with an optional reason."""

    reason = StringField("Reason (shown in the moderation log)")
