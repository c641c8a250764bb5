"""Every function answer is called on copies, and changing an input in place costs the part its
points with ``inputs_mutated`` naming the argument: in every function question of every
notebook, run through its own hidden tests."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import notebooks
from calcrl_checks.pipeline.stage1_adapt import is_function

pytestmark = pytest.mark.unit

#: Hidden tests that call a student's function only to see it learn, or to recompute a value
#: defined from it (each function is graded on its own, mutation included, in its own cell).
SCENARIOS = {"q04-bandit-test", "q09-learns-test", "q07-identity-gap-test",
             "q01-max-gradient-gap-test"}


def _function_parts():
    """(test cell, answer name, argument index, argument name) for every function answer."""
    found = []
    for cell in notebooks.test_cells():
        if cell.grade_id in SCENARIOS:
            continue
        solved = notebooks.solutions(cell.notebook)
        for name in cell.names:
            if name in solved and is_function(solved[name]):
                parameters = list(inspect.signature(solved[name]).parameters)
                found += [(cell, name, i, p) for i, p in enumerate(parameters)]
    return found


PARTS = _function_parts()


def changes_in_place(function, index, changed):
    """The instructor's solution, which then scales argument ``index`` in place (if it can)."""
    def wrapper(*arguments):
        result = function(*arguments)
        result = result.copy() if hasattr(result, "copy") else result
        target = arguments[index]
        if isinstance(target, np.ndarray) and target.size and target.flags.writeable:
            target *= 1.5
            changed.append(True)
        elif type(target).__name__ == "Tensor":
            import torch

            with torch.no_grad():
                target.mul_(1.5)
            changed.append(True)
        return result

    wrapper.__name__ = function.__name__
    return wrapper


def test_every_function_question_is_covered():
    functions = {(cell.notebook, name) for cell, name, _, _ in PARTS}
    assert len(functions) == 17, sorted(functions)     # as listed in QUESTIONS.md


@pytest.mark.parametrize("cell, name, index, argument", PARTS,
                         ids=[f"{c.grade_id}:{n}({a})" for c, n, _, a in PARTS])
def test_changing_an_input_in_place_is_named_and_costs_the_points(cell, name, index, argument):
    solution = notebooks.solutions(cell.notebook)[name]
    changed: list[bool] = []
    result = notebooks.run(cell, **{name: changes_in_place(solution, index, changed)})
    assert result.error is None, result.error
    verdicts = [g.verdict for g in result.graded]
    if not changed:     # a number or a function argument: nothing to change in place
        assert all(v.passed for v in verdicts), [v.message for v in verdicts]
        return
    assert [v.code for v in verdicts] == ["inputs_mutated"], [v.message for v in verdicts]
    assert f"changed its input {argument} in place" in verdicts[0].message
    assert verdicts[0].score == 0


# The mutations students were seen to write, as whole answers.
SEEN = {
    "q00-grad-quadratic-test": ("grad_quadratic", "def grad_quadratic(A, w):\n"
                                "    w *= 2\n    return A @ w", "w"),
    "q07-grad-2-actions-test": ("grad_log_softmax", "def grad_log_softmax(theta, a):\n"
                                "    theta -= theta.max()\n    z = np.exp(theta)\n"
                                "    grad = -z / z.sum()\n    grad[a] += 1.0\n    return grad",
                                "theta"),
    "q11-grad-log-pi-test": ("grad_log_pi", "def grad_log_pi(theta, a):\n"
                             "    theta -= theta.max()\n    pi = np.exp(theta)\n"
                             "    pi /= pi.sum()\n    grad = -pi\n    grad[a] += 1.0\n"
                             "    return grad", "theta"),
    "q15-dh-dpi-test": ("dH_dpi", "def dH_dpi(pi):\n    pi[:] = np.log(pi)\n"
                        "    return -(pi + 1.0)", "pi"),
    "q03-grad-f-test": ("grad_f", "def grad_f(w):\n    w[0], w[1] = 2 * w[0] + w[1], "
                        "w[0] + 2 * w[1]\n    return w.copy()", "w"),
    "q09-semi-gradient-test": ("semi_gradient", "def semi_gradient(w, phi_s, r, phi_next, "
                               "gamma):\n    phi_s *= -td_error(w, phi_s, r, phi_next, gamma)\n"
                               "    return phi_s.copy()", "phi_s"),
    "q09-td-update-test": ("td_update", "def td_update(w, phi_s, r, phi_next, gamma, alpha):\n"
                           "    w += alpha * td_error(w, phi_s, r, phi_next, gamma) * phi_s\n"
                           "    return w", "w"),
}


@pytest.mark.parametrize("grade_id", sorted(SEEN))
def test_the_mutations_students_wrote_are_named(grade_id):
    cell = next(c for c in notebooks.test_cells() if c.grade_id == grade_id)
    name, source, argument = SEEN[grade_id]
    namespace = notebooks.solutions(cell.notebook)
    exec(source, namespace)  # a student's answer from this test file, not from a submission
    result = notebooks.run(cell, **{name: namespace[name]})
    verdict = result.graded[0].verdict
    assert verdict.code == "inputs_mutated", verdict.message
    assert f"input {argument} in place" in verdict.message
