"""Errors that services raise and views translate into messages and status codes."""


class ForumError(Exception):
    """A user-facing failure: a message, an HTTP status and, for forms, the field at fault."""

    status = 400
    code = "bad_request"

    def __init__(self, message, field=None, status=None, code=None):
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
