"""The examples in the public API's docstrings run and show what they claim."""
from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["calcrl_checks", "calcrl_checks.api", "calcrl_checks.verdict", "calcrl_checks.parsing",
           "calcrl_checks.parsing.normalize", "calcrl_checks.parsing.latex", "calcrl_checks.wire",
           "calcrl_checks.sampling", "calcrl_checks.domains", "calcrl_checks.hints",
           "calcrl_checks.calculus",
           "calcrl_checks.rl", "calcrl_checks.form", "calcrl_checks.notebook",
           "calcrl_checks.scenarios", "calcrl_checks.autograd_checks", "calcrl_checks.functions",
           "calcrl_checks.tolerance", "calcrl_checks.guard", "calcrl_checks.consistency",
           "calcrl_checks.adapt", "calcrl_checks.messages",
           "calcrl_checks.crossing.tensor_facts", "calcrl_checks.crossing.functions",
           "calcrl_checks.mathtext", "calcrl_checks.instructor.standing",
           "calcrl_checks.formative", "calcrl_checks.instructor.descriptions",
           "calcrl_checks.codes", "calcrl_checks.instructor.specs",
           "calcrl_checks.instructor.generate", "calcrl_checks.instructor.mistakes",
           "calcrl_checks.instructor.preflight", "calcrl_checks.instructor.accounts",
           "calcrl_checks.instructor.lock", "calcrl_checks.instructor.submissions",
           "calcrl_checks.instructor.manual_grades", "calcrl_checks.instructor.backups",
           "calcrl_checks.options", "calcrl_checks.reading"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
