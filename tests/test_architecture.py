"""The package's imports point one way: no circles, the engine uses no check, and every import
left inside a function says why.

The graph is read from the source with ``ast`` (nothing is imported), counting every import:
module level, inside functions and under ``TYPE_CHECKING``. Each rule is also run on a small
package written here that breaks it, so a rule that stopped seeing anything would fail.
"""
from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

PACKAGE = Path(__file__).resolve().parent.parent / "calcrl_checks"

#: What the engine may use outside itself: the package's face (``boot.py`` checks where it was
#: found), the wire form, what crosses the sandbox boundary,
#: and the outcome of a check (verdicts, their codes and messages, errors, budgets, the
#: verdict's place in a notebook and its safe HTML, student ids). Anything else is a check.
ENGINE_MAY_USE = {"calcrl_checks", "calcrl_checks.wire", "calcrl_checks.crossing",
                  "calcrl_checks.crossing.functions", "calcrl_checks.crossing.tensor_facts",
                  "calcrl_checks.errors", "calcrl_checks.verdict", "calcrl_checks.budget",
                  "calcrl_checks.notebook", "calcrl_checks.safe_html", "calcrl_checks.messages",
                  "calcrl_checks.names"}
#: The one check the engine runs, and why: the zygote's warm-up calls a visible check as a
#: notebook cell would, before any student code, so that no fork pays for its first one.
ENGINE_WARM_UP = {"calcrl_checks.formative"}
#: What the crossing room may use: itself and the wire form.
CROSSING_MAY_USE = {"calcrl_checks.wire", "calcrl_checks.crossing",
                    "calcrl_checks.crossing.functions", "calcrl_checks.crossing.tensor_facts"}
#: A module whose docstring has this phrase explains all its function-level imports at once.
MODULE_REASON = "Imports inside functions"


@dataclass(frozen=True)
class Import:
    """One import of a module of the package by another."""

    source: str
    target: str
    line: int
    in_function: bool
    names: tuple[str, ...]   # the names it binds in the importing module


def modules(root: Path) -> dict[str, Path]:
    """Every module of the package under ``root``, by dotted name."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _function_imports(tree: ast.AST) -> set[int]:
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside.update(id(s) for s in ast.walk(node) if isinstance(s, (ast.Import,
                                                                           ast.ImportFrom)))
    return inside


def imports(root: Path) -> Iterator[Import]:
    """Every import of one package module by another, wherever it is written."""
    known = modules(root)
    for source, path in known.items():
        tree = ast.parse(path.read_text(), str(path))
        inside = _function_imports(tree)
        package = source if path.name == "__init__.py" else source.rpartition(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in known:
                        yield Import(source, alias.name, node.lineno, id(node) in inside,
                                     (alias.asname or alias.name.split(".")[0],))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([node.module] if node.module else []))
                for alias in node.names:
                    target = f"{base}.{alias.name}"
                    target = target if target in known else base
                    if target in known and target != source:
                        yield Import(source, target, node.lineno, id(node) in inside,
                                     (alias.asname or alias.name,))


def circles(root: Path) -> list[list[str]]:
    """The import circles (strongly connected groups of more than one module), Tarjan's way."""
    graph: dict[str, set[str]] = {name: set() for name in modules(root)}
    for edge in imports(root):
        graph[edge.source].add(edge.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        for target in graph[name]:
            if target not in index:
                visit(target)
                low[name] = min(low[name], low[target])
            elif target in stack:
                low[name] = min(low[name], index[target])
        if low[name] == index[name]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == name:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for name in graph:
        if name not in index:
            visit(name)
    return found


def _used_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def uses_outside(root: Path, room: str, allowed: set[str]) -> list[str]:
    """Imports from ``room`` of modules outside it and ``allowed`` whose names are used.

    A module imported only for its effect (the zygote loads the checks before any student code
    so that every fork starts warm) binds names that nothing in the importing module reads.
    """
    known = modules(root)
    used = {name: _used_names(path) for name, path in known.items()}
    return [f"{edge.source}:{edge.line} uses {edge.target}" for edge in imports(root)
            if edge.source.startswith(room) and not edge.target.startswith(room)
            and edge.target not in allowed and set(edge.names) & used[edge.source]]


def unexplained_function_imports(root: Path) -> list[str]:
    """Function-level imports of the package with no comment on their line or above their
    group, in modules whose docstring does not give the reason for all of them."""
    known = modules(root)
    missing = []
    for edge in imports(root):
        if not edge.in_function:
            continue
        path = known[edge.source]
        text = path.read_text()
        if MODULE_REASON in (ast.get_docstring(ast.parse(text)) or ""):
            continue
        lines = text.splitlines()
        here, above = lines[edge.line - 1], edge.line - 2
        while above > 0 and lines[above].lstrip().startswith(("from ", "import ")):
            above -= 1   # a comment above a group of imports explains the group
        if "#" not in here and not lines[above].strip().startswith("#"):
            missing.append(f"{path.relative_to(root.parent)}:{edge.line}: {here.strip()}")
    return sorted(set(missing))


# -- the package -------------------------------------------------------------------------------
def test_the_package_has_no_import_circles():
    assert circles(PACKAGE) == []


def test_the_engine_uses_no_check_module():
    assert uses_outside(PACKAGE, "calcrl_checks.engine", ENGINE_MAY_USE | ENGINE_WARM_UP) == []


def test_what_crosses_the_sandbox_boundary_imports_no_check():
    assert uses_outside(PACKAGE, "calcrl_checks.crossing", CROSSING_MAY_USE) == []


def test_every_import_left_inside_a_function_says_why():
    assert unexplained_function_imports(PACKAGE) == []


# -- the rules see what they are for ------------------------------------------------------------
def write_package(root: Path, files: dict[str, str]) -> Path:
    package = root / "calcrl_checks"
    for name, text in {"__init__.py": "", **files}.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return package


@pytest.mark.parametrize("files, expected", [
    ({"a.py": "from . import b\n", "b.py": "from .a import thing\n"},
     [["calcrl_checks.a", "calcrl_checks.b"]]),
    ({"a.py": "def f():\n    from .b import g  # late\n", "b.py": "from . import c\n",
      "c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import f\n"},
     [["calcrl_checks.a", "calcrl_checks.b", "calcrl_checks.c"]]),
    ({"a.py": "from . import b\n", "b.py": "import numpy\n"}, []),
])
def test_a_circle_is_found_however_its_imports_are_written(tmp_path, files, expected):
    assert circles(write_package(tmp_path, files)) == expected


def test_an_engine_module_using_a_check_is_named(tmp_path):
    package = write_package(tmp_path, {
        "engine/__init__.py": "", "calculus.py": "", "wire.py": "",
        "engine/child.py": "from ..calculus import check\nfrom ..wire import encode\n"
                           "check(encode)\n",
        "engine/zygote.py": "def warm():\n    from .. import calculus  # noqa: F401\n"})
    assert uses_outside(package, "calcrl_checks.engine", {"calcrl_checks.wire"}) == [
        "calcrl_checks.engine.child:1 uses calcrl_checks.calculus"]


def test_an_unexplained_function_import_is_named(tmp_path):
    package = write_package(tmp_path, {
        "a.py": "", "b.py": "def f():\n    from .a import x\n\n\ndef g():\n"
                            "    # a reason\n    from .a import y\n    from .a import z\n",
        "c.py": '"""Imports inside functions: all lazy."""\ndef f():\n    from .a import x\n'})
    assert unexplained_function_imports(package) == ["calcrl_checks/b.py:2: from .a import x"]
