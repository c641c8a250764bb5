"""Answers fetched from the sandbox, as the trusted side's checks see them.

:func:`fetch_answer` asks the notebook's process for a name and rebuilds the value from plain
data (``wire.decode_value``): numbers, text, expressions, arrays and tensors arrive as our own
objects; a tensor brings its autograd facts
(:class:`~calcrl_checks.crossing.tensor_facts.TensorFacts`); a function arrives as a
:class:`RemoteFunction`, which calls the student's function where it lives, with arguments the
check chose, and rebuilds what it returned the same way. Anything that does not decode is an
unreadable answer, never an error of the grader.
"""
from __future__ import annotations

import builtins
import signal
from collections.abc import Sequence
from typing import Any

import numpy as np

from calcrl_checks.crossing.functions import StudentFunction, Spy, test_functions
from calcrl_checks.crossing.tensor_facts import facts_from_data
from calcrl_checks.outcome import messages
from calcrl_checks.outcome.errors import BudgetExceeded, CalcrlError, Refused
from calcrl_checks.outcome.codes import UNREADABLE
from calcrl_checks.crossing.wire import TooLarge, decode_value, encode_value
from calcrl_checks.crossing.channel import ChannelError, ChannelTimeout, FrameRefused, FrameTooLarge
from calcrl_checks.engine.host import Session

#: Seconds a call may take when no check budget is running (the sandbox applies it too).
DEFAULT_CALL_SECONDS = 10.0
#: Extra seconds the grader waits beyond a call's budget before giving up on the process.
_CALL_SLACK = 5.0


class Missing(CalcrlError, LookupError):
    """The notebook has no variable of that name (the student did not answer)."""


class NotebookStopped(CalcrlError):
    """The notebook's process ended or stopped answering while running the student's code."""


class RemoteError(CalcrlError):
    """Base of exceptions raised by a student's function in the sandbox, by the same name."""


def fetch_answer(session: Session, name: str) -> Any:
    """The student's ``name`` as a value the checks accept; :class:`Missing` when undefined."""
    try:
        reply = session.request({"op": "fetch", "name": name}, seconds=30)
    except FrameRefused as refused:
        return Refused(UNREADABLE,
                       messages.refusal("answer_too_large", name=name, why=too_large(refused)))
    except ChannelError:
        return Refused(UNREADABLE, messages.refusal("notebook_stopped", name=name))
    if reply.get("missing"):
        raise Missing(name)
    try:
        return _decode(session, reply.get("value"), name)
    except TooLarge as refused:
        return Refused(UNREADABLE,
                       messages.refusal("answer_too_large", name=name, why=too_large(refused)))
    except (ValueError, TypeError, KeyError, OverflowError, RecursionError):
        return Refused(UNREADABLE, messages.refusal("answer_unreadable", name=name))


def too_large(refused: FrameRefused | TooLarge) -> str:
    """What a student reads when what their notebook sent is over a size limit."""
    if not isinstance(refused, (FrameTooLarge, TooLarge)):
        return "it is larger than the grader's memory can hold"
    what = "one answer" if isinstance(refused, TooLarge) else "one reply of the notebook"
    return (f"it is larger than the grader accepts ({refused.limit / 2**20:g} MiB for {what}, "
            "each array counted every time it is used)")


def _decode(session: Session, data: Any, name: str | None = None) -> Any:
    def extra(item: dict[str, Any]) -> Any:
        if item.get("kind") == "function":
            handle, label = item.get("handle"), item.get("name")
            if not isinstance(handle, int) or not isinstance(label, str):
                raise ValueError("malformed function handle")
            return RemoteFunction(session, handle, label[:80])
        raise ValueError(f"unknown kind {item.get('kind')!r}")

    value = decode_value(data, extra=extra)
    if isinstance(data, dict) and data.get("kind") == "tensor" and "facts" in data and name:
        return facts_from_data(value, data["facts"], name)
    return value


