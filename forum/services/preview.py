"""Previews: a text rendered exactly as posting would render it (the one sanitizer), unsaved."""
from forum import markup
from forum.errors import ValidationError
from forum.i18n import format_number
from forum.i18n import gettext as _

PREVIEW_MAX = 25_000  # a little over a contribution's limit: posting says what is too long


def preview_html(text):
    """The sanitized HTML a Markdown text would be posted as (empty text: empty HTML)."""
    if not isinstance(text, str):
        raise ValidationError(_('Send the text to preview.'), field="text")
    text = markup.clean_text(text).strip()
    if len(text) > PREVIEW_MAX:
        raise ValidationError(_('A preview takes at most %(preview_max)s characters.', preview_max=format_number(PREVIEW_MAX)),
                              field="text")
    return markup.render(text)
