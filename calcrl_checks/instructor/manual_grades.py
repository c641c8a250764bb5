"""Published name: course configurations call
``calcrl_checks.instructor.manual_grades.journal_manual_grades`` (see ``nbgrader_config.py``),
so it stays importable here. The journal lives in
:mod:`calcrl_checks.instructor.grading.manual_grades`.
"""
from calcrl_checks.instructor.grading.manual_grades import journal_manual_grades

__all__ = ["journal_manual_grades"]