class RemoteFunction(StudentFunction):
    """A student's function that stays in the sandbox; calling this calls it there.

    Arguments cross as plain data (named test functions by name); arrays and tensors the
    function changed in place are changed here too, so a check can tell.
    """

    def __init__(self, session: Session, handle: int, name: str):
        self._session = session
        self._handle = handle
        self.__name__ = self.__qualname__ = name

    def __repr__(self) -> str:
        return f"<student function {self.__name__}>"

    def __deepcopy__(self, memo: dict) -> RemoteFunction:
        return self

    def __call__(self, *arguments: Any) -> Any:
        spies = [a for a in arguments if isinstance(a, Spy)]
        reply = self._ask({"op": "call",
                           "args": [encode_value(a, extra=_encode_argument) for a in arguments]})
        for spy, tracked in zip(spies, reply.get("spies", []), strict=False):
            spy.tracked = spy.tracked or tracked is True
        _copy_back(arguments, reply.get("after", []))
        if "timeout" in reply:
            raise BudgetExceeded(float(reply["timeout"]))
        if "raised" in reply:
            raise _exception(reply["raised"])
        if "value" not in reply:
            raise NotebookStopped(str(reply.get("error", "no value came back")))
        try:
            return _decode(self._session, reply["value"])
        except TooLarge as refused:
            return Refused(UNREADABLE,
                           messages.refusal("returned_too_large", why=too_large(refused)))
        except (ValueError, TypeError, KeyError, OverflowError, RecursionError):
            return Refused(UNREADABLE, messages.refusal("returned_unreadable"))


    def iterate(self, start: np.ndarray, columns: Sequence[np.ndarray]
                ) -> tuple[np.ndarray, bool]:
        """Results of ``w[t+1] = self(copy of w[t], *row t of columns)`` from ``w[0] = start``,
        run in the sandbox in one round trip, and whether it stopped before a failing step.

        The results are what the sandbox *says* the function returned: a check re-calls some
        steps (and the failing one) to confirm them, as ``scenarios.td_run`` does. A column of
        one dimension gives each step a float, one of two dimensions an array.
        """
        reply = self._ask({"op": "iterate", "start": encode_value(start),
                           "columns": [encode_value(np.asarray(c)) for c in columns]})
        if "timeout" in reply:
            raise BudgetExceeded(float(reply["timeout"]))
        if "trajectory" not in reply:
            raise NotebookStopped(str(reply.get("error", "no results came back")))
        try:
            trajectory = np.asarray(decode_value(reply["trajectory"]), dtype=float)
        except (ValueError, TypeError, KeyError, OverflowError, RecursionError):
            trajectory = np.zeros((0, *np.shape(start)))
        return trajectory, reply.get("stopped") is True

    def _ask(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send a request about this function, within the running check's budget."""
        seconds = _budget_left()
        try:
            return self._session.request({**message, "handle": self._handle,
                                          "seconds": seconds}, seconds=seconds + _CALL_SLACK)
        except ChannelTimeout:
            raise BudgetExceeded(seconds) from None
        except FrameRefused as refused:
            raise NotebookStopped(f"what your function sent back could not be read: "
                                  f"{too_large(refused)}") from None
        except ChannelError:
            raise NotebookStopped("the notebook's Python process ended while running your "
                                  "function (it may have used too much memory)") from None


def _encode_argument(item: Any) -> dict[str, Any] | None:
    function = item.function if isinstance(item, Spy) else item
    for name, known in test_functions().items():
        if function is known:
            return {"kind": "test_function", "name": name}
    raise TypeError(f"{item!r} cannot be passed to a function in the sandbox")


def _copy_back(arguments: tuple[Any, ...], after: Any) -> None:
    """Apply in-place changes the student's function made to array and tensor arguments."""
    if not isinstance(after, list):
        return
    for argument, data in zip(arguments, after, strict=False):
        if data is None:
            continue
        try:
            changed = decode_value(data)
        except ValueError:
            continue
        if isinstance(argument, np.ndarray) and isinstance(changed, np.ndarray) \
                and changed.shape == argument.shape and argument.flags.writeable:
            np.copyto(argument, changed, casting="unsafe")
        elif type(argument).__name__ == "Tensor" and type(changed) is type(argument) \
                and changed.shape == argument.shape:
            import torch

            with torch.no_grad():
                argument.copy_(changed)


def _budget_left() -> float:
    """The running check's remaining budget (its timer), so the sandbox stops the call too."""
    remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    return float(remaining) if remaining > 0 else DEFAULT_CALL_SECONDS


_RAISED_TYPES: dict[str, type[BaseException]] = {}


def _exception(info: Any) -> BaseException:
    """The student's exception, rebuilt by name (a builtin where one exists)."""
    info = info if isinstance(info, dict) else {}
    name = str(info.get("type", "Exception"))[:80]
    message = str(info.get("message", ""))[:1000]
    known = getattr(builtins, name, None)
    if isinstance(known, type) and issubclass(known, (Exception, SystemExit)) \
            and not issubclass(known, KeyboardInterrupt):
        try:
            return known(message)
        except TypeError:
            pass
    if not name.isidentifier():
        name = "StudentError"
    if name not in _RAISED_TYPES:
        _RAISED_TYPES[name] = type(name, (RemoteError,), {})
    return _RAISED_TYPES[name](message)
