"""Routes, hooks and template globals of one page module, put on the blueprint explicitly.

Each page module declares `routes = Routes()` and decorates its views with it (`@routes.get(...)`)
instead of the blueprint; forum/web/__init__.py lists the modules and registers them, as
forum/cli/__init__.py lists the commands, so importing a module has no effect of its own.
"""

HOOKS = ("before_request", "after_request", "context_processor")  # the forum's requests only


class Routes:
    """What one module adds to the forum's blueprint, in declaration order."""

    def __init__(self):
        self._entries = []

    def _record(self, method, *args, **options):
        """A decorator that notes (blueprint method, its arguments, the function)."""
        def record(function):
            self._entries.append((method, args, options, function))
            return function
        return record

    def route(self, rule, **options):
        """Like Blueprint.route."""
        return self._record("route", rule, **options)

    def get(self, rule, **options):
        """Like Blueprint.get."""
        return self._record("get", rule, **options)

    def post(self, rule, **options):
        """Like Blueprint.post."""
        return self._record("post", rule, **options)

    def template_global(self, name):
        """Like Blueprint.app_template_global(name)."""
        return self._record("app_template_global", name)

    def hook(self, kind):
        """A request hook or context processor, kind one of HOOKS."""
        if kind not in HOOKS:
            raise ValueError(f"Unknown hook {kind!r}; use one of {', '.join(HOOKS)}.")
        return self._record(kind)

    def register(self, blueprint):
        """Put every noted route, hook and global on the blueprint."""
        for method, args, options, function in self._entries:
            add = getattr(blueprint, method)
            if method in HOOKS:
                add(function)
            else:
                add(*args, **options)(function)
