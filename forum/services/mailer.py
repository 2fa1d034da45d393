"""One email out: text and HTML parts from templates the host can override, extra headers.

Templates live in templates/forum/email/NAME.txt and NAME.html; a host overrides one by putting
a file of the same path in its own templates folder. Sent through Flask-Mailman with the app's
MAIL_* settings (a host's own Mail set-up is used as it is).
"""
import logging

from flask import current_app, render_template
from flask_mailman import EmailMultiAlternatives

log = logging.getLogger("forum.email")


def send(to, subject, template, headers=None, **context):
    """Send a multipart (text + HTML) email rendered from forum/email/<template>.*; raises
    when the mail server refuses it (the caller's job retries)."""
    context.setdefault("forum_title", current_app.config["FORUM_TITLE"])
    text = render_template(f"forum/email/{template}.txt", **context)
    html = render_template(f"forum/email/{template}.html", **context)
    # Open and close the connection here: Flask-Mailman's send() leaves it open when the
    # server refuses a message.
    with current_app.extensions["mailman"].get_connection() as connection:
        message = EmailMultiAlternatives(subject=subject, body=text, to=[to],
                                         headers=headers or {}, connection=connection)
        message.attach_alternative(html, "text/html")
        message.send()
    log.info("sent a %s email", template)
