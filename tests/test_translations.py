"""The catalogues are complete: every marked string is translated in every shipped locale, and
no text a person reads in a template is left unmarked."""
import ast
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from forum.i18n import TRANSLATIONS_DIR, shipped_locales
from tests.i18n_audit import unmarked, unmarked_everywhere

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
            "npgettext": ((1, "c"), 2, 3), "lazy_gettext": None, "lazy_ngettext": (1, 2),
            "_lazy": None}


def _marked_messages():
    """(context, msgid) of every string the code and templates mark, as `make translations`."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        found.add((context, message[0] if isinstance(message, tuple) else message))
    return found


@pytest.fixture(scope="module")
def marked():
    return _marked_messages()


@pytest.mark.parametrize("locale", shipped_locales()[1:])
def test_every_marked_message_is_translated(marked, locale):
    with (TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "forum.po").open("rb") as po:
        catalogue = read_po(po, locale=locale)
    entries = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id): m
               for m in catalogue if m.id}
    missing = sorted(msgid for key in marked if (msgid := key[1]) and key not in entries)
    assert missing == [], f"run `make translations` and translate these in {locale}"
    fuzzy = sorted(key[1] for key, m in entries.items() if key in marked and m.fuzzy)
    empty = sorted(key[1] for key, m in entries.items() if key in marked and not (
        all(m.string) if isinstance(m.string, tuple) else m.string))
    assert (fuzzy, empty) == ([], [])


def test_marked_strings_are_found_at_all(marked):
    assert (None, "Practice questions") in marked
    assert ("import header", "Rate this article") in marked
    assert len(marked) > 500


def test_no_template_text_is_left_unmarked():
    assert unmarked_everywhere() == {}


def test_the_audit_catches_unmarked_text(tmp_path):
    template = tmp_path / "page.html"
    template.write_text('<h1>{{ _("Marked") }}</h1><p title="Unmarked hint">Plain words</p>'
                        "{% trans %}Marked too{% endtrans %}{{ pager(label='Some pages') }}"
                        "<button>{{ n }}</button>")
    assert unmarked(template) == ['title="Unmarked hint"', "Plain words", "'Some pages'"]


def _binds_underscore(function):
    """Lines where a function (not its nested functions or comprehensions) assigns to `_`."""
    nested = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp,
              ast.SetComp, ast.DictComp, ast.GeneratorExp)
    found, todo = [], list(ast.iter_child_nodes(function))
    while todo:
        node = todo.pop()
        if isinstance(node, nested):
            continue
        if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store) or \
                isinstance(node, ast.ExceptHandler) and node.name == "_":
            found.append(node.lineno)
        todo.extend(ast.iter_child_nodes(node))
    return found


def test_no_function_shadows_the_gettext_underscore():
    """`name, _ = ...` in a module that imports gettext as `_` makes every `_()` in that
    function an UnboundLocalError: such throwaway names are spelled `_name` instead."""
    shadowing = []
    for path in sorted((ROOT / "forum").rglob("*.py")):
        tree = ast.parse(path.read_text())
        if not any(isinstance(node, ast.ImportFrom) and any((a.asname or a.name) == "_"
                                                            for a in node.names)
                   for node in ast.walk(tree)):
            continue
        shadowing += [f"{path.relative_to(ROOT)}:{line} in {node.name}"
                      for node in ast.walk(tree)
                      if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                      for line in _binds_underscore(node)]
    assert shadowing == []
