"""The package's rooms and the way their imports point: no circles, each room imports only
what its rule allows (the engine no check), and every import left inside a function says why.

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

_ = "calcrl_checks."
OUTCOME, DISPLAY, EXPRESSIONS = _ + "outcome", _ + "display", _ + "expressions"
CROSSING, PIPELINE, API, CHECKS, CELLS = (_ + "crossing", _ + "pipeline", _ + "api", _ + "checks",
                                          _ + "cells")
ENGINE, SANDBOX = _ + "engine", _ + "engine.sandbox"
COMMAND, GRADING, RESULTS, AUTHORING, DEMO = (
    _ + "instructor." + room for room in ("command", "grading", "results", "authoring", "demo"))

#: Each room of the package and what it may import besides itself (a room and everything in
#: it, or one module), from the ground floor up. A module belongs to the longest room naming it.
#: An import whose names the module never reads (a warm-up that loads modules before any
#: student code, so that every fork or grader starts with them) is not a use.
ROOMS: dict[str, set[str]] = {
    OUTCOME: set(),
    DISPLAY: set(),
    EXPRESSIONS: {OUTCOME},
    CROSSING: {EXPRESSIONS, OUTCOME},
    PIPELINE: {CROSSING, EXPRESSIONS, OUTCOME},
    API: {PIPELINE, EXPRESSIONS, OUTCOME},
    CHECKS: {API, PIPELINE, CROSSING, EXPRESSIONS, OUTCOME},
    CELLS: {CHECKS, API, PIPELINE, EXPRESSIONS, OUTCOME},
    # Inside bubblewrap: the package's face (``boot.py`` checks where it was found), what
    # crosses the boundary and the outcome. Nothing that computes a grade.
    SANDBOX: {"calcrl_checks", CROSSING, OUTCOME},
    # The trusted side: the sandbox it starts, what crosses, the outcome, a verdict's place in
    # a notebook (``cells.notebook``) and safe HTML. No check: hidden tests arrive as cells.
    ENGINE: {SANDBOX, CROSSING, OUTCOME, CELLS + ".notebook", DISPLAY},
    _ + "preprocessors": {CELLS + ".notebook", DISPLAY},
    GRADING: {ENGINE, OUTCOME, DISPLAY},
    # The checker's own reader too, to typeset the class's answers in the report.
    RESULTS: {GRADING + ".course", GRADING + ".accounts", OUTCOME, DISPLAY, CELLS,
              EXPRESSIONS + ".parsing"},
    AUTHORING: {"calcrl_checks", CHECKS, CELLS, PIPELINE, CROSSING, OUTCOME,
                ENGINE + ".hidden"},
    COMMAND: {GRADING, RESULTS, AUTHORING, DEMO, ENGINE, DISPLAY},
    DEMO: {COMMAND, GRADING, RESULTS, AUTHORING},
}
#: Published names kept where released notebooks, gradebooks and course configurations look
#: for them: each face imports the one module it stands for.
FACES = {_ + "form": CELLS + ".form", _ + "formative": CELLS + ".formative",
         _ + "scenarios": CHECKS + ".scenarios", _ + "safe_html": DISPLAY + ".safe_html",
         _ + "instructor.specs": AUTHORING + ".specs",
         _ + "instructor.manual_grades": GRADING + ".manual_grades",
         _ + "instructor.feedback_index": RESULTS + ".feedback_index"}
#: The package's own face (the public names, loaded lazily) and the instructor folder's.
TOP = {"calcrl_checks": {API, CHECKS, EXPRESSIONS, OUTCOME, PIPELINE},
       _ + "instructor": set()}
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


def _inside(name: str, place: str) -> bool:
    return name == place or name.startswith(place + ".")


def room_of(name: str, rooms: dict[str, set[str]]) -> str | None:
    """The longest room that holds module ``name``, or None."""
    return max((room for room in rooms if _inside(name, room)), key=len, default=None)


def rule_breaks(root: Path, rooms: dict[str, set[str]]) -> list[str]:
    """Imports whose names are used, of a module outside the importer's room and what the
    room may import (or, for a module in no room, any import of the package at all)."""
    known = modules(root)
    used = {name: _used_names(path) for name, path in known.items()}
    broken = []
    for edge in imports(root):
        room = room_of(edge.source, rooms)
        if not set(edge.names) & used[edge.source]:
            continue
        allowed = rooms.get(room, set()) if room is not None else set()
        if room is not None and _inside(edge.target, room):
            continue
        if not any(_inside(edge.target, place) for place in allowed):
            broken.append(f"{edge.source}:{edge.line} uses {edge.target}")
    return broken


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


def test_every_module_is_in_a_room_or_is_a_face():
    homeless = [name for name in modules(PACKAGE)
                if room_of(name, ROOMS) is None and name not in FACES and name not in TOP]
    assert homeless == []


def test_each_room_imports_only_what_its_rule_allows():
    assert rule_breaks(PACKAGE, {**ROOMS, **TOP}) == []


def test_a_face_imports_only_the_module_it_stands_for():
    for face, target in FACES.items():
        assert {edge.target for edge in imports(PACKAGE) if edge.source == face} == {target}


def test_the_engine_uses_no_check_module():
    for room in (ENGINE, SANDBOX):
        assert not any(_inside(place, check) for place in ROOMS[room]
                       for check in (CHECKS, CELLS + ".form", CELLS + ".formative", API,
                                     PIPELINE, _ + "instructor"))
    assert [line for line in rule_breaks(PACKAGE, ROOMS) if line.startswith(ENGINE)] == []


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
        "engine/__init__.py": "", "engine/sandbox/__init__.py": "", "checks/__init__.py": "",
        "checks/calculus.py": "", "crossing/__init__.py": "", "crossing/wire.py": "",
        "engine/sandbox/child.py": "from ...checks.calculus import check\n"
                                   "from ...crossing.wire import encode\ncheck(encode)\n",
        "engine/sandbox/zygote.py": "def warm():\n    from ...checks import calculus  # noqa\n"})
    rooms = {ENGINE: {CROSSING}, SANDBOX: {CROSSING}, CHECKS: set(), CROSSING: set()}
    assert rule_breaks(package, rooms) == [
        "calcrl_checks.engine.sandbox.child:1 uses calcrl_checks.checks.calculus"]


def test_a_module_in_no_room_is_named(tmp_path):
    package = write_package(tmp_path, {"a.py": "from . import b\nb.f()\n", "b.py": ""})
    assert rule_breaks(package, {_ + "b": set()}) == ["calcrl_checks.a:1 uses calcrl_checks.b"]


def test_an_unexplained_function_import_is_named(tmp_path):
    package = write_package(tmp_path, {
        "a.py": "", "b.py": "def f():\n    from .a import x\n\n\ndef g():\n"
                            "    # a reason\n    from .a import y\n    from .a import z\n",
        "c.py": '"""Imports inside functions: all lazy."""\ndef f():\n    from .a import x\n'})
    assert unexplained_function_imports(package) == ["calcrl_checks/b.py:2: from .a import x"]


# -- code written as text ------------------------------------------------------------------------
def _defined_names(path: Path) -> set[str]:
    """What ``from module import name`` can take from the module at ``path``."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return names


