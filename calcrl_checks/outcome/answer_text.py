"""An answer as the checker graded it, written as one line of plain text for the instructor
(``answers.csv``, the class report's reteach examples).

The text is what the trusted side received, never re-read from the student's notebook: a typed
answer as typed, an expression as sympy writes it, numbers, arrays and tensors by their values,
a function by its name. It is bounded (:data:`LONGEST`) so one huge answer cannot swell a
notebook's verdict records or a report; whoever shows it escapes it for their medium.
"""
from __future__ import annotations

from typing import Any

import numpy as np

#: Characters of an answer's text kept; a longer text ends with how long it was.
LONGEST = 400
#: Entries of an array written out; a larger array is written by its shape and first entries.
ENTRIES = 12
#: How the text of an answer that is no formula begins (a function, a tensor, a large array,
#: an object of another kind): shown as text, never typeset.
NOT_A_FORMULA = ("function ", "tensor ", "shape ", "(a ")


def answer_text(answer: Any) -> str:
    """``answer`` as one line of plain text, at most about :data:`LONGEST` characters.

    >>> import sympy as sp
    >>> answer_text("2x e^x"), answer_text(2 * sp.Symbol("x")), answer_text(0.25)
    ('2x e^x', '2*x', '0.25')
    >>> answer_text(np.array([1.0, 2.5]))
    '[1.0, 2.5]'
    >>> answer_text(lambda w: w)
    'function <lambda>'
    >>> len(answer_text("x" * 5000)) < 450
    True
    """
    return _bounded(" ".join(_text(answer).split()))


def _text(answer: Any) -> str:
    if isinstance(answer, str):
        return answer
    if isinstance(answer, (bool, int, float, complex, np.number, np.bool_)):
        return repr(answer.item() if isinstance(answer, (np.number, np.bool_)) else answer)
    if isinstance(answer, np.ndarray):
        return _array(answer)
    if _is_tensor(answer):
        grad = ", requires_grad" if answer.requires_grad else ""
        return f"tensor {_array(answer.detach().cpu().numpy())}{grad}"
    if type(answer).__name__ == "TensorFacts":   # a tensor as the sandbox described it
        facts = [f"grad_fn {answer.grad_fn}" if answer.grad_fn else "",
                 "requires_grad" if answer.requires_grad else "",
                 "" if answer.grad is None else f"grad {_text(answer.grad)}"]
        return ", ".join([_text(answer.value), *filter(None, facts)])
    if callable(answer):
        return f"function {getattr(answer, '__qualname__', None) or type(answer).__name__}"
    if isinstance(answer, (list, tuple)):
        inner = ", ".join(_text(item) for item in answer[:ENTRIES])
        more = ", ..." if len(answer) > ENTRIES else ""
        return f"[{inner}{more}]"
    import sympy as sp

    if isinstance(answer, sp.Basic):
        return str(sp.sstr(answer))
    return f"(a {type(answer).__name__})"


def _array(values: np.ndarray) -> str:
    flat = values.reshape(-1)
    shown = ", ".join(repr(v.item()) for v in flat[:ENTRIES])
    if flat.size <= ENTRIES and values.ndim == 1:
        return f"[{shown}]"
    more = ", ..." if flat.size > ENTRIES else ""
    return f"shape {values.shape}: [{shown}{more}]"


def _is_tensor(answer: Any) -> bool:
    kind = type(answer)
    return kind.__module__.startswith("torch") and kind.__name__ == "Tensor"


def _bounded(text: str) -> str:
    if len(text) <= LONGEST:
        return text
    return f"{text[:LONGEST]}... ({len(text)} characters)"
