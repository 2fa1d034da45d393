"""Errors that services raise and views translate into messages and status codes."""
from forum.i18n import lazy_gettext as _lazy

# What a person reads for an HTTP error that no service explained (pages and the API alike).
HTTP_MESSAGES = {
    400: _lazy("The request could not be understood. If you sent a form, reload the page and "
               "try again."),
    401: _lazy("Please log in first."),
    403: _lazy("You do not have permission to do that."),
    404: _lazy("That page does not exist, or it was removed."),
    405: _lazy("That address does not accept this kind of request."),
    413: _lazy("That was too large to accept."),
    429: _lazy("Too many requests in a short time. Nothing was saved."),
    500: _lazy("Something went wrong on our side, and nothing was saved. Please try again."),
}


class ForumError(Exception):
    """A user-facing failure: a message, an HTTP status and, for forms, the field at fault."""

    status = 400
    code = "bad_request"

    def __init__(self, message, field=None, status=None, code=None):
        message = str(message)  # a lazy translation, in the language of the request
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code


class ValidationError(ForumError):
    """Input that breaks a rule (length, format, count)."""

    status = 422
    code = "invalid"


class NotFound(ForumError):
    """The item does not exist or is not visible to the actor."""

    status = 404
    code = "not_found"


class Forbidden(ForumError):
    """The actor may not do this."""

    status = 403
    code = "forbidden"


class Unauthorized(ForumError):
    """The action needs a signed-in member."""

    status = 401
    code = "unauthorized"


class Conflict(ForumError):
    """The action clashes with existing state (a duplicate, a locked thread)."""

    status = 409
    code = "conflict"


class ValidationErrors(ValidationError):
    """Several fields' ValidationErrors at once, so a form can show each beside its field; the
    first one gives the message, field and status."""

    def __init__(self, errors):
        first = errors[0]
        super().__init__(first.message, field=first.field)
        self.errors = list(errors)
        self.details = {"errors": [{"field": e.field, "message": e.message} for e in errors]}


def collect(*checks):
    """Run each check (a no-argument callable); return their results, or raise every
    ValidationError they raised together (one alone as itself)."""
    results, errors = [], []
    for check in checks:
        try:
            results.append(check())
        except ValidationErrors as error:
            errors += error.errors
            results.append(None)
        except ValidationError as error:
            errors.append(error)
            results.append(None)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ValidationErrors(errors)
    return results
