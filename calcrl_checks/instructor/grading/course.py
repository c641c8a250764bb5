"""Where a course keeps things, read from its nbgrader configuration."""
from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from calcrl_checks.instructor.grading.processes import Finished, run_limited


@dataclass(frozen=True)
class Course:
    """An nbgrader course folder (the one holding ``nbgrader_config.py``)."""

    root: Path

    def settings(self):
        """nbgrader's ``CourseDirectory`` as this course's ``nbgrader_config.py`` sets it."""
        from nbgrader.coursedir import CourseDirectory
        from traitlets.config import Config
        from traitlets.config.loader import PyFileConfigLoader

        config = Config()
        if (self.root / "nbgrader_config.py").exists():
            config = PyFileConfigLoader("nbgrader_config.py", path=str(self.root)).load_config()
        directory = CourseDirectory(config=config)
        directory.root = str(self.root)
        return directory

    def gradebook(self):
        """The course's gradebook (SQLite by default, PostgreSQL when ``db_url`` says so)."""
        from nbgrader.api import Gradebook

        settings = self.settings()
        return Gradebook(settings.db_url, settings.course_id)

    def folder(self, kind: str, student: str, assignment: str) -> Path:
        return self.root / kind / student / assignment

    def students_submitted(self, assignment: str) -> list[str]:
        base = self.root / "submitted"
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if (p / assignment).is_dir())


def nbgrader_command(course: Course, *args: str, seconds: float = 3600) -> Finished:
    """Run ``nbgrader ARGS`` in the course folder, stopped (with its kernels) after ``seconds``.

    This interpreter's environment comes first on PATH: nbgrader starts helper commands such
    as alembic by name.
    """
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return run_limited([sys.executable, "-m", "nbgrader", *args], course.root, env, seconds)


def remove_tree(path: Path) -> None:
    """Remove a folder, including the read-only files nbgrader writes."""
    if not path.exists():
        return
    for item in path.rglob("*"):
        try:
            item.chmod(0o755 if item.is_dir() else 0o644)
        except OSError:
            pass
    shutil.rmtree(path, ignore_errors=True)


def sqlite_path(db_url: str) -> Path | None:
    """The file of an SQLite gradebook URL (None for a server database or an in-memory one).

    >>> sqlite_path("sqlite:////course/gradebook.db"), sqlite_path("postgresql://h/db")
    (PosixPath('/course/gradebook.db'), None)
    """
    prefix = "sqlite:///"
    if not db_url.startswith(prefix):
        return None
    path = db_url[len(prefix):].split("?")[0]
    return Path(path) if path and path != ":memory:" else None
