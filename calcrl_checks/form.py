"""Published name: released notebooks run ``from calcrl_checks import form``, so it stays
importable here, by every spelling, as the very module :mod:`calcrl_checks.cells.form` (not a
copy: a name changed on one is changed on the other)."""
import sys

from calcrl_checks.cells import form

sys.modules[__name__] = form
