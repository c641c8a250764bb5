"""Parts graded on their own where they can be, values defined from another answer checked
against it, and messages that claim only what happened (run through the notebooks' own hidden
tests, tensors crossing as the grading engine sends them)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import notebooks
from calcrl_checks.crossing.tensor_facts import describe, facts_from_data

pytestmark = pytest.mark.unit


def _cell(grade_id: str) -> notebooks.TestCell:
    return next(c for c in notebooks.test_cells() if c.grade_id == grade_id)


def _q05(source: str) -> dict[str, object]:
    """Run a student's q05 cells; tensors leave as the sandbox describes them."""
    namespace: dict[str, object] = {"torch": torch}
    exec(source, namespace)  # a student's answer written in this test file
    return {name: facts_from_data(value.detach().clone(), describe(value, namespace), name)
            for name, value in namespace.items() if isinstance(value, torch.Tensor)}


def _codes(grade_id: str, **answers) -> list[str]:
    result = notebooks.run(_cell(grade_id), **answers)
    assert result.error is None or result.error[0] == "CheckFailed", result.error
    return [g.verdict.code for g in result.graded]


def _message(grade_id: str, **answers) -> str:
    return notebooks.run(_cell(grade_id), **answers).graded[0].verdict.message


# q05: each of x, y and x.grad has its own point.
@pytest.mark.parametrize("source, codes", [
    ("x = torch.tensor(2.0, requires_grad=True)\ny = x ** 2\ny.backward()",
     ["correct", "correct", "correct"]),
    ("x = torch.tensor(3.0, requires_grad=True)\ny = x ** 2\ny.backward()",
     ["wrong", "correct", "correct"]),
    ("x = torch.tensor(2.0, requires_grad=True) * 1\ny = x ** 2\ny.backward()",
     ["not_leaf", "correct", "not_leaf"]),
    ("x = torch.tensor(2.0, requires_grad=True)\ny = x ** 3\ny.backward()",
     ["correct", "wrong", "wrong"]),
    ("x = torch.tensor(2.0, requires_grad=True)\ny = torch.tensor(4.0)",
     ["correct", "no_graph", "no_backward"]),
])
def test_q05_parts_are_graded_on_their_own(source, codes):
    answers = _q05(source)
    got = [_codes("q05-x-test", **answers)[0], _codes("q05-y-test", **answers)[0],
           _codes("q05-x-grad-test", **answers)[0]]
    assert got == codes


def test_q05_y_from_a_non_leaf_x_is_not_said_to_come_from_another_tensor():
    answers = _q05("x = torch.tensor(2.0, requires_grad=True) * 1\ny = x ** 2")
    assert "another tensor" not in _message("q05-y-test", **answers)
    other = _q05("x = torch.tensor(2.0, requires_grad=True)\n"
                 "y = torch.tensor(2.0, requires_grad=True) ** 2")
    assert "computed from another tensor" in _message("q05-y-test", **other)


def test_q05_a_doubled_gradient_names_both_ways_it_happens():
    for source in ("x = torch.tensor(2.0, requires_grad=True)\ny = x ** 2\n"
                   "y.backward(torch.tensor(2.0))",
                   "x = torch.tensor(2.0, requires_grad=True)\ny = x ** 2\n"
                   "y.backward(retain_graph=True)\ny.backward()"):
        answers = _q05(source)
        message = _message("q05-x-grad-test", **answers)
        assert _codes("q05-x-grad-test", **answers) == ["grad_accumulated_twice"]
        assert "two backward passes" in message and "gradient argument of 2" in message


# q07: identity_gap is the gap computed with the student's own grad_log_softmax.
def _wrong_grad_log_softmax(theta, a):
    z = np.exp(theta - np.max(theta))
    grad = z / z.sum()
    grad[a] += 1.0
    return grad


def test_a_typed_zero_next_to_a_wrong_function_is_inconsistent():
    codes = _codes("q07-identity-gap-test", identity_gap=0.0,
                   grad_log_softmax=_wrong_grad_log_softmax)
    assert codes == ["inconsistent"]
    message = _message("q07-identity-gap-test", identity_gap=0.0,
                       grad_log_softmax=_wrong_grad_log_softmax)
    assert "does not agree with your grad_log_softmax" in message


def test_the_gap_a_right_function_gives_is_accepted_whatever_theta_was_used():
    assert _codes("q07-identity-gap-test", identity_gap=3.2e-11) == ["correct"]
    assert _codes("q07-identity-gap-test", identity_gap=0.0) == ["correct"]


def test_an_honest_large_gap_from_a_wrong_function_still_fails():
    assert _codes("q07-identity-gap-test", identity_gap=0.61,
                  grad_log_softmax=_wrong_grad_log_softmax) == ["wrong"]


def test_a_gap_next_to_an_unanswered_function_says_it_could_not_be_checked():
    def stub(theta, a):
        raise NotImplementedError()

    codes = _codes("q07-identity-gap-test", identity_gap=0.0, grad_log_softmax=stub)
    assert codes == ["raised"]


# Estimates where the notebooks accept them; a rounded known mistake keeps its hint.
@pytest.mark.parametrize("grade_id, name, value", [
    ("q06-df-at-0-test", "df_at_0", 1.0000000000287557e-10),
    ("q10-df-at-0-test", "df_at_0", 6.000000000039306),
    ("q08-df-at-2-test", "df_at_2", 14.00000000131),
    ("q02-slope-at-half-test", "slope_at_half", 0.44721359558),
])
def test_a_numerical_estimate_of_a_slope_passes(grade_id, name, value):
    assert _codes(grade_id, **{name: value}) == ["correct"]


def test_a_rounded_known_mistake_keeps_its_hint():
    assert _codes("q15-value-at-0-2-test", value_at_0_2=1.609) == ["missing_plus_one"]


# q04: a numpy array handed back for torch input is named as such.
def test_a_numpy_result_for_torch_input_is_named():
    def descent_step(theta, grad_L, alpha):
        return np.asarray(theta) - alpha * np.asarray(grad_L)

    message = _message("q04-descent-test", descent_step=descent_step)
    assert "given torch tensors, your function returned a numpy array" in message
