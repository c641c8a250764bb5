"""Names a student chooses (their folder's name, their files' names) and text quoting them,
made safe to store and to show.

A student id becomes part of file paths, gradebook rows, the formgrader's pages (whose
templates print it unescaped) and our feedback links, so an id that is not plain is refused
before it is graded. Text printed to an instructor's terminal loses control characters, so a
file name or an error message cannot move the cursor, rewrite lines or set the window title.
"""
from __future__ import annotations

import re

#: The student folder of calcrl's private one-student grading course (``instructor/grading.py``):
#: nbgrader matches student ids as globs, so ``*`` there matches the one student it holds. The
#: real id was checked before the submission was copied in.
PRIVATE_COURSE_STUDENT = "*"

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
#: Markup and quoting characters, path separators, and every control character (newlines too).
_NOT_IN_AN_ID = re.compile(f"[<>\"'`&/\\\\\n\t]|{_CONTROL.pattern}")


def is_safe_student_id(student: str) -> bool:
    """Whether ``student`` may be a student id: 1 to 100 characters, no markup or quoting
    character (``< > " ' ` &``), no slash or backslash, no control or direction character,
    not ``.`` or ``..``. Spaces, dashes and accents are fine.

    >>> is_safe_student_id("ada.lovelace@uni"), is_safe_student_id('x"><img src=x>')
    (True, False)
    """
    return 0 < len(student) <= 100 and student.strip() != "" \
        and student not in (".", "..") and not _NOT_IN_AN_ID.search(student)


def unsafe_id_reason(student: str) -> str:
    """The words an instructor reads when a submission folder's name is refused."""
    return (f"the folder name {terminal_text(repr(student))} cannot be a student id: it may "
            "not hold < > \" ' ` & / \\ or control characters (at most 100 characters); "
            "rename the folder and grade again")


def terminal_text(text: str) -> str:
    """``text`` with control and direction-changing characters shown as escapes; newlines
    and tabs are kept.

    >>> terminal_text("ok\\x1b[2J\\n")
    'ok\\\\x1b[2J\\n'
    """
    return _CONTROL.sub(lambda match: match.group(0).encode("unicode_escape").decode("ascii"),
                        text)
