"""What a person sees of student content, made inert: HTML for the formgrader, feedback and
report (``safe_html.py``), math typeset as MathML without a CDN (``mathtext.py``) and names and
text printed in a terminal (``names.py``).

May import: itself only.
"""
