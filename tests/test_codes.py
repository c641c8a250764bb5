"""The registry of verdict codes: every code a check, a spec or a notebook names is registered
once, core or question-specific, with what it means."""
from __future__ import annotations

import json
import re

import pytest

import course
from calcrl_checks.outcome import codes
from calcrl_checks.outcome.codes import CODES, REGISTRY, describe
from calcrl_checks.pipeline.stage0_hints import as_hints
from calcrl_checks.instructor.authoring.mistakes import MISTAKES
from calcrl_checks.instructor.authoring.specs import questions

pytestmark = pytest.mark.unit


def _spec_codes() -> dict[str, set[str]]:
    """Every code the specs name (hints, partial-credit scores, mistakes), with where."""
    named: dict[str, set[str]] = {}
    for spec in questions():
        for part in spec.parts:
            codes = {hint.code for hint in as_hints(part.options.get("hints", ()))}
            codes |= set(part.options.get("scores", {}))
            codes |= {mistake.code for mistake in part.mistakes}
            for code in codes:
                named.setdefault(code, set()).add(f"{spec.id} {part.key}")
    return named


def test_every_code_a_spec_names_is_registered():
    unregistered = {code: where for code, where in _spec_codes().items() if code not in REGISTRY}
    assert not unregistered, f"register these in calcrl_checks/outcome/codes.py: {unregistered}"


def test_every_code_the_catalogue_and_the_notebooks_name_is_registered():
    assert {m.feedback for m in MISTAKES} <= set(REGISTRY)
    for path in course.notebooks(course.REPO / "source"):
        text = "\n".join("".join(cell["source"]) for cell in course.load(path)["cells"])
        named = set(re.findall(r"code\s*=\s*[\"']([a-z_0-9]+)[\"']", text))
        assert named <= set(REGISTRY), f"{path.name}: {named - set(REGISTRY)}"


def test_the_core_codes_are_the_checks_own_and_the_rest_belong_to_questions():
    constants = {value for name, value in vars(codes).items()
                 if name.isupper() and isinstance(value, str)}
    assert CODES == constants | {"hint"}
    specific = {name for name, entry in REGISTRY.items() if not entry.core}
    assert specific <= set(_spec_codes()), "a question-specific code no spec names"


def test_every_code_says_what_it_means():
    for name, entry in REGISTRY.items():
        assert entry.name == name and entry.description and describe(name) == entry.description
        json.dumps(entry.__dict__)  # plain data, for the report
