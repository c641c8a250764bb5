"""Time budgets and silence for every expensive step of a check.

A check must end within seconds whatever the input and must never write to stderr (nbgrader
scores a test cell 0 for any stderr output). ``time_limit`` interrupts pure-Python work with a
timer signal in the main thread; elsewhere it runs the work in a helper thread and stops waiting.
"""
from __future__ import annotations

import contextlib
import io
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from calcrl_checks.outcome.errors import BudgetExceeded

T = TypeVar("T")

#: Upper bound for one whole check, in seconds.
CHECK_SECONDS = 4.0
#: Upper bound for a learning scenario (calcrl_checks.checks.scenarios): it calls the student's
#: function thousands of times, each call a round trip into the sandbox, so a busy grading
#: machine must not turn a correct update into a timeout.
SCENARIO_SECONDS = 30.0
#: Budget for one call of a student's function (all sample points of one call).
CALL_SECONDS = 2.0
#: Budget for the optional symbolic proof of an already-passing answer.
PROOF_SECONDS = 0.5

# Re-fire interval: if student code swallows the first interruption with a bare except,
# the timer keeps firing until the limited block is left.
_REFIRE = 0.05


def _signals_usable() -> bool:
    return threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`BudgetExceeded` inside the block once ``seconds`` have passed.

    Nested limits keep the tighter deadline; leaving the block restores the outer timer.
    Outside the main thread the block runs unlimited: use :func:`call_limited` there.
    """
    if not _signals_usable():
        yield
        return
    outer_remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    started = time.monotonic()
    budget = seconds if outer_remaining <= 0 else min(seconds, outer_remaining)

    def on_alarm(signum: int, frame: Any) -> None:
        if budget < seconds and callable(previous):
            previous(signum, frame)  # the outer deadline came first: it reports its own budget
        raise BudgetExceeded(seconds)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, max(budget, 1e-3), _REFIRE)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_remaining > 0:
            left = outer_remaining - (time.monotonic() - started)
            # An outer deadline that passed inside this block fires right away.
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), _REFIRE)


def call_limited(fn: Callable[..., T], *args: Any, seconds: float = CALL_SECONDS) -> T:
    """Call ``fn(*args)`` within ``seconds``, else raise :class:`BudgetExceeded`."""
    if _signals_usable():
        with time_limit(seconds):
            return fn(*args)
    values: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            values.append(fn(*args))
        except BaseException as exc:  # handed back to the caller's thread below
            errors.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise BudgetExceeded(seconds)
    if errors:
        raise errors[0]
    return values[0]


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence warnings and anything written to stdout/stderr inside a check."""
    import numpy as np

    sink = io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"), contextlib.redirect_stderr(sink), \
                contextlib.redirect_stdout(sink):
            yield

