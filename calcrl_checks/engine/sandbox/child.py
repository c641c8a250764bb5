"""The notebook's process, inside the sandbox: runs cells and answers the grader's questions.

It serves one connection from the trusted grader, one request at a time:

- ``files``: write the student's submission into the work folder;
- ``run``: run a cell (or the visible part of a test cell) and return its outputs;
- ``fetch``: return an answer by name, as plain data (:func:`describe`);
- ``call``: call a function answer with arguments the grader chose, return what it gave back;
- ``iterate``: feed a function answer its own results, step after step, and return them all
  (a learning run in one round trip instead of thousands; the grader re-checks steps of it
  with ``call``, see :meth:`~calcrl_checks.engine.remote.RemoteFunction.iterate`).

Nothing here is trusted by the grader: a student's code runs in this process and may change
any of it. The grader only ever reads plain data from it, and checks it as such.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

import numpy as np

from calcrl_checks.outcome.budget import call_limited, quiet
from calcrl_checks.crossing.functions import (SANDBOX_FUNCTION_TYPES, Spy, step_arguments,
    test_functions)
from calcrl_checks.crossing.tensor_facts import describe as tensor_facts
from calcrl_checks.outcome.errors import BudgetExceeded
from calcrl_checks.crossing.wire import decode_value, encode_value
from calcrl_checks.crossing.channel import Channel, ChannelError
from calcrl_checks.engine.sandbox.kernel import Kernel

#: Most files, and bytes in all, of one submission.
MAX_FILES = 2000
MAX_FILE_BYTES = 200 * 1024 * 1024


class Handles:
    """Function answers handed out by number; the grader calls them back by that number."""

    def __init__(self) -> None:
        self.functions: dict[int, Callable[..., Any]] = {}

    def encode(self, item: Any) -> dict[str, Any] | None:
        if isinstance(item, type):
            return {"kind": "refused", "code": "wrong_type", "type": "type",
                    "message": f"your answer is the class {item.__name__[:60]}, not a value"}
        if isinstance(item, SANDBOX_FUNCTION_TYPES) and callable(item):
            handle = len(self.functions) + 1
            self.functions[handle] = item
            name = getattr(item, "__qualname__", None) or type(item).__name__
            return {"kind": "function", "handle": handle,
                    "name": name[:80] if isinstance(name, str) else "function"}
        return None

    def function(self, request: dict[str, Any]) -> Callable[..., Any] | None:
        """The function a request names by its handle, if it names one handed out."""
        handle = request.get("handle")
        return self.functions.get(handle) if isinstance(handle, int) else None


def describe(value: Any, namespace: dict[str, Any], handles: Handles) -> dict[str, Any]:
    """Plain data for one answer; a tensor also carries its autograd facts."""
    data = encode_value(value, extra=handles.encode)
    if data.get("kind") == "tensor":
        try:
            data["facts"] = tensor_facts(value, namespace)
        except Exception:  # a broken tensor still crosses as its values
            pass
    return data


def _decode_argument(item: dict[str, Any], spies: list[Any]) -> Any:
    """Arguments only the grader can send: named test functions, watched as they are used."""
    if item.get("kind") == "test_function":
        function = test_functions().get(str(item.get("name")))
        if function is None:
            raise ValueError(f"unknown test function {item.get('name')!r}")
        spy = Spy(function)
        spies.append(spy)
        return spy
    raise ValueError(f"unknown argument kind {item.get('kind')!r}")


class NotebookProcess:
    """The request loop of one notebook."""

    def __init__(self, channel: Channel, kernel: Kernel, work: str):
        self.channel = channel
        self.kernel = kernel
        self.work = work
        self.handles = Handles()

    def serve(self) -> None:
        while True:
            try:
                request = self.channel.receive(deadline=None)
            except ChannelError:
                return
            op = request.get("op")
            if op == "bye":
                return
            handlers: dict[Any, Callable[[dict[str, Any]], dict[str, Any]]] = {
                "files": self._files, "run": self._run, "fetch": self._fetch,
                "call": self._call, "iterate": self._iterate, "ping": lambda r: {}}
            handler = handlers.get(op)
            reply: dict[str, Any] = ({"error": f"unknown request {op!r}"} if handler is None
                                     else handler(request))
            reply["id"] = request.get("id")
            try:
                self.channel.send(reply)
            except ChannelError:
                return

    def _files(self, request: dict[str, Any]) -> dict[str, Any]:
        total, written = 0, 0
        for entry in request.get("files", [])[:MAX_FILES]:
            relative = PurePosixPath(str(entry.get("path", "")))
            data = entry.get("data", b"")
            total += len(data)
            if relative.is_absolute() or ".." in relative.parts or not relative.parts \
                    or total > MAX_FILE_BYTES:
                continue
            target = os.path.join(self.work, *relative.parts)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as handle:
                handle.write(data)
            written += 1
        os.chdir(self.work)
        return {"written": written}

    def _run(self, request: dict[str, Any]) -> dict[str, Any]:
        outputs = self.kernel.run(str(request.get("source", "")),
                                  output_bytes=request.get("output_bytes"))
        return {"outputs": outputs, "count": self.kernel.shell.execution_count - 1}

    def _fetch(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request.get("name")
        namespace = self.kernel.namespace
        if not isinstance(name, str) or name not in namespace:
            return {"missing": True}
        with quiet():
            return {"value": describe(namespace[name], namespace, self.handles)}

    def _call(self, request: dict[str, Any]) -> dict[str, Any]:
        function = self.handles.function(request)
        if function is None:
            return {"error": "unknown function handle"}
        spies: list[Any] = []
        try:
            arguments = [decode_value(a, extra=lambda item: _decode_argument(item, spies))
                         for a in request.get("args", [])]
        except ValueError as error:
            return {"error": f"arguments could not be read: {error}"}
        seconds = float(request.get("seconds") or 2.0)
        before = [_snapshot(a) for a in arguments]
        reply: dict[str, Any] = {}
        with quiet():
            try:
                result = call_limited(function, *arguments, seconds=seconds)
                reply["value"] = encode_value(result, extra=self.handles.encode)
            except BudgetExceeded as exceeded:
                reply["timeout"] = exceeded.seconds
            except BaseException as error:  # the student's function failed: report it as data
                reply["raised"] = {"type": type(error).__name__[:80],
                                   "message": str(error)[:1000]}
            reply["after"] = [None if copy is None or _same(copy, a) else encode_value(a)
                              for copy, a in zip(before, arguments)]
        reply["spies"] = [bool(spy.tracked) for spy in spies]
        return reply


    def _iterate(self, request: dict[str, Any]) -> dict[str, Any]:
        """``w[t+1] = function(copy of w[t], *row t of the columns)`` from ``w[0] = start``.

        Stops after the first result with NaN or inf, and before a step whose call fails or
        whose result is not a float array of the start's shape: that step is ``stopped``, for
        the grader to call again and word the failure as it words any other call.
        """
        function = self.handles.function(request)
        if function is None:
            return {"error": "unknown function handle"}
        try:
            start = np.asarray(decode_value(request.get("start")), dtype=float)
            columns = [np.asarray(decode_value(c)) for c in request.get("columns", [])]
        except (ValueError, TypeError) as error:
            return {"error": f"arguments could not be read: {error}"}
        steps = min((len(column) for column in columns), default=0)
        results: list[np.ndarray] = []
        stopped = False

        def walk() -> None:
            nonlocal stopped
            w = start
            for t in range(steps):
                try:
                    value = function(w.copy(), *step_arguments(columns, t))
                    if hasattr(value, "detach"):
                        value = value.detach().cpu().numpy()
                    w = np.asarray(value, dtype=float)
                except BudgetExceeded:
                    raise
                except BaseException:  # the grader calls this step again to say what went wrong
                    stopped = True
                    return
                if w.shape != start.shape:
                    stopped = True
                    return
                results.append(w)
                if not np.isfinite(w).all():
                    return

        reply: dict[str, Any] = {}
        with quiet():
            try:
                call_limited(walk, seconds=float(request.get("seconds") or 2.0))
            except BudgetExceeded as exceeded:
                reply["timeout"] = exceeded.seconds
        trajectory = np.array(results).reshape(len(results), *start.shape)
        reply.update(trajectory=encode_value(trajectory), stopped=stopped)
        return reply


def _snapshot(value: Any) -> Any:
    """A copy of an argument the function could change in place (array or tensor), else None.

    Changed ones are sent back after the call, so the grader can tell.
    """
    torch = sys.modules.get("torch")
    if type(value) is np.ndarray:
        return value.copy()
    if torch is not None and type(value) is torch.Tensor:
        return value.detach().clone()
    return None


def _same(copy: Any, value: Any) -> bool:
    try:
        if type(copy) is np.ndarray:
            return bool(np.array_equal(copy, value, equal_nan=True))
        return bool(copy.shape == value.shape and copy.dtype == value.dtype
                    and (copy.eq(value) | (copy.isnan() & value.isnan())).all())
    except Exception:  # the student replaced it with something else entirely: send it
        return False
