"""TA work kept apart from the gradebook: every manual score, extra credit and comment a TA
gives is also appended to a journal in the course, and brought back from it after the
gradebook is lost.

Autograding can be recomputed from the submissions; what a TA gave by hand cannot. The
formgrader writes it straight into the gradebook (one SQLite file by default), so
``nbgrader_config.py`` calls :func:`journal_manual_grades`: from then on, in every process that
reads the course's configuration (the formgrader first of all), each committed change to a
``manual_score``, ``extra_credit`` or ``manual_comment`` of that course's gradebook is appended
to ``.calcrl-manual/grades.jsonl`` with who gave it and when. One JSON line per change, written
with a single ``write`` to a file opened for appending and then synced: a crash can leave at
most a torn last line, which :func:`latest_manual_grades` skips.

``calcrl autograde`` (after grading) and ``calcrl restore`` put back from it
(:func:`restore_manual_grades`) every manual grade the journal has and the gradebook lacks (a
regenerated gradebook, or one restored from an older backup); who gave it and when stays in
the journal. A value the gradebook holds is never overwritten.

>>> entries = [{"course": "c", "assignment": "a", "student": "s", "notebook": "n",
...             "cell": "q", "field": "manual_score", "value": 2.0, "time": "t1"},
...            {"course": "c", "assignment": "a", "student": "s", "notebook": "n",
...             "cell": "q", "field": "manual_score", "value": 3.0, "time": "t2"}]
>>> latest_from(entries, "c", "a")[("s", "n", "q", "manual_score")]["value"]
3.0
"""
from __future__ import annotations

import contextlib
import datetime
import getpass
import json
import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

#: The journal, relative to the course folder. Back it up with the gradebook (README).
JOURNAL = Path(".calcrl-manual") / "grades.jsonl"
#: What a TA sets by hand, per gradebook table.
GRADE_FIELDS: tuple[str, ...] = ("manual_score", "extra_credit")
COMMENT_FIELDS: tuple[str, ...] = ("manual_comment",)
#: Set on a session whose writes are not a TA's (calcrl restoring the journal, a grader
#: seeding its private gradebook): they must not be journaled again as new work.
_QUIET = "calcrl_not_ta_work"

_log = logging.getLogger(__name__)
#: Course folder -> its configuration, for every course whose nbgrader_config.py this process
#: has read. The configuration is read when a grade is saved, not when the file calls
#: :func:`journal_manual_grades`: a ``db_url`` set further down the file still counts.
_COURSES: dict[Path, Any] = {}


def journal_manual_grades(config: Any, config_file: str) -> None:
    """Journal every manual grade given in this course's gradebook, in this process.

    Called in ``nbgrader_config.py`` with its ``c`` and ``__file__``: the gradebook is the
    ``db_url`` the file sets (anywhere in it), else nbgrader's default ``gradebook.db``
    beside it.
    """
    _COURSES[Path(config_file).resolve().parent] = config
    _listen_once()


def _course_of(url: str) -> tuple[Path, str] | None:
    """The (folder, course id) of the journaled course whose gradebook is at ``url``."""
    for root, config in _COURSES.items():
        directory = config.get("CourseDirectory", {})
        db_url = directory.get("db_url") or f"sqlite:///{root / 'gradebook.db'}"
        if _normalised(db_url) == url:
            return root, str(directory.get("course_id") or "default_course")
    return None


@contextlib.contextmanager
def not_ta_work(gradebook: Any) -> Iterator[None]:
    """Writes made through ``gradebook`` in this block are not journaled as a TA's."""
    gradebook.db.info[_QUIET] = True
    try:
        yield
    finally:
        gradebook.db.info.pop(_QUIET, None)


def latest_manual_grades(root: Path, course_id: str, assignment: str
                         ) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    """The journal's last entry per (student, notebook, cell, field) for one assignment."""
    return latest_from(_read(root / JOURNAL), course_id, assignment)


def latest_from(entries: Iterable[dict[str, Any]], course_id: str, assignment: str
                ) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    """The last of ``entries`` per (student, notebook, cell, field) for one assignment."""
    latest: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for entry in entries:
        if entry.get("course") == course_id and entry.get("assignment") == assignment:
            key = (entry["student"], entry["notebook"], entry["cell"], entry["field"])
            latest[key] = entry
    return latest


