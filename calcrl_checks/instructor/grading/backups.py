"""Copies of an SQLite gradebook, taken safely while it may be in use, and putting one back.

``calcrl autograde`` takes one before it writes (``auto-`` copies, the newest
:data:`KEEP_AUTOMATIC` kept); ``calcrl backup`` takes one on demand (kept until you remove it).
A copy is made with SQLite's online backup (consistent even while the formgrader writes),
checked, and only then given its name, so a file in ``.calcrl-backups/`` is always whole.
``calcrl restore FILE`` moves the current gradebook aside (never deletes it), puts the copy in
its place and then brings back, from the TA journal (``manual_grades.py``), every TA grade given
after the copy was taken.

>>> backup_name(datetime.datetime(2026, 12, 6, 18, 5, 2), automatic=True)
'auto-gradebook-20261206T180502Z.db'
"""
from __future__ import annotations

import contextlib
import datetime
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from calcrl_checks.instructor.grading.course import Course, sqlite_path
from calcrl_checks.instructor.grading.manual_grades import restore_manual_grades
from calcrl_checks.outcome.errors import CalcrlError

#: Where copies go, relative to the course folder.
BACKUPS = Path(".calcrl-backups")
#: Automatic copies kept (a day of re-runs); copies taken with ``calcrl backup`` are never
#: removed by calcrl.
KEEP_AUTOMATIC = 10
#: Tables every nbgrader gradebook has: a file without them is not one.
_NBGRADER_TABLES = {"assignment", "notebook", "grade", "comment", "student"}


class BackupError(CalcrlError, RuntimeError):
    """A copy could not be taken or put back; the message says why and what to do."""


@dataclass
class Restored:
    """What ``calcrl restore`` did."""

    gradebook: Path
    moved_aside: Path | None
    ta_grades: dict[str, int] = field(default_factory=dict)   # assignment -> restored count


def backup_name(when: datetime.datetime, automatic: bool) -> str:
    """The file name of a copy taken at ``when`` (UTC)."""
    return f"{'auto-' if automatic else ''}gradebook-{when:%Y%m%dT%H%M%S}Z.db"


def gradebook_file(course: Course) -> Path:
    """The course's SQLite gradebook file; :class:`BackupError` for a server database."""
    path = sqlite_path(course.settings().db_url)
    if path is None:
        raise BackupError(
            "This course's gradebook is on a database server: back it up with the server's "
            "own tools (`pg_dump`). TA grades are also kept in .calcrl-manual/grades.jsonl.")
    return path if path.is_absolute() else course.root / path


def backup_gradebook(course: Course, automatic: bool = False) -> Path:
    """Copy the gradebook into ``.calcrl-backups/``; the copy's path."""
    source = gradebook_file(course)
    if not source.exists():
        raise BackupError(f"There is no gradebook to back up at {source}.")
    folder = course.root / BACKUPS
    when = datetime.datetime.now(datetime.timezone.utc)
    target = folder / backup_name(when, automatic)
    partial = folder / f".{target.name}.partial"
    try:
        folder.mkdir(exist_ok=True)
        partial.unlink(missing_ok=True)
        with contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True,
                                                timeout=180)) as database, \
                contextlib.closing(sqlite3.connect(partial)) as copy:
            database.backup(copy)
        _sync(partial)
        problem = gradebook_problem(partial)
        if problem:
            raise BackupError(f"The copy of {source} is not sound ({problem}); the gradebook "
                              "itself may be damaged.")
        partial.rename(target)
    except (OSError, sqlite3.Error) as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Could not back up the gradebook into {folder} ({error}). Free "
                          "space there (or make it writable) and run the command again.") \
            from None
    if automatic:
        for old in sorted(folder.glob("auto-gradebook-*.db"))[:-KEEP_AUTOMATIC]:
            old.unlink(missing_ok=True)
    return target


def latest_backup(course: Course) -> Path | None:
    """The newest copy in ``.calcrl-backups/``, automatic or not."""
    copies = sorted((course.root / BACKUPS).glob("*gradebook-*.db"),
                    key=lambda p: p.name.removeprefix("auto-"))
    return copies[-1] if copies else None


def gradebook_problem(path: Path) -> str | None:
    """Why ``path`` is not a sound nbgrader gradebook, or None."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as database:
            verdict = database.execute("PRAGMA quick_check").fetchone()
            tables = {row[0] for row in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        return str(error)
    if not verdict or verdict[0] != "ok":
        return f"integrity check: {verdict}"
    missing = _NBGRADER_TABLES - tables
    return f"not an nbgrader gradebook (no {', '.join(sorted(missing))} table)" if missing \
        else None


def restore_gradebook(course: Course, backup: Path) -> Restored:
    """Put ``backup`` in the gradebook's place, then the TA grades given since."""

    target = gradebook_file(course)
    if not backup.is_file():
        raise BackupError(f"There is no file {backup}.")
    problem = gradebook_problem(backup)
    if problem:
        raise BackupError(f"{backup} cannot be restored: {problem}. Pick another copy in "
                          f"{course.root / BACKUPS}.")
    stamp = f"{datetime.datetime.now(datetime.timezone.utc):%Y%m%dT%H%M%S}Z"
    aside = target.with_name(f"{target.name}.replaced-{stamp}") if target.exists() else None
    incoming = target.with_name(f".{target.name}.restoring")
    try:
        shutil.copyfile(backup, incoming)
        _sync(incoming)
        if aside is not None:
            target.rename(aside)
        incoming.rename(target)
    except OSError as error:
        incoming.unlink(missing_ok=True)
        raise BackupError(f"Could not restore {backup} ({error}); the gradebook is unchanged."
                          ) from None
    result = Restored(target, aside)
    settings = course.settings()
    for assignment in _assignments(target):
        counts = restore_manual_grades(settings.db_url, settings.course_id, course.root,
                                       assignment)
        if counts:
            result.ta_grades[assignment] = sum(counts.values())
    return result


def _assignments(path: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as database:
        return [row[0] for row in database.execute("SELECT name FROM assignment")]


def _sync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
