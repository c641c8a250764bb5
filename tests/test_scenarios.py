"""The learning scenarios end in a verdict for every kind of update, never in a crash: one
update per code each scenario check can give."""
from __future__ import annotations

import numpy as np
import pytest

from calcrl_checks.checks.scenarios import check_bandit_learns, check_td_learns

pytestmark = pytest.mark.unit


def _code(check, function) -> str:
    return check(function).code


def semi_gradient_td(w, phi_s, r, phi_next, gamma, alpha):
    return w + alpha * (r + gamma * w @ phi_next - w @ phi_s) * phi_s


def residual_gradient_td(w, phi_s, r, phi_next, gamma, alpha):
    """q09's catalogued mistake: the target differentiated too (it once crashed the check)."""
    delta = r + gamma * w @ phi_next - w @ phi_s
    return w + alpha * delta * (phi_s - gamma * phi_next)


def against_the_gradient_td(w, phi_s, r, phi_next, gamma, alpha):
    return w - alpha * (r + gamma * w @ phi_next - w @ phi_s) * phi_s


def ignores_the_step_size_td(w, phi_s, r, phi_next, gamma, alpha):
    """A small constant step instead of the step size it is given: right, but far too slow."""
    return w + 0.01 * (r + gamma * w @ phi_next - w @ phi_s) * phi_s


def _raises(*arguments):
    return 1 / 0


@pytest.mark.parametrize("code, answer", [
    ("correct", semi_gradient_td),
    ("wrong_fixed_point", residual_gradient_td),
    ("moved_away", against_the_gradient_td),
    ("wrong", ignores_the_step_size_td),
    ("not_finite", lambda w, phi_s, r, phi_next, gamma, alpha: 2 * w + phi_s),
    ("wrong_type", "w + alpha * delta * phi_s"),
    ("wrong_type", lambda w, phi_s, r, phi_next, gamma, alpha: None),
    ("wrong_shape", lambda w, phi_s, r, phi_next, gamma, alpha: w[:2]),
    ("raised", _raises),
])
def test_check_td_learns_returns_each_of_its_codes(code, answer):
    assert _code(check_td_learns, answer) == code


@pytest.mark.parametrize("code, answer", [
    ("correct", lambda theta, g, alpha: theta + alpha * g),
    ("return_decreased", lambda theta, g, alpha: theta - alpha * g),
    ("return_unchanged", lambda theta, g, alpha: theta),
    ("too_little_gain", lambda theta, g, alpha: theta + 0.01 * alpha * g),
    ("not_finite", lambda theta, g, alpha: theta + np.inf),
    ("wrong_type", 3),
    ("wrong_type", lambda theta, g, alpha: None),
    ("wrong_shape", lambda theta, g, alpha: np.zeros(3)),
    ("raised", _raises),
])
def test_check_bandit_learns_returns_each_of_its_codes(code, answer):
    assert _code(check_bandit_learns, answer) == code
