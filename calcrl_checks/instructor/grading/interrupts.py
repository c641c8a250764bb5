"""Ctrl-C and SIGTERM during a run: stop soon, but never in the middle of writing a grade.

Inside :func:`stoppable`, SIGINT and SIGTERM raise :class:`Interrupted`, except while a
:func:`protected` block runs (one student's gradebook rows and graded folder being written):
then the signal is held until the block ends, so a grade is written whole or not at all.
"""
from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from calcrl_checks.outcome.errors import CalcrlError


class Interrupted(CalcrlError):
    """The run was asked to stop (Ctrl-C or SIGTERM)."""


_state = threading.local()


@contextlib.contextmanager
def stoppable() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into :class:`Interrupted` in the main thread for the block."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _state.protected = 0
    _state.held = None

    def on_signal(number: int, frame: FrameType | None) -> None:
        if _state.protected:
            _state.held = number
            return
        raise Interrupted(signal.Signals(number).name)

    before = {number: signal.signal(number, on_signal)
              for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


@contextlib.contextmanager
def protected() -> Iterator[None]:
    """Hold stop signals until the block has finished."""
    depth = getattr(_state, "protected", 0)
    _state.protected = depth + 1
    try:
        yield
    finally:
        _state.protected = depth
        held = getattr(_state, "held", None)
        if not depth and held is not None:
            _state.held = None
            raise Interrupted(signal.Signals(held).name)
