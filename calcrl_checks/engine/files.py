"""The files a notebook's sandbox starts with: the student's own submission, and nothing else.

Read from the student's submitted folder (and the assignment's data files from the release,
which every student has), never from the autograded folder, which holds hidden tests. Only
regular files are read. A submission holding a symbolic link (``notes.txt ->
../../../source/...``) is refused with :class:`LinkInSubmission`: nbgrader has by then copied
the link's target into the student's autograded folder, and failing the student is what makes
nbgrader delete that copy before any feedback could hand it out. Sizes are capped.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path
from calcrl_checks.outcome.errors import CalcrlError

#: Most bytes, and files, copied into one notebook's sandbox.
MAX_BYTES = 100 * 1024 * 1024
MAX_FILES = 2000


class LinkInSubmission(CalcrlError):
    """A submission holds symbolic links; it is not graded until they are removed."""


def links_in(folder: Path) -> list[str]:
    """Paths of the symbolic links inside ``folder`` (relative to it)."""
    found = []
    for root, directories, names in os.walk(folder, followlinks=False):
        for name in directories + names:
            path = Path(root) / name
            if path.is_symlink():
                found.append(path.relative_to(folder).as_posix())
    return sorted(found)


def submission_files(submitted: Path, release: Path | None = None,
                     max_bytes: int = MAX_BYTES) -> dict[str, bytes]:
    """``relative path -> content`` of the submission, the release's data files on top.

    Raises :class:`LinkInSubmission` when the submission holds symbolic links.
    """
    links = [submitted.name] if submitted.is_symlink() or submitted.parent.is_symlink() else []
    links += links_in(submitted) if submitted.is_dir() else []
    if links:
        raise LinkInSubmission(
            f"the submission in {submitted} holds symbolic links ({', '.join(links[:5])}); "
            "links can point at course files, so it is not graded. Remove them and grade "
            "it again.")
    files: dict[str, bytes] = {}
    budget = [max_bytes]
    _collect(submitted, files, budget, notebooks=True)
    if release is not None:
        _collect(release, files, budget, notebooks=False)
    return files


def data_files(folder: Path, max_bytes: int = MAX_BYTES) -> dict[str, bytes]:
    """The regular files of ``folder`` other than notebooks (an assignment's data files)."""
    files: dict[str, bytes] = {}
    _collect(folder, files, [max_bytes], notebooks=False)
    return files


def _collect(folder: Path, files: dict[str, bytes], budget: list[int], notebooks: bool) -> None:
    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            return
    except OSError:
        return
    for root, directories, names in os.walk(folder, followlinks=False):
        directories[:] = sorted(d for d in directories if not d.startswith(".")
                                and not os.path.islink(os.path.join(root, d)))
        for name in sorted(names):
            path = Path(root) / name
            relative = path.relative_to(folder).as_posix()
            if name.startswith(".") or (name.endswith(".ipynb") and not notebooks):
                continue
            if len(files) >= MAX_FILES:
                return
            content = _read_regular(path, budget[0])
            if content is not None:
                budget[0] -= len(content)
                files[relative] = content


def _read_regular(path: Path, room: int) -> bytes | None:
    """The file's bytes if it is a regular file (not a link) that fits in ``room``."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_size > room:
            return None
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read(room + 1)[:room]
    finally:
        os.close(descriptor)
