"""What crosses the sandbox boundary, as plain data and names both sides agree on.

The grader (``engine/remote.py``) and the sandbox (``engine/child.py``) both import this room
and the wire form (``wire.py``); neither imports a check. Here: the stand-in for a student's
function and the types a function answer may have, the named test functions and their spy,
a learning run's step arguments (``functions.py``), and a tensor's autograd facts
(``tensor_facts.py``). Nothing here imports a check module; ``tests/test_architecture.py`` says
so.
"""
