"""Every module a user reaches shows at least one example in its docstrings.

The examples themselves run as doctests (``--doctest-modules`` in pyproject.toml); this file
only checks that none of those modules is left without one. A user reaches the package itself,
the modules behind its lazily loaded names (``calcrl_checks._LAZY``), and every module the
released notebooks import.
"""
from __future__ import annotations

import ast
import doctest
import importlib
import importlib.util
import json

import pytest
from IPython.core.inputtransformer2 import TransformerManager

import calcrl_checks
import course

pytestmark = pytest.mark.unit

PACKAGE = "calcrl_checks"


def _code_cells() -> list[str]:
    """The source of every code cell of the released notebooks, as IPython would run it."""
    transform = TransformerManager().transform_cell
    cells = []
    for path in sorted((course.REPO / "release").rglob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                source = cell["source"]
                cells.append(transform("".join(source) if isinstance(source, list) else source))
    return cells


def _module_of(name: str) -> str:
    """The module that ``from calcrl_checks import name`` reaches: a lazily loaded name's
    module, a submodule, or (for a name the package defines itself) the package."""
    if name in calcrl_checks._LAZY:
        return f"{PACKAGE}.{calcrl_checks._LAZY[name]}"
    if importlib.util.find_spec(f"{PACKAGE}.{name}") is not None:
        return f"{PACKAGE}.{name}"
    return PACKAGE


def notebook_modules() -> set[str]:
    """The package's modules the released notebooks import."""
    found = set()
    for source in _code_cells():
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names
                          if alias.name.split(".")[0] == PACKAGE}
            elif isinstance(node, ast.ImportFrom) and node.module == PACKAGE:
                found |= {_module_of(alias.name) for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    PACKAGE + "."):
                found.add(str(node.module))
    return found


def reached_modules() -> list[str]:
    lazy = {f"{PACKAGE}.{module}" for module in calcrl_checks._LAZY.values()}
    return sorted({PACKAGE} | lazy | notebook_modules())


def test_the_released_notebooks_are_read_for_their_imports():
    found = notebook_modules()
    # every visible check is formative now; notebooks released earlier may still import form
    assert f"{PACKAGE}.formative" in found and f"{PACKAGE}.scenarios" in found, found


@pytest.mark.parametrize("name", reached_modules())
def test_every_module_a_user_reaches_has_an_example(name):
    module = importlib.import_module(name)
    examples = sum(len(test.examples) for test in doctest.DocTestFinder().find(module))
    assert examples > 0, f"{name} has no docstring example"
