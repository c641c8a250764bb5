"""What an interrupted or killed run may leave behind, cleaned by the next run.

Grading scratch folders are named ``calcrl-grade-<pid>-...``: one whose process is gone is
removed. A graded folder is replaced by renaming (``autograde.replace_folder``); a run killed
between the two renames leaves the old folder as ``.NAME.calcrl-old`` and no ``NAME``: it is
put back, so the last complete grading is never lost.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from calcrl_checks.instructor.grading.course import remove_tree

SCRATCH_PREFIX = "calcrl-grade-"
_SCRATCH = re.compile(rf"^{SCRATCH_PREFIX}(\d+)-")


def scratch_prefix() -> str:
    """The prefix for this process's scratch folders (its pid tells the next run it is gone)."""
    return f"{SCRATCH_PREFIX}{os.getpid()}-"


def clean_scratch() -> list[Path]:
    """Remove scratch folders of grading processes that no longer exist; return them."""
    removed = []
    for base in {Path("/dev/shm"), Path(tempfile.gettempdir())}:
        if not base.is_dir():
            continue
        for folder in base.glob(f"{SCRATCH_PREFIX}*"):
            match = _SCRATCH.match(folder.name)
            if match and not _alive(int(match.group(1))):
                remove_tree(folder)
                removed.append(folder)
    return removed


def restore_graded_folders(autograded: Path) -> list[Path]:
    """Finish or undo half-done folder replacements under ``autograded/STUDENT/``."""
    restored = []
    for old in autograded.glob("*/.*.calcrl-old"):
        target = old.with_name(old.name[1:-len(".calcrl-old")])
        if target.exists():
            remove_tree(old)
        else:
            old.rename(target)
            restored.append(target)
    for fresh in autograded.glob("*/.*.calcrl-new"):
        remove_tree(fresh)
    return restored


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
