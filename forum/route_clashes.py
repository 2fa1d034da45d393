"""Routes of the host and the forum at one address: refused, naming both (e.g. url_prefix="/").

Checked at Forum(app) and, for a host route added later, on the forum's first request.
"""
from flask import current_app

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def check_route_clashes(app):
    """RuntimeError naming every host route at the same address as one of the forum's."""
    names = app.extensions["forum"].blueprint_names
    by_address, clashes = {}, []
    for rule in app.url_map.iter_rules():
        forum_owned = rule.endpoint.split(".", 1)[0] in names
        for other_owned, other in by_address.get(rule.rule, ()):
            if other_owned != forum_owned and (rule.methods & other.methods) - IGNORED_METHODS:
                forum_rule, host_rule = (rule, other) if forum_owned else (other, rule)
                clashes.append(f"the forum's route {forum_rule.rule} ({forum_rule.endpoint}) "
                               f"clashes with the host's route {host_rule.rule} "
                               f"({host_rule.endpoint})")
        by_address.setdefault(rule.rule, []).append((forum_owned, rule))
    if clashes:
        raise RuntimeError("; ".join(clashes).capitalize() + ". Mount the forum under another "
                           "url_prefix, or set FORUM_STATIC_URL_PATH for its static files.")


def check_routes_once():
    """Blueprint before_request: look for clashes again whenever routes were added since."""
    app = current_app._get_current_object()
    checked = app.extensions["forum"].fitted
    rule_count = len(app.url_map._rules)
    if ("rules", rule_count) not in checked:
        check_route_clashes(app)
        checked.add(("rules", rule_count))
