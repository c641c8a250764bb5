"""Published name: every hidden test cell (in ``source/`` and in each course's gradebook) runs
``from calcrl_checks.instructor.specs import grade_part``, so it stays importable here. The
specs live in :mod:`calcrl_checks.instructor.authoring.specs`.
"""
from calcrl_checks.instructor.authoring.specs import grade_part

__all__ = ["grade_part"]
