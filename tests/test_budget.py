"""Time budgets: nested limits, restored timers, and limits outside the main thread."""
from __future__ import annotations

import signal
import threading
import time

import pytest
import sympy as sp

from calcrl_checks import compare
from calcrl_checks.outcome.budget import call_limited, time_limit
from calcrl_checks.outcome.errors import BudgetExceeded

pytestmark = pytest.mark.unit


def spin_until(stop: threading.Event | None = None) -> None:
    """Busy work that never returns on its own (unless ``stop`` is set)."""
    while stop is None or not stop.is_set():
        pass


@pytest.fixture(autouse=True)
def timer_is_clean():
    yield
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_limit_interrupts_pure_python_work():
    with pytest.raises(BudgetExceeded) as caught:
        with time_limit(0.1):
            spin_until()
    assert caught.value.seconds == 0.1


def test_budget_exceeded_is_not_an_exception_student_code_can_swallow():
    assert not issubclass(BudgetExceeded, Exception)


def test_leaving_a_limit_early_turns_the_timer_off():
    previous = signal.getsignal(signal.SIGALRM)
    with time_limit(5):
        pass
    assert signal.getsignal(signal.SIGALRM) is previous


def test_nested_limit_restores_the_outer_timer():
    started = time.monotonic()
    with pytest.raises(BudgetExceeded) as outer:
        with time_limit(0.6):
            with pytest.raises(BudgetExceeded) as inner:
                with time_limit(0.1):
                    spin_until()
            assert inner.value.seconds == 0.1
            remaining, _ = signal.getitimer(signal.ITIMER_REAL)
            assert 0 < remaining < 0.6
            spin_until()                    # only the restored outer timer can end this
    assert outer.value.seconds == 0.6
    assert time.monotonic() - started < 10  # hang detector only


def test_nested_limit_keeps_the_tighter_outer_deadline_and_reports_it():
    with pytest.raises(BudgetExceeded) as caught:
        with time_limit(0.2):
            with time_limit(30):
                spin_until()
    assert caught.value.seconds == 0.2


def test_call_limited_returns_the_value_in_time():
    assert call_limited(lambda a, b: a + b, 2, 3, seconds=1) == 5


def test_call_limited_passes_on_the_functions_own_error():
    with pytest.raises(ZeroDivisionError):
        call_limited(lambda: 1 / 0, seconds=1)


def test_call_limited_outside_the_main_thread_still_times_out():
    stop = threading.Event()
    outcome: dict[str, object] = {}

    def grader() -> None:
        try:
            outcome["value"] = call_limited(spin_until, stop, seconds=0.2)
        except BudgetExceeded as error:
            outcome["timeout"] = error.seconds

    worker = threading.Thread(target=grader)
    worker.start()
    worker.join(10)
    stop.set()                              # let the abandoned helper thread finish
    assert not worker.is_alive()
    assert outcome == {"timeout": 0.2}


def test_call_limited_outside_the_main_thread_returns_values_and_errors():
    outcome: dict[str, object] = {}

    def grader() -> None:
        outcome["value"] = call_limited(lambda: 42, seconds=1)
        try:
            call_limited(lambda: [][1], seconds=1)
        except IndexError:
            outcome["error"] = "IndexError"

    worker = threading.Thread(target=grader)
    worker.start()
    worker.join(10)
    assert outcome == {"value": 42, "error": "IndexError"}


def test_a_whole_check_outside_the_main_thread_gives_a_timeout_verdict():
    stop = threading.Event()
    x = sp.Symbol("x")
    outcome: dict[str, object] = {}

    def answer(v):
        spin_until(stop)
        return 2 * v

    def grader() -> None:
        outcome["verdict"] = compare(answer, 2 * x)

    worker = threading.Thread(target=grader)
    worker.start()
    worker.join(15)
    stop.set()
    assert not worker.is_alive()
    verdict = outcome["verdict"]
    assert (verdict.passed, verdict.code) == (False, "timeout")
