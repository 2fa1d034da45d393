"""Previews: a text rendered exactly as posting would render it (the one sanitizer), unsaved."""
from forum import markup
from forum.errors import ValidationError
from forum.i18n import format_number
from forum.i18n import gettext as _
from forum.services.threads import parse_prompts, validate_call_to_action

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


def preview_question(prompts, call_to_action):
    """A question's prompts [(label, text)] and call to action as posting would keep them (the
    same checks: a ValidationError names the field)."""
    for name, value in (("prompts", prompts), ("call_to_action", call_to_action)):
        if not isinstance(value, str):
            raise ValidationError(_('Send the text to preview.'), field=name)
    if len(prompts) > PREVIEW_MAX:
        raise ValidationError(_('A preview takes at most %(preview_max)s characters.', preview_max=format_number(PREVIEW_MAX)),
                              field="prompts")
    return ([(prompt.label, prompt.text) for prompt in parse_prompts(prompts)],
            validate_call_to_action(call_to_action))
