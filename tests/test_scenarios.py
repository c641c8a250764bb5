"""The learning scenarios end in a verdict for every kind of update, never in a crash."""
from __future__ import annotations

import pytest

from calcrl_checks import CheckFailed
from calcrl_checks.scenarios import check_bandit_learns, check_td_learns

pytestmark = pytest.mark.unit


def _code(check, function) -> str:
    try:
        return check(function).code
    except CheckFailed as failure:
        return failure.verdict.code


def semi_gradient_td(w, phi_s, r, phi_next, gamma, alpha):
    return w + alpha * (r + gamma * w @ phi_next - w @ phi_s) * phi_s


def residual_gradient_td(w, phi_s, r, phi_next, gamma, alpha):
    """q09's catalogued mistake: the target differentiated too (it once crashed the check)."""
    delta = r + gamma * w @ phi_next - w @ phi_s
    return w + alpha * delta * (phi_s - gamma * phi_next)


def against_the_gradient_td(w, phi_s, r, phi_next, gamma, alpha):
    return w - alpha * (r + gamma * w @ phi_next - w @ phi_s) * phi_s


@pytest.mark.parametrize("function, code", [
    (semi_gradient_td, "correct"),
    (residual_gradient_td, "wrong_fixed_point"),
    (against_the_gradient_td, "moved_away"),
])
def test_td_learning_names_what_happened(function, code):
    assert _code(check_td_learns, function) == code


@pytest.mark.parametrize("function, code", [
    (lambda theta, g, alpha: theta + alpha * g, "correct"),
    (lambda theta, g, alpha: theta - alpha * g, "return_decreased"),
    (lambda theta, g, alpha: theta, "return_unchanged"),
])
def test_bandit_learning_names_what_happened(function, code):
    assert _code(check_bandit_learns, function) == code
