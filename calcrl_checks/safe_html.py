"""Published name: course configurations name ``calcrl_checks.safe_html.clean_html`` and
``calcrl_checks.safe_html.markdown2html`` as nbconvert filters (see ``nbgrader_config.py``),
so they stay importable here. The sanitizer lives in :mod:`calcrl_checks.display.safe_html`.
"""
from calcrl_checks.display.safe_html import clean_html, markdown2html

__all__ = ["clean_html", "markdown2html"]
