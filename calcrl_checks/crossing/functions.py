"""The functions that cross the sandbox boundary, as both sides name them.

A student's function stays in the sandbox; the grader holds a :class:`StudentFunction` that
calls it there. What a check hands to such a function crosses by name: a named test function
(looked up in :func:`test_functions` on each side), watched by a :class:`Spy`; a learning run's
step arguments are cut from their columns the same way on both sides (:func:`step_arguments`).

>>> step_arguments([np.array([1.0, 2.0]), np.array([[0.5, 0.5], [1.0, 0.0]])], 1)
[2.0, array([1., 0.])]
>>> isinstance(len, FUNCTION_TYPES), isinstance(object(), FUNCTION_TYPES)
(True, False)

Torch is imported inside the functions that use it: importing this module, as the grader and
every notebook do, must not load torch.
"""
from __future__ import annotations

import functools
import types
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # annotations only: importing this module must not load torch
    import torch


class StudentFunction:
    """Base of callables that stand for a student's function living in another process (the
    grading engine's sandbox); they are function answers like a plain ``def``."""


#: The types a function answer may have; anything else callable is refused unread.
FUNCTION_TYPES = (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                  functools.partial, np.ufunc, np.vectorize, StudentFunction)
#: Inside the sandbox the student's own functions are plain ones (no stand-ins live there).
SANDBOX_FUNCTION_TYPES = tuple(t for t in FUNCTION_TYPES if t is not StudentFunction)


def step_arguments(columns: Sequence[np.ndarray], t: int) -> list[Any]:
    """Step ``t``'s arguments after ``w`` (here and in the sandbox's ``iterate``): a float from
    each column of one dimension, else an array."""
    return [column[t].item() if column.ndim == 1 else column[t].copy() for column in columns]


# -- named test functions (compositions a hidden test cell cannot define itself) ---------------
def sin_of_square(t: torch.Tensor) -> torch.Tensor:
    """sin(t^2): the chain-rule example of the lesson.

    >>> import torch
    >>> float(sin_of_square(torch.tensor(0.0)))
    0.0
    """
    import torch

    return torch.sin(t * t)


def softplus(t: torch.Tensor) -> torch.Tensor:
    """ln(1 + e^t), whose derivative is the sigmoid."""
    import torch

    return torch.log1p(torch.exp(t))


def square_times_exp(t: torch.Tensor) -> torch.Tensor:
    """t^2 e^t: the product-rule example of the lesson."""
    import torch

    return t * t * torch.exp(t)


def test_functions() -> dict[str, Callable[[Any], Any]]:
    """The functions a check may hand to a student's function, by the name that crosses the
    sandbox boundary in their place (the sandbox looks the same name up on its side)."""
    import torch

    return {"torch.sin": torch.sin, "torch.cos": torch.cos, "torch.exp": torch.exp,
            "torch.tanh": torch.tanh, "torch.sigmoid": torch.sigmoid,
            "sin_of_square": sin_of_square, "softplus": softplus,
            "square_times_exp": square_times_exp}


class Spy:
    """A test function that notes whether it was ever called on a gradient-tracking tensor.

    When the student's function runs in the sandbox, the spy crosses by name and the sandbox
    reports back whether its own copy was called that way (``tracked``).
    """

    def __init__(self, function: Callable[[Any], Any]):
        self.function = function
        self.tracked = False
        self.__name__ = getattr(function, "__name__", type(function).__name__)

    def __call__(self, t: Any) -> Any:
        result = self.function(t)
        if getattr(result, "requires_grad", False) is True:
            self.tracked = True
        return result
