"""q05 · backward() applies the chain rule: a leaf, a graph, its gradient, autograd in use."""
from __future__ import annotations

import torch

from calcrl_checks.checks.autograd import (check_autograd_derivative, check_grad,
    check_graph_output, check_leaf_tensor)
from calcrl_checks.crossing.functions import sin_of_square, softplus

from calcrl_checks.instructor.authoring.specs import Mistake, Part, Question, ShownTensor

X0 = 2.0
# y = x**2 at the student's own x, so a wrong x costs only its own point.
FORMULA = "x**2"
Y0, SLOPE = X0 ** 2, 2 * X0

QUESTION = Question("q05", "q05_pytorch_autograd.ipynb", (
    Part("x", 1, check_leaf_tensor, value=X0, formative=ShownTensor(X0)),
    Part("y", 1, check_graph_output, uses={"of": "x"}, value=Y0, slope=SLOPE, formula=FORMULA,
         formative=ShownTensor(X0, FORMULA),
         mistakes=[Mistake("y = torch.tensor(4.0)", "no_graph",
                           also_fails=("q05-x-grad-test",))]),
    Part("x.grad", 1, check_grad, answer="x", uses={"output": "y"}, value=SLOPE,
         formula=FORMULA, key="x.grad", cell="q05-x-grad-test",
         formative=ShownTensor(X0, FORMULA),
         mistakes=[Mistake("y.backward(retain_graph=True)\ny.backward()",
                           "grad_accumulated_twice", answer_cell="q05-backward")]),
    Part("autograd_derivative", 3, check_autograd_derivative,
         functions=[torch.sin, torch.exp, torch.tanh, sin_of_square, softplus],
         scores={"returned_tensor": 0.5},
         mistakes=[Mistake("def autograd_derivative(f, x0):\n    return 4.0", "hard_coded")]),
))
