"""What runs inside bubblewrap, on the student's side of the boundary: ``boot.py`` (the first
code, run by path: imports the grader's own copy of the package, checked), ``zygote.py`` (the
warm template that forks a notebook per request), ``isolation.py`` (fresh namespaces, file area
and caps per notebook), ``child.py`` (a notebook's request loop) and ``kernel.py`` (cells run
as in Jupyter).

Nothing here computes a grade. May import: the package's face (``boot.py`` checks which copy
it is), :mod:`calcrl_checks.crossing` and the outcome; the zygote also imports the checks
once, for their effect only, so that every fork starts warm.
"""
