"""The ``calcrl`` command line (``cli.py``) and the tables it prints (``tables.py``). A thin
layer: the work is done in the other instructor rooms.

May import: every instructor room, the engine (its sandbox probe) and :mod:`calcrl_checks.display`.
"""
