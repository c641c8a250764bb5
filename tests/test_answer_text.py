"""An answer as one line of text for the instructor: every kind the grader receives, bounded,
and never an error that could cost a grade."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
import torch

from calcrl_checks.cells.notebook import _answer_text
from calcrl_checks.crossing.tensor_facts import facts_of
from calcrl_checks.outcome.answer_text import ENTRIES, LONGEST, answer_text

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("answer, text", [
    ("2x e^x", "2x e^x"), ("  a\n\tb ", "a b"), (sp.Symbol("x") ** 2 / 2, "x**2/2"),
    (3, "3"), (0.1 + 0.2, "0.30000000000000004"), (True, "True"), (np.float32(0.5), "0.5"),
    (np.array([1.0, -2.0]), "[1.0, -2.0]"), ([1, "x"], "[1, x]"), ((0.5, 2), "[0.5, 2]"),
    (np.arange(4.0).reshape(2, 2), "shape (2, 2): [0.0, 1.0, 2.0, 3.0]"),
])
def test_each_kind_of_answer_reads_as_its_value(answer, text):
    assert answer_text(answer) == text


def test_a_large_array_keeps_its_shape_and_first_entries():
    text = answer_text(np.arange(100.0))
    assert text.startswith("shape (100,): [0.0, 1.0") and text.endswith(", ...]")
    assert text.split(": ", 1)[1].count(",") == ENTRIES


def test_tensors_keep_the_facts_a_check_reads():
    x = torch.tensor([2.0], requires_grad=True)
    assert answer_text(x) == "tensor [2.0], requires_grad"
    assert answer_text(facts_of(x * x)) == "tensor [4.0], grad_fn MulBackward0, requires_grad"
    (x * x).sum().backward()
    assert answer_text(facts_of(x)) == "tensor [2.0], requires_grad, grad tensor [4.0]"


def test_a_function_reads_as_its_name_whatever_the_name_holds():
    def step(theta):
        return theta

    step.__qualname__ = '<img src=x onerror="alert(1)">\x1b[2J'
    assert answer_text(step) == 'function <img src=x onerror="alert(1)">\x1b[2J'


def test_a_long_text_is_cut_and_says_how_long_it_was():
    text = answer_text("x+" * 1000 + "x")
    assert len(text) < LONGEST + 30 and text.endswith("... (2001 characters)")


def test_an_object_whose_text_raises_costs_nothing():
    class Hostile:
        def __call__(self):
            return 0

        def __getattribute__(self, name):
            raise RuntimeError(name)

    assert answer_text(object()) == "(a object)"
    assert _answer_text(()) is None
    assert _answer_text((Hostile(),)) is None
