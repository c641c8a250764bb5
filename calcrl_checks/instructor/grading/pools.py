"""Where students are graded: a local pool of warm graders, or Dask workers.

Both run :func:`~calcrl_checks.instructor.grading.one_student.grade` in warm grading processes
(``warm.py``) and hand back :class:`~calcrl_checks.instructor.grading.one_student.Graded`
results as data,
in the order they finish; the coordinator (``autograde.py``) writes them. The local pool needs
no running service; :class:`DaskPool` sends each student to a Dask worker of the scheduler
given (``calcrl autograde ... --scheduler tcp://HOST:PORT``), each worker keeping its own warm
grader.
"""
from __future__ import annotations

import contextlib
import queue
import threading
import uuid
from collections.abc import Generator
from concurrent.futures import ThreadPoolExecutor, as_completed

from calcrl_checks.instructor.grading.one_student import Bundle, Graded, Submission
from calcrl_checks.instructor.grading.warm import CRASHED, WarmGrader

#: Further attempts for a student whose grading process died (killed, or out of memory).
RETRIES = 1


class LocalPool:
    """``workers`` warm graders on this machine, one student each at a time."""

    def __init__(self, workers: int):
        self.graders = [WarmGrader() for _ in range(max(1, workers))]
        self._stopping = threading.Event()
        for grader in self.graders:  # from this (the main) thread, which outlives the run
            grader.start()

    def run(self, bundle: Bundle, submissions: list[Submission], seconds: float
            ) -> Generator[Graded, None, None]:
        free: queue.Queue[WarmGrader] = queue.Queue()
        for grader in self.graders:
            free.put(grader)

        def one(submission: Submission) -> Graded:
            grader = free.get()
            try:
                for _attempt in range(1 + RETRIES):
                    if self._stopping.is_set():
                        return Graded(submission.student, ok=False,
                                      reason="the run was stopped")
                    result = grader.grade(bundle, submission, seconds)
                    if result.ok or not result.reason.startswith(CRASHED):
                        break
                return result
            finally:
                free.put(grader)

        threads = ThreadPoolExecutor(max_workers=len(self.graders))
        finished = False
        try:
            futures = [threads.submit(one, submission) for submission in submissions]
            for future in as_completed(futures):
                yield future.result()
            finished = True
        finally:
            # Stopped early (Ctrl-C): kill the graders now rather than wait for their students.
            if not finished:
                self.close(now=True)
            threads.shutdown(wait=finished, cancel_futures=True)

    def close(self, now: bool = False) -> None:
        """Stop the graders: at once (killed) with ``now``, else after their current work."""
        if now:
            self._stopping.set()
        for grader in self.graders:
            grader.stop(now)


class DaskPool:
    """Students graded on the workers of a Dask distributed scheduler."""

    def __init__(self, address: str):
        from distributed import Client

        self.client = Client(address, timeout="30s")
        self._futures: dict = {}

    def run(self, bundle: Bundle, submissions: list[Submission], seconds: float
            ) -> Generator[Graded, None, None]:
        from distributed import as_completed as finished

        shared = self.client.scatter(bundle, broadcast=True)
        refused: dict[str, str] = {}   # worker -> why it cannot grade (no sandbox there)

        def send(submission: Submission, workers: list[str] | None = None):
            future = self.client.submit(grade_on_dask_worker, shared, submission, seconds,
                                        key=f"calcrl-{uuid.uuid4().hex}", pure=False,
                                        retries=1, workers=workers, allow_other_workers=False)
            futures[future] = submission
            return future

        futures: dict = {}
        pending = finished([send(submission) for submission in submissions])
        self._futures = futures
        for future in pending:
            submission = futures[future]
            try:
                result = future.result()
            except Exception as error:  # the worker was lost, or the task could not run
                yield Graded(submission.student, ok=False,
                             reason=f"the Dask worker failed: {type(error).__name__}: {error}")
                continue
            if result.no_sandbox:
                # That worker refuses every student: send this one to a worker that has not.
                refused[result.worker] = result.reason
                others = [w for w in self.client.scheduler_info()["workers"]
                          if w not in refused]
                if others:
                    pending.add(send(submission, others))
                    continue
                result.reason = ("no Dask worker can sandbox: " + "; ".join(
                    f"{worker}: {why}" for worker, why in sorted(refused.items())))
            elif refused:
                result.notes += [f"Dask worker {worker} refused to grade (cannot sandbox: "
                                 f"{why.splitlines()[0]}); its students went to other workers"
                                 for worker, why in sorted(refused.items())]
            yield result

    def close(self, now: bool = False) -> None:
        """Disconnect; with ``now``, first cancel the students not yet graded and stop the
        ones being graded (Dask cannot interrupt a running task: its worker's grader is killed,
        and started afresh for the next task)."""
        if now and self._futures:
            keys = [future.key for future in self._futures]
            self.client.cancel(list(self._futures))
            with contextlib.suppress(Exception):  # a worker gone already has nothing to stop
                self.client.run(stop_dask_tasks, keys, on_error="ignore")
        self.client.close()


_worker_grader: WarmGrader | None = None
#: The key of the task this worker's grader is working on, if any.
_worker_task: str | None = None
_worker_lock = threading.Lock()


def grade_on_dask_worker(bundle: Bundle, submission: Submission, seconds: float) -> Graded:
    """A Dask task: grade in this worker's warm grader (started on first use, then kept)."""
    global _worker_grader, _worker_task
    from distributed import get_worker

    worker = get_worker()
    key = worker.get_current_task()
    with _worker_lock:
        if _worker_grader is None:
            _worker_grader = WarmGrader()
        _worker_task = str(key)
        try:
            result = _worker_grader.grade(bundle, submission, seconds)
        finally:
            _worker_task = None
    result.worker = worker.address
    return result


def stop_dask_tasks(keys: list[str]) -> bool:
    """Run on every worker (``Client.run``) when a run is interrupted: kill this worker's
    grader if it is grading one of ``keys``, so the task ends now. Graders busy with another
    run's students are left alone. Returns whether it stopped one."""
    grader, task = _worker_grader, _worker_task
    if grader is None or task not in keys:
        return False
    grader.kill()
    return True
