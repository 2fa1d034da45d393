"""The layering holds: pages and API over services over models, imports one way and no cycles.

Read from the source with ast, so a new import that breaks a rule fails here by name.
"""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "forum"
# Forum imports kept inside functions on purpose: the CLI's commands (each loads only what it
# runs) and the extension's set-up (`import forum` stays light for hosts).
LAZY_OK = ("forum/cli/", "forum/extension.py")


def _module_name(path):
    """forum/web/threads.py -> forum.web.threads; forum/web/__init__.py -> forum.web."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules():
    """{module name: (path, parsed tree)} for every module of the package."""
    return {_module_name(path): (path, ast.parse(path.read_text()))
            for path in PACKAGE.rglob("*.py")}


def _imported(node, modules):
    """The forum modules an import statement loads (`from forum.web import threads` included)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in modules}
    if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("forum"):
        return set()
    submodules = {f"{node.module}.{alias.name}" for alias in node.names
                  if f"{node.module}.{alias.name}" in modules}
    if len(submodules) < len(node.names) and node.module in modules:
        submodules.add(node.module)  # names defined in the module itself
    return submodules


def _graph(modules):
    """{module: forum modules it imports at its top level}."""
    return {name: set().union(*(_imported(node, modules) for node in tree.body), set())
            for name, (_path, tree) in modules.items()}


def _cycle(graph):
    """One import cycle as a list of modules, or None."""
    state = {}

    def visit(name, trail):
        state[name] = "open"
        for target in sorted(graph.get(name, ())):
            if target.startswith(name + "."):  # a package importing its own submodules
                continue
            if state.get(target) == "open":
                return trail[trail.index(target):] + [target] if target in trail else [name, target]
            if target not in state:
                found = visit(target, trail + [target])
                if found:
                    return found
        state[name] = "done"
        return None

    for name in sorted(graph):
        if name not in state:
            found = visit(name, [name])
            if found:
                return found
    return None


def test_no_import_cycles():
    """web/threads, web/ratings, web/tag_pages and the rest import each other one way only."""
    assert _cycle(_graph(_modules())) is None


def test_imports_flow_down_the_layers():
    """Services and models never import pages, the API or request state; the API and the rate
    limits never reach up into the pages."""
    graph = _graph(_modules())
    for name, targets in graph.items():
        if name.startswith(("forum.services", "forum.models", "forum.database")):
            assert not {t for t in targets if t.startswith(("forum.web", "forum.api",
                                                            "forum.request_actor"))}, name
        if name.startswith(("forum.api", "forum.limits", "forum.request_actor")):
            assert not {t for t in targets if t.startswith("forum.web")}, name


def test_no_http_request_state_in_services():
    """Services take an explicit actor and keep nothing on flask.g, the request or the session
    (per-request caches belong to the page builder, forum/web/thread_page.py)."""
    for name, (path, tree) in _modules().items():
        if not name.startswith("forum.services"):
            continue
        flask_names = {alias.name for node in ast.walk(tree)
                       if isinstance(node, ast.ImportFrom) and node.module == "flask"
                       for alias in node.names}
        assert not flask_names & {"g", "request", "session"}, path


def test_the_api_runs_no_queries_of_its_own():
    """API views call services; none imports the database session or builds a query."""
    for name, (path, tree) in _modules().items():
        if name.startswith("forum.api"):
            imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
            assert not imported & {"forum.database", "sqlalchemy", "sqlalchemy.orm"}, path


def test_no_forum_imports_inside_functions():
    """Forum modules import each other at the top (no function-level import dodging a cycle)."""
    modules = _modules()
    for name, (path, tree) in modules.items():
        where = str(path.relative_to(ROOT))
        if where.startswith(LAZY_OK):
            continue
        inner = [node.lineno for node in ast.walk(tree)
                 if node not in tree.body and _imported(node, modules)]
        assert inner == [], f"{where}: imports inside functions at lines {inner}"


def test_pages_register_their_routes_explicitly():
    """Every page module with routes is listed in forum.web.PAGES; none uses the blueprint."""
    from forum import web

    listed = {module.__name__ for module in web.PAGES}
    for name, (path, tree) in _modules().items():
        if not name.startswith("forum.web.") or name == "forum.web.blueprint":
            continue
        source = path.read_text()
        assert "@bp." not in source, f"{name} registers on the blueprint at import"
        if "\nroutes = Routes()\n" in source:
            assert name in listed, f"{name} declares routes but forum.web.PAGES omits it"
