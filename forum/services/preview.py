"""Previews: a text rendered exactly as posting would render it (the one sanitizer), unsaved."""
from forum import markup
from forum.errors import ValidationError

PREVIEW_MAX = 25_000  # a little over a contribution's limit: posting says what is too long


def preview_html(text):
    """The sanitized HTML a Markdown text would be posted as (empty text: empty HTML)."""
    if not isinstance(text, str):
        raise ValidationError("Send the text to preview.", field="text")
    text = markup.clean_text(text).strip()
    if len(text) > PREVIEW_MAX:
        raise ValidationError(f"A preview takes at most {PREVIEW_MAX:,} characters.",
                              field="text")
    return markup.render(text)
