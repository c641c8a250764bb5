"""What the autograd checks need to know about a tensor, as plain data.

A tensor's autograd state (is it a leaf, does it track gradients, its ``.grad``, which named
tensors its graph leads back to, leaves or not, and the slope towards each) cannot cross a
process boundary as a tensor.
:func:`describe` writes it down where the tensor lives (in the sandbox, for a student's answer);
:class:`TensorFacts` carries it to the checks, which read the same facts from a live tensor
through :func:`facts_of`. Leaves are named: a fact says "this graph reaches the tensor the
student called ``x``".

>>> import torch
>>> x = torch.tensor(2.0, requires_grad=True)
>>> facts = facts_of(x ** 2, leaves={"x": x})
>>> facts.grad_fn, facts.reaches("x"), facts.slope("x")
('PowBackward0', True, 4.0)
"""
from __future__ import annotations

import warnings

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from calcrl_checks.crossing.wire import decode_value, encode_value

#: Graph nodes visited at most when looking for leaves (a student graph is tiny).
MAX_GRAPH_NODES = 10_000
#: Named leaves considered at most when describing a tensor.
MAX_LEAVES = 64


@dataclass(frozen=True)
class TensorFacts:
    """A tensor's value and autograd state; ``leaves`` maps each named leaf its graph reaches to
    d(this)/d(leaf), or None when that slope cannot be computed (graph already freed)."""

    value: Any                     # a detached torch tensor
    requires_grad: bool
    is_leaf: bool
    grad_fn: str | None
    grad: Any | None               # a detached torch tensor, or None
    name: str | None = None
    leaves: dict[str, float | None] = field(default_factory=dict)

    def reaches(self, leaf: str) -> bool:
        return leaf in self.leaves

    def slope(self, leaf: str) -> float | None:
        return self.leaves.get(leaf)


def facts_of(tensor: Any, leaves: Mapping[str, Any] | None = None,
             name: str | None = None) -> TensorFacts:
    """The facts of a live tensor; ``leaves`` names the leaf tensors to relate it to."""
    import torch

    related: dict[str, float | None] = {}
    if tensor.grad_fn is not None:
        reachable = _reachable(tensor.grad_fn)
        for leaf_name, leaf in list((leaves or {}).items())[:MAX_LEAVES]:
            node = leaf.grad_fn if leaf.grad_fn is not None else leaf
            if id(node) in reachable:
                related[leaf_name] = _slope(torch, tensor, leaf)
    with warnings.catch_warnings():  # torch warns when .grad of a non-leaf is read
        warnings.simplefilter("ignore")
        grad = tensor.grad
    return TensorFacts(value=tensor.detach().clone(), requires_grad=bool(tensor.requires_grad),
                       is_leaf=bool(tensor.is_leaf),
                       grad_fn=None if tensor.grad_fn is None else type(tensor.grad_fn).__name__,
                       grad=None if grad is None else grad.detach().clone(), name=name,
                       leaves=related)


def describe(tensor: Any, namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Plain data for the autograd state of ``tensor``, relating it to the leaf tensors that the
    student's namespace names (where :func:`facts_from_data` rebuilds it)."""
    import torch

    named = {key: value for key, value in namespace.items()
             if type(value) in (torch.Tensor, torch.nn.Parameter) and value.requires_grad
             and value is not tensor}
    facts = facts_of(tensor, named)
    return {"requires_grad": facts.requires_grad, "is_leaf": facts.is_leaf,
            "grad_fn": facts.grad_fn,
            "grad": None if facts.grad is None else encode_value(facts.grad),
            "leaves": facts.leaves}


def facts_from_data(value: Any, data: Any, name: str) -> TensorFacts:
    """Rebuild :class:`TensorFacts` from :func:`describe` output (ValueError when malformed)."""
    import torch

    if not isinstance(data, dict):
        raise ValueError("tensor facts must be a dict")
    grad = None if data.get("grad") is None else decode_value(data["grad"])
    leaves = data.get("leaves", {})
    grad_fn = data.get("grad_fn")
    if not (isinstance(leaves, dict) and len(leaves) <= MAX_LEAVES
            and all(isinstance(k, str) and (v is None or isinstance(v, (int, float)))
                    for k, v in leaves.items())
            and (grad is None or type(grad) is torch.Tensor)
            and (grad_fn is None or isinstance(grad_fn, str))):
        raise ValueError("malformed tensor facts")
    return TensorFacts(value=value, requires_grad=data.get("requires_grad") is True,
                       is_leaf=data.get("is_leaf") is True,
                       grad_fn=None if grad_fn is None else grad_fn[:80], grad=grad, name=name,
                       leaves={k[:80]: None if v is None else float(v) for k, v in leaves.items()})


def _reachable(node: Any) -> set[int]:
    """Identities of the graph nodes below ``node`` and of the leaf tensors they accumulate
    into (so a named tensor is reached through its own ``grad_fn``, or as a leaf)."""
    found: set[int] = set()
    seen: set[int] = set()
    stack = [node]
    while stack and len(seen) < MAX_GRAPH_NODES:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        found.add(id(current))
        variable = getattr(current, "variable", None)
        if variable is not None:
            found.add(id(variable))
        stack.extend(child for child, _ in getattr(current, "next_functions", ()))
    return found


def _slope(torch: Any, output: Any, leaf: Any) -> float | None:
    """d(output)/d(leaf) without touching ``.grad``; None when it cannot be computed."""
    if output.numel() != 1 or leaf.numel() != 1:
        return None
    try:
        (local,) = torch.autograd.grad(output, leaf, retain_graph=True)
    except RuntimeError:  # the graph was freed by an earlier backward pass
        return None
    return float(local)
