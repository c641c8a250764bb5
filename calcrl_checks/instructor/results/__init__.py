"""Reading what grading left: the verdict records in the autograded notebooks
(``verdict_records.py``), scores from the gradebook (``grades.py``), where one student stands
(``standing.py``), the class report (``report.py``), feedback pages and their index
(``feedback.py``, ``feedback_index.py``, ``pages.py``) and what each code means in plain words
(``descriptions.py``).

May import: the outcome, :mod:`calcrl_checks.display`, what notebook cells leave in outputs
(:mod:`calcrl_checks.cells`) and, of grading, the course's places and its accounts.
"""
