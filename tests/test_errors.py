"""One failure vocabulary: every error the package raises on purpose has one root, and a
refusal is one type wherever it travels (raised in a stage, held by a reading, on the wire)."""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import string
from pathlib import Path

import pytest
import sympy as sp

import calcrl_checks
from calcrl_checks import CalcrlError, compare
from calcrl_checks.checks.scenarios import bandit_curve
from calcrl_checks.crossing.wire import decode_value, encode_value
from calcrl_checks.outcome import messages
from calcrl_checks.outcome.errors import Refused
from calcrl_checks.pipeline.stage0_options import Options, Setup
from calcrl_checks.pipeline.stage2_read import read_answer

pytestmark = pytest.mark.unit

PACKAGE = Path(calcrl_checks.__file__).resolve().parent

#: Outside the root on purpose (see CalcrlError's docstring): each must get past
#: ``except Exception`` in the code it stops.
OUTSIDE_THE_ROOT = {"BudgetExceeded", "SandboxUnavailable"}


def _package_exceptions() -> dict[str, type]:
    found = {}
    for info in pkgutil.walk_packages(calcrl_checks.__path__, "calcrl_checks."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, BaseException) \
                    and value.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = value
    return found


def test_every_exception_of_the_package_has_one_root():
    exceptions = _package_exceptions()
    assert len(exceptions) > 20, "the walk found too few exception classes to mean anything"
    outside = {name.rsplit(".", 1)[1] for name, kind in exceptions.items()
               if not issubclass(kind, CalcrlError)}
    assert outside == OUTSIDE_THE_ROOT


def test_a_refusal_crosses_the_wire_as_the_same_type_and_is_refused_again():
    # An integer too long to send is refused on the sending side; the trusted side reads the
    # same refusal, and the check refuses the answer with its code and sentence.
    crossed = decode_value(encode_value(10 ** 5000))
    assert type(crossed) is Refused and crossed.code == "unsafe_input"
    assert crossed.type_name == "int"
    verdict = compare(crossed, sp.Symbol("x"), domain={"x": (-1, 1)})
    assert verdict.code == "unsafe_input" and crossed.message in verdict.message


def test_a_reading_that_cannot_read_holds_a_refusal():
    reading = read_answer("2y", Setup.resolve(None, Options(domain={"x": (-1, 1)})))
    assert isinstance(reading.refusal, Refused) and reading.side is None
    assert reading.refusal.code == "parse_error" and "y" in reading.refusal.message


def test_a_scenario_failure_is_a_refusal_with_the_students_sentence():
    try:
        bandit_curve(lambda theta, grad, alpha: None, steps=3)
    except Refused as refusal:
        assert refusal.code == "wrong_type" and refusal.message.startswith("your function")
    else:
        raise AssertionError("a step that returns None should be refused")


def _package_sources() -> dict[str, ast.Module]:
    return {str(path.relative_to(PACKAGE.parent)): ast.parse(path.read_text())
            for path in sorted(PACKAGE.rglob("*.py"))}


def test_no_stage_writes_a_refusal_sentence_of_its_own():
    written = [f"{name}:{node.lineno}" for name, tree in _package_sources().items()
               for node in ast.walk(tree)
               if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Refused"
               and len(node.args) > 1 and isinstance(node.args[1], (ast.JoinedStr, ast.Constant))]
    assert written == [], "write the sentence in outcome/messages.py REFUSALS"


def test_every_refusal_sentence_is_used_with_exactly_its_fields():
    used: dict[str, set[str]] = {}
    for tree in _package_sources().values():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "refusal" \
                    and node.args and isinstance(node.args[0], ast.Constant):
                used.setdefault(node.args[0].value, set()).update(k.arg for k in node.keywords)
    assert set(used) == set(messages.REFUSALS)
    for reason, fields in used.items():
        named = {field for _, field, _, _ in string.Formatter().parse(messages.REFUSALS[reason])
                 if field}
        assert fields == named, reason
