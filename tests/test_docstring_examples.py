"""The examples in the public API's docstrings run and show what they claim."""
from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["calcrl_checks", "calcrl_checks.api", "calcrl_checks.outcome.verdict",
           "calcrl_checks.expressions.parsing", "calcrl_checks.expressions.parsing.normalize",
           "calcrl_checks.expressions.parsing.latex", "calcrl_checks.crossing.wire",
           "calcrl_checks.pipeline.stage3_sample", "calcrl_checks.pipeline.stage0_domains",
           "calcrl_checks.pipeline.stage0_hints", "calcrl_checks.checks.calculus",
           "calcrl_checks.checks.rl", "calcrl_checks.cells.form", "calcrl_checks.cells.notebook",
           "calcrl_checks.checks.scenarios", "calcrl_checks.checks.autograd",
           "calcrl_checks.expressions.functions", "calcrl_checks.pipeline.stage5_compare",
           "calcrl_checks.outcome.guard", "calcrl_checks.checks.consistency",
           "calcrl_checks.pipeline.stage1_adapt", "calcrl_checks.outcome.messages",
           "calcrl_checks.crossing.tensor_facts", "calcrl_checks.crossing.functions",
           "calcrl_checks.display.mathtext", "calcrl_checks.instructor.results.standing",
           "calcrl_checks.cells.formative", "calcrl_checks.instructor.results.descriptions",
           "calcrl_checks.outcome.codes", "calcrl_checks.instructor.authoring.specs",
           "calcrl_checks.instructor.authoring.generate",
           "calcrl_checks.instructor.authoring.mistakes",
           "calcrl_checks.instructor.grading.preflight",
           "calcrl_checks.instructor.grading.accounts", "calcrl_checks.instructor.grading.lock",
           "calcrl_checks.instructor.grading.submissions",
           "calcrl_checks.instructor.grading.manual_grades",
           "calcrl_checks.instructor.grading.backups", "calcrl_checks.pipeline.stage0_options",
           "calcrl_checks.pipeline.stage2_read", "calcrl_checks.pipeline.stage4_evaluate"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
