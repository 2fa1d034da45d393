"""Work every worker would do for itself on its first requests, done once in the parent process
of a pre-forking server (gunicorn's preload_app), so the workers forked after it share one copy
of the result instead of each building and holding its own."""
from flask import Flask

from forum.services import confidentiality


def warm_up(app: Flask):
    """Compile the forum's templates and build the confidentiality guard (spaCy, presidio's
    recognizers: about a second and 6 MB) for app; call it before the workers fork."""
    with app.app_context():
        environment = app.jinja_env
        for name in environment.list_templates(filter_func=lambda name: name.startswith("forum/")):
            environment.get_template(name)
        confidentiality.warm_up()
