"""Every translatable string can be found by `make i18n` (Babel's extractor).

Babel does not look inside f-strings on Python 3.11, so `f"*{t('Sent by')}*"` is never
extracted and shows English to every reader, whatever the catalogs hold; and a first argument
that is an f-string, a concatenation or a `.format()` call is not a msgid at all. This walks
the source of bot/, handlers/ and jobs/ and fails on either."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = {"t", "_", "N_", "gettext", "ngettext", "lazy_gettext"}


def _name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and func.attr in {"ngettext", "gettext"}:
        return func.attr
    return None


def problems(source: str, filename: str) -> list[str]:
    found: list[str] = []
    tree = ast.parse(source, filename=filename)
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Call)
                    and _name(inner) in FUNCTIONS
                    and inner.args
                    and isinstance(inner.args[0], ast.Constant)
                ):
                    found.append(
                        f"{filename}:{inner.lineno}: {_name(inner)}({inner.args[0].value!r}) "
                        "inside an f-string is not extracted"
                    )
        if isinstance(node, ast.Call) and _name(node) in FUNCTIONS and node.args:
            first = node.args[0]
            if isinstance(first, ast.JoinedStr | ast.BinOp) or (
                isinstance(first, ast.Call)
                and isinstance(first.func, ast.Attribute)
                and first.func.attr == "format"
            ):
                found.append(f"{filename}:{node.lineno}: {_name(node)}() of a built string")
    return found


def test_every_translatable_string_is_extractable() -> None:
    found = [
        problem
        for package in ("bot", "handlers", "jobs")
        for path in sorted((ROOT / package).rglob("*.py"))
        for problem in problems(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert found == []


def test_the_check_sees_the_cases_babel_misses() -> None:
    source = (
        "a = f\"*{t('Sent by')}*\"\n"
        "b = t(f'Hello {name}')\n"
        "c = t('Hello ' + name)\n"
        "d = t('Hello {name}'.format(name=n))\n"
        "e = t('Hello {name}', name=n)\n"
        "f = f'{t(LABEL)}'\n"
    )
    found = problems(source, "x.py")
    assert [p.split(":")[1] for p in found] == ["1", "2", "3", "4"]
