"""Evaluate a sympy expression with torch (float64), so autograd can differentiate it.

Reference gradients for function answers come from here: the question's objective, written as
an expression in the hidden test, is run through torch and ``backward()``. Torch is imported
only when this module is used.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

from calcrl_checks.expressions.functions import torch_unary

if TYPE_CHECKING:  # annotations only: torch is imported when this module is used
    import torch


def to_torch(expr: sp.Basic, values: Mapping[str, Any]) -> torch.Tensor:
    """The value of ``expr`` as a torch tensor, with symbols (by name) bound to ``values``."""
    import torch

    def number(value: float) -> torch.Tensor:
        return torch.tensor(value, dtype=torch.float64)

    unary = torch_unary()

    def walk(node: sp.Basic) -> torch.Tensor:
        if node.is_Symbol:
            value = values[node.name]
            return value if isinstance(value, torch.Tensor) else number(float(value))
        if node.is_Number or node in (sp.E, sp.pi):
            return number(float(node))
        if node.is_Add:
            total = walk(node.args[0])
            for term in node.args[1:]:
                total = total + walk(term)
            return total
        if node.is_Mul:
            product = walk(node.args[0])
            for factor in node.args[1:]:
                product = product * walk(factor)
            return product
        if node.is_Pow:
            return torch.pow(walk(node.base), walk(node.exp))
        if node.func in unary:
            computed: torch.Tensor = unary[node.func](torch, walk(node.args[0]))
            return computed
        if node.func in (sp.Min, sp.Max):
            pick = torch.minimum if node.func is sp.Min else torch.maximum
            result = walk(node.args[0])
            for argument in node.args[1:]:
                result = pick(result, walk(argument))
            return result
        if node.func is sp.Piecewise:
            # sympy builds no empty Piecewise; the last piece is what no earlier condition takes.
            *earlier, (otherwise, _) = node.args
            chosen = walk(otherwise)
            for piece, condition in reversed(earlier):
                value = walk(piece)
                chosen = torch.where(truth(condition), value, chosen)
            return chosen
        raise ValueError(f"cannot run {node.func} in torch")

    def truth(condition: sp.Basic) -> torch.Tensor:
        if condition is sp.true:
            return torch.tensor(True)
        if isinstance(condition, sp.core.relational.Relational):
            left, right = walk(condition.lhs), walk(condition.rhs)
            return {"<": left < right, "<=": left <= right, ">": left > right,
                    ">=": left >= right}[condition.rel_op]
        if isinstance(condition, sp.And):
            result = truth(condition.args[0])
            for part in condition.args[1:]:
                result = result & truth(part)
            return result
        raise ValueError(f"cannot decide {condition} in torch")

    return walk(expr)


def autograd_reference(objective: sp.Expr, arguments: list[str], wrt: str,
                       entries: Mapping[str, tuple[str, ...]]
                       ) -> Callable[..., np.ndarray]:
    """A reference function ``f(*arguments) -> d objective / d wrt`` computed by torch autograd.

    ``entries`` names the components of vector arguments (``theta -> (theta0, theta1)``).
    """
    def reference(*given: Any) -> np.ndarray:
        import torch

        bound: dict[str, Any] = {}
        for name, value in zip(arguments, given):
            tensor = torch.tensor(np.asarray(value, dtype=float), dtype=torch.float64,
                                  requires_grad=(name == wrt))
            bound[name] = tensor
            flat = tensor.reshape(-1)  # matrix entries are named in row-major order
            for index, entry in enumerate(entries.get(name, ())):
                bound[entry] = flat[index]
        target = bound[wrt]
        result = to_torch(objective, bound)
        (gradient,) = torch.autograd.grad(result.sum(), target, allow_unused=True)
        if gradient is None:
            gradient = torch.zeros_like(target)
        array: np.ndarray = gradient.detach().numpy()  # torch types numpy() as Any
        return array

    return reference