def restore_manual_grades(db_url: str, course_id: str, root: Path, assignment: str
                          ) -> dict[str, int]:
    """Put back every manual grade of ``assignment`` the journal has and the gradebook lacks,
    in one transaction; how many, per student (students with none left out).

    A field the gradebook holds a value for is left alone, whatever the journal says, and so
    is a grade whose submission the gradebook no longer holds (grading it brings it back).
    """
    from nbgrader.api import Gradebook, MissingEntry

    latest = latest_manual_grades(root, course_id, assignment)
    students = {key[0] for key in latest}
    restored: dict[str, int] = {}
    if not students:
        return restored
    with Gradebook(db_url, course_id) as gradebook, not_ta_work(gradebook):
        try:
            submissions = gradebook.find_assignment(assignment).submissions
        except MissingEntry:
            return restored
        for submission in submissions:
            student = submission.student.id
            if student not in students:
                continue
            for notebook in submission.notebooks:
                rows = [(grade, GRADE_FIELDS) for grade in notebook.grades]
                rows += [(comment, COMMENT_FIELDS) for comment in notebook.comments]
                for row, fields in rows:
                    for name in fields:
                        entry = latest.get((student, notebook.name, row.name, name))
                        if entry and entry["value"] not in (None, "") and \
                                getattr(row, name) in (None, ""):
                            setattr(row, name, entry["value"])
                            restored[student] = restored.get(student, 0) + 1
        gradebook.db.commit()
    return restored


def journaled_scores(root: Path, course_id: str, assignment: str, student: str
                     ) -> dict[str, dict[str, float]]:
    """``notebook -> cell -> manual score`` the journal holds for one student (the latest of
    each, cleared ones left out)."""
    scores: dict[str, dict[str, float]] = {}
    for (who, notebook, cell, name), entry in latest_manual_grades(
            root, course_id, assignment).items():
        if who == student and name == "manual_score" and entry["value"] is not None:
            scores.setdefault(notebook, {})[cell] = float(entry["value"])
    return scores


def _read(path: Path) -> Iterator[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line torn by a crash mid-write: every complete line still counts
        if isinstance(entry, dict) and {"student", "notebook", "cell", "field"} <= entry.keys():
            yield entry


def _normalised(db_url: str) -> str:
    """One spelling per database: SQLite paths resolved, the rest as SQLAlchemy renders it."""
    from sqlalchemy.engine import make_url

    url = make_url(db_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return f"sqlite:///{Path(url.database).resolve()}"
    return url.render_as_string(hide_password=False)


def _listen_once() -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if not event.contains(Session, "after_flush", _collect):
        event.listen(Session, "after_flush", _collect)
        event.listen(Session, "after_commit", _write)
        event.listen(Session, "after_rollback", _forget)


def _collect(session: Any, flush_context: Any) -> None:
    """Note the manual fields this flush changed (history is still there at this point)."""
    from nbgrader.api import Comment, Grade
    from sqlalchemy import inspect

    if session.info.get(_QUIET) or session.bind is None:
        return
    changed = [(row, name) for row in session.dirty
               for name in (GRADE_FIELDS if isinstance(row, Grade) else
                            COMMENT_FIELDS if isinstance(row, Comment) else ())
               if inspect(row).attrs[name].history.has_changes()]
    if not changed:
        return
    course = _course_of(_normalised(session.bind.url.render_as_string(hide_password=False)))
    if course is None:
        return
    pending = session.info.setdefault("calcrl_manual_pending", [])
    with session.no_autoflush:
        for row, name in changed:
            pending.append((course, {
                "course": course[1], "assignment": row.notebook.assignment.name,
                "student": row.notebook.student.id, "notebook": row.notebook.name,
                "cell": row.name, "field": name, "value": _as_stored(getattr(row, name), name)}))


def _as_stored(value: Any, name: str) -> Any:
    """The value as the gradebook's column holds it: the formgrader sets scores as the text
    the TA typed ("3"), which the database stores as a number."""
    if name in GRADE_FIELDS and value is not None:
        try:
            return float(value)
        except (TypeError, ValueError):
            return str(value)
    return value


def _write(session: Any) -> None:
    """Append what the committed transaction changed, one synced line per change."""
    pending = session.info.pop("calcrl_manual_pending", [])
    if not pending:
        return
    author = os.environ.get("JUPYTERHUB_USER") or _login()
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    for (root, _), entry in pending:
        line = json.dumps({**entry, "author": author, "time": now}, sort_keys=True) + "\n"
        path = root / JOURNAL
        try:
            path.parent.mkdir(exist_ok=True)
            descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                size = os.lseek(descriptor, 0, os.SEEK_END)
                if size and os.pread(descriptor, 1, size - 1) != b"\n":
                    line = "\n" + line  # end a torn line first, so this one reads whole
                os.write(descriptor, line.encode("utf-8"))
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        except OSError as error:
            # The grade is in the gradebook already; say loudly that its second copy is not.
            _log.error("calcrl: a TA grade was saved in the gradebook but not in %s (%s); "
                       "back up the gradebook now", path, error)


def _forget(session: Any) -> None:
    session.info.pop("calcrl_manual_pending", None)


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"
