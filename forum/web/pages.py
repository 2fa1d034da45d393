"""Small helpers that every page view uses."""
from flask import request


def page_arg():
    """The ?page= number, at least 1."""
    return max(1, request.args.get("page", 1, type=int) or 1)
