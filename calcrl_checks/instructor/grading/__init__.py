"""Grading a class: ``autograde.py`` (``calcrl autograde``), one student as a function
(``one_student.py``), warm graders and where they run (``warm.py``, ``pools.py``), and what
keeps a run safe and nothing lost: the course's places (``course.py``), checks before grading
(``preflight.py``), the lock, interrupts and leftovers, submissions and their accounting
(``submissions.py``, ``accounts.py``), gradebook copies (``backups.py``), the TA journal
(``manual_grades.py``), gradebook contents as data (``records.py``), processes, start-up and
the progress bar (``progress.py``).

May import: the engine, the outcome and :mod:`calcrl_checks.display`; the checks only to load
them in a grader before its first student (``tests/test_architecture.py`` holds the rules).
"""