def unresolved_imports(code: str, known: dict[str, Path]) -> list[str]:
    """The package imports in ``code`` (a test's student cell, an attack, a script) that name
    a module or a name the package does not have."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    missing = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            missing += [f"import {alias.name}" for alias in node.names
                        if alias.name.startswith("calcrl_checks") and alias.name not in known]
        elif isinstance(node, ast.ImportFrom) and not node.level \
                and (node.module or "").startswith("calcrl_checks"):
            module = str(node.module)
            if module not in known:
                missing.append(f"from {module} import ...")
                continue
            names = _defined_names(known[module])
            missing += [f"from {module} import {alias.name}" for alias in node.names
                        if alias.name not in names and f"{module}.{alias.name}" not in known]
    return missing


def test_every_import_written_as_text_in_the_tests_resolves():
    # An attack whose import no longer resolves fails on an ImportError, not on the sandbox:
    # the test would pass for the wrong reason.
    known = modules(PACKAGE)
    found = []
    for path in sorted(PACKAGE.parent.joinpath("tests").glob("*.py")):
        if path.name == Path(__file__).name:
            continue   # this file's strings are made-up packages, written to break the rules
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and "calcrl_checks" in node.value:
                found += [f"{path.name}:{node.lineno}: {line}"
                          for line in unresolved_imports(node.value, known)]
    assert found == []


def test_an_import_of_a_moved_module_written_as_text_is_found():
    known = modules(PACKAGE)
    assert unresolved_imports("from calcrl_checks import verdict\nimport calcrl_checks.wire\n"
                              "from calcrl_checks.outcome import verdict\n", known) == [
        "from calcrl_checks import verdict", "import calcrl_checks.wire"]
