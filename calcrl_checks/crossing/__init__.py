"""What crosses the sandbox boundary: the messages and the plain data both sides agree on.

The grader (``engine/remote.py``) and the sandbox (``engine/sandbox/child.py``) both import this
room, and neither imports a check. Here: framed messages over a socket (``channel.py``), the
plain-data form of every value (``wire.py``), the stand-in for a student's function and the
types a function answer may have, the named test functions and their spy, a learning run's step
arguments (``functions.py``), and a tensor's autograd facts (``tensor_facts.py``).

May import: the expression language (to write an expression as data) and the outcome.
"""
