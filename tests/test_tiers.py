"""Every test file declares exactly one tier, so `pytest -m unit` (make test-fast) and the
slower tiers together select each test once."""
from __future__ import annotations

import ast
import subprocess
import sys
import tomllib

import pytest

import course

pytestmark = pytest.mark.unit

TESTS = course.REPO / "tests"


def tiers() -> set[str]:
    """The tiers registered in pyproject.toml (``markers``), by name."""
    options = tomllib.loads((course.REPO / "pyproject.toml").read_text())
    markers = options["tool"]["pytest"]["ini_options"]["markers"]
    return {marker.split(":")[0].strip() for marker in markers}


def tiers_named(path) -> tuple[list[str], list[str]]:
    """The tiers a test file declares with a module-level ``pytestmark``, and every tier it
    names with ``pytest.mark.<tier>`` anywhere (a test marked on its own counts too)."""
    tree = ast.parse(path.read_text())
    registered = tiers()
    named = [node.attr for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and node.attr in registered
             and ast.unparse(node.value) == "pytest.mark"]
    declared = [ast.unparse(node.value) for node in tree.body
                if isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets)]
    return declared, named


def test_the_four_tiers_are_registered():
    assert tiers() == {"unit", "engine", "course", "system"}


@pytest.mark.parametrize("path", sorted(TESTS.glob("test_*.py")), ids=lambda p: p.name)
def test_each_test_file_declares_exactly_one_tier(path):
    declared, named = tiers_named(path)
    assert len(declared) == 1 and len(named) == 1, (
        f"{path.name} must set `pytestmark = pytest.mark.<tier>` once, naming no other tier "
        f"(one of {sorted(tiers())}); it declares {declared} and names {named}")
    assert declared == [f"pytest.mark.{named[0]}"], declared


def test_the_packages_doctests_are_unit_even_when_collected_alone():
    listed = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "unit",
                             "calcrl_checks/pipeline/stage5_compare.py"], cwd=course.REPO,
                            capture_output=True, text=True, timeout=120)
    assert ("calcrl_checks/pipeline/stage5_compare.py::calcrl_checks.pipeline.stage5_compare"
            in listed.stdout), listed.stdout
