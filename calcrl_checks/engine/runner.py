"""One notebook's run: its cells in the sandbox, in order, within the time limits.

A cell that runs past the per-cell limit is interrupted (and killed if it ignores that); a
notebook process that ends (killed, out of memory, ``os._exit``) is replaced by a fresh one
that first re-runs, silently, the cells that had completed, so the student's other answers
are still graded. After the notebook's own time limit, the remaining cells are not run.
"""
from __future__ import annotations

import logging
import time
from typing import Any

from nbformat import NotebookNode

from calcrl_checks.engine import outputs
from calcrl_checks.engine.host import CellRun, Limits, Sandbox, Session
from calcrl_checks.engine.remote import fetch_answer

#: Times a notebook's process may be replaced before the rest of the notebook is given up.
MAX_RESTARTS = 3
#: Seconds each notebook graded in this process spent in its cells and hidden tests (the work
#: itself, as opposed to the grader's overhead), in order; read by benchmarks.
NOTEBOOK_TIMES: list[float] = []


class NotebookRunner:
    """Runs one notebook's cells in the sandbox and fetches its answers for hidden tests."""

    def __init__(self, sandbox: Sandbox, limits: Limits, files: dict[str, bytes],
                 label: str = "notebook", log: logging.Logger | None = None):
        self.sandbox = sandbox
        self.limits = limits
        self.files = files
        self.label = label
        self.log = log or logging.getLogger("calcrl.engine")
        self.deadline = time.monotonic() + limits.notebook_seconds
        self.completed: list[str] = []
        self.session: Session | None = None
        self.restarts = 0
        self.cells = 0
        #: seconds spent running cells and hidden tests
        self.busy_seconds = 0.0
        #: bytes of student output stored so far (the notebook's output cap counts them)
        self.stored_bytes = 0

    def __enter__(self) -> NotebookRunner:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None
            NOTEBOOK_TIMES.append(self.busy_seconds)

    def _remaining(self) -> float:
        return self.deadline - time.monotonic()

    def _live_session(self) -> Session | None:
        """The notebook's process, started (or restarted and caught up) when needed."""
        if self.session is not None and not self.session.ended:
            return self.session
        if self.session is not None:
            self.session.close()
            self.restarts += 1
            if self.restarts > MAX_RESTARTS:
                return None
        self.session = self.sandbox.open(self.limits)
        self.session.put_files(self.files)
        for source in list(self.completed):
            seconds = min(self.limits.cell_seconds, self._remaining())
            if seconds <= 0 or self.session.run(source, seconds).status != "ok":
                self.completed.remove(source)
                if self.session.ended:
                    return self._live_session()
        return self.session

    def run(self, source: str, test_cell: bool = False
            ) -> tuple[list[NotebookNode], int | None, CellRun | None]:
        """Run one cell (or a test cell's visible part); its outputs, checked
        (``outputs.from_sandbox``), plus an error saying what stopped it, if anything did."""
        self.cells += 1
        if self._remaining() <= 0:
            return [outputs.error("NotebookTimeout", "This cell was not run: the notebook used "
                                  f"up its {self.limits.notebook_seconds:g}-second time limit.")
                    ], None, None
        session = self._live_session()
        if session is None:
            return [outputs.error("NotebookStopped", "This cell was not run: the notebook's "
                                  "Python process ended too many times.")], None, None
        seconds = min(self.limits.cell_seconds, self._remaining())
        started = time.monotonic()
        result = session.run(source, seconds)
        self.busy_seconds += time.monotonic() - started
        cleaned = self.store(result.outputs, test_cell, result.count)
        if result.status == "ok":
            self.completed.append(source)
            return cleaned, result.count, result
        cleaned = [o for o in cleaned
                   if not (o.output_type == "error" and o.ename == "KeyboardInterrupt")]
        if result.status == "timeout":
            at_notebook_limit = seconds < self.limits.cell_seconds
            limit = (f"the notebook's {self.limits.notebook_seconds:g}-second time limit"
                     if at_notebook_limit else
                     f"the {self.limits.cell_seconds:g}-second limit per cell")
            self.log.warning("[calcrl] %s: cell %d ran past %s and was stopped%s", self.label,
                             self.cells, "the per-cell time limit" if not at_notebook_limit
                             else "the notebook time limit",
                             f" ({result.reason})" if result.reason else "")
            cleaned.append(outputs.error("TimeoutError", f"This cell did not finish within "
                                         f"{limit} and was stopped."))
        else:
            self.log.warning("[calcrl] %s: cell %d stopped its notebook process: %s", self.label,
                             self.cells, result.reason)
            cleaned.append(outputs.error("NotebookStopped", f"This cell stopped the notebook's "
                                         f"Python process: {result.reason}. The cells after "
                                         "it run in a fresh process."))
        return cleaned, result.count, result

    def store(self, sent: Any, test_cell: bool, count: int | None) -> list[NotebookNode]:
        """What the sandbox sent for one cell, as stored: within the cell's cap, and within
        what the notebook's cap has left."""
        cell_cap = self.limits.output_kib * 1024
        left = max(0, self.limits.notebook_output_kib * 1024 - self.stored_bytes)
        note = outputs.cut_note(self.limits.notebook_output_kib, whole_notebook=True) \
            if left < cell_cap else None
        kept = outputs.from_sandbox(sent, test_cell=test_cell, execution_count=count,
                                    cap_bytes=min(cell_cap, left), size_note=note)
        self.stored_bytes += outputs.stored_bytes(kept)
        return kept

    def defines(self, name: str) -> bool:
        """Whether the notebook defines ``name`` now."""
        try:
            self.fetch(name)
        except LookupError:
            return False
        return True

    def fetch(self, name: str) -> Any:
        """The student's answer ``name`` (``LookupError`` when the notebook has none)."""
        session = self._live_session()
        if session is None:
            raise LookupError(name)
        return fetch_answer(session, name)
