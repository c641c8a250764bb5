"""The autograd checks (q05) name each mistake with its own code: one student answer per code
each check can give, from a right answer to every way of getting leaf tensors, graphs,
``.grad`` and a derivative function wrong."""
from __future__ import annotations

import pytest
import torch

from calcrl_checks.checks.autograd import (
    check_autograd_derivative,
    check_grad,
    check_graph_output,
    check_leaf_tensor,
)
from calcrl_checks.crossing.functions import sin_of_square

pytestmark = pytest.mark.unit


def _leaf(value: float = 2.0) -> torch.Tensor:
    return torch.tensor(value, requires_grad=True)


@pytest.mark.parametrize("code, answer", [
    ("correct", _leaf()),
    ("wrong_type", 2.0),
    ("wrong_type", torch.tensor(2)),                     # whole numbers: no gradients
    ("wrong_shape", torch.tensor([2.0], requires_grad=True)),
    ("no_graph", torch.tensor(2.0)),
    ("not_leaf", _leaf(1.0) * 2),
    ("wrong", _leaf(3.0)),
])
def test_check_leaf_tensor_returns_each_of_its_codes(code, answer):
    assert check_leaf_tensor(answer, value=2.0).code == code


#: The student's x, from which each y below is (or is not) built; no test runs backward on it.
X = _leaf()


@pytest.mark.parametrize("code, answer", [
    ("correct", X ** 2),
    ("wrong_type", 4.0),
    ("wrong_shape", torch.stack([X ** 2, X])),
    ("no_graph", torch.tensor(4.0)),                     # typed in, not computed from x
    ("not_connected", _leaf() ** 2),                     # computed from another tensor
    ("wrong", X ** 3),                                   # another value
    ("wrong", 2 * X),                                    # the same value, another slope
])
def test_check_graph_output_returns_each_of_its_codes(code, answer):
    assert check_graph_output(answer, of=X, value=4.0, slope=4.0).code == code


def _square_after(backward_passes: int, x: torch.Tensor | None = None
                  ) -> tuple[torch.Tensor, torch.Tensor]:
    """x (2.0 unless given) and y = x**2 after that many backward passes."""
    x = _leaf() if x is None else x
    y = x ** 2
    for _ in range(backward_passes):
        y.backward(retain_graph=True)
    return x, y


def _grad_set_by_hand() -> tuple[torch.Tensor, torch.Tensor]:
    x = _leaf()
    x.grad = torch.tensor(4.0)
    return x, torch.tensor(4.0)


def _another_function() -> tuple[torch.Tensor, torch.Tensor]:
    x = _leaf()
    y = x ** 2 + x
    y.backward()
    return x, y


@pytest.mark.parametrize("code, answer", [
    ("correct", _square_after(1)),
    ("wrong_type", (2.0, None)),
    ("wrong_shape", (torch.tensor([2.0], requires_grad=True), None)),
    ("no_graph", (torch.tensor(2.0), None)),             # x does not track gradients
    ("no_graph", _grad_set_by_hand()),
    ("not_leaf", _square_after(0, _leaf(1.0) * 2)),
    ("no_backward", _square_after(0)),
    ("grad_accumulated_twice", _square_after(2)),
    ("wrong", _another_function()),
])
def test_check_grad_returns_each_of_its_codes(code, answer):
    x, y = answer
    assert check_grad(x, value=4.0, output=y).code == code


def _autograd(f, x0):
    x = torch.tensor(x0, requires_grad=True)
    f(x).backward()
    return x


def central_difference(f, x0):
    h = 1e-5
    return float((f(torch.tensor(x0 + h, dtype=torch.float64))
                  - f(torch.tensor(x0 - h, dtype=torch.float64))) / (2 * h))


def at_zero_always(f, x0):
    return _autograd(f, 0.0).grad.item()


def backward_twice(f, x0):
    x = torch.tensor(x0, requires_grad=True)
    y = f(x)
    y.backward(retain_graph=True)
    y.backward()
    return x.grad.item()


@pytest.mark.parametrize("code, answer", [
    ("correct", lambda f, x0: _autograd(f, x0).grad.item()),
    ("wrong_type", 3.0),                                 # not a function
    ("wrong_type", lambda f, x0: "f'(x0)"),
    ("wrong_shape", lambda f, x0: torch.ones(2)),
    ("raised", lambda f, x0: 1 / 0),
    ("not_finite", lambda f, x0: float("nan")),
    ("no_autograd", central_difference),
    ("returned_tensor", lambda f, x0: _autograd(f, x0).grad),
    ("hard_coded", lambda f, x0: 1.0),
    ("ignores_x0", at_zero_always),
    ("returned_value", lambda f, x0: f(torch.tensor(x0)).item()),
    ("grad_accumulated_twice", backward_twice),
    ("sign_flip", lambda f, x0: -_autograd(f, x0).grad.item()),
    ("wrong", lambda f, x0: _autograd(f, x0).grad.item() + 1.0),
])
def test_check_autograd_derivative_returns_each_of_its_codes(code, answer):
    assert check_autograd_derivative(answer, [torch.sin, sin_of_square]).code == code
