"""``calcrl demo``: the bundled demo class (``class_submissions.py`` writes its submissions
from ``release/``) and the instructor pipeline run on it end to end (``pipeline.py``).

May import: the other instructor rooms.
"""
