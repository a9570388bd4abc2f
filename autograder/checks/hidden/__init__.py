"""Hidden checks: graded, never shown to students before grading, and never handed out.

One file per course module (``hidden/dual_layer.py`` beside ``checks/dual_layer.py``), each with
a ``CHECKS`` list of checks marked ``hidden=True``. They compare with the solution's own formulas
(``checks/math.py``) or cost too much for the students' pytest. The student copy
(``python -m autograder student-repo``) leaves this folder out; ``checks/__init__.py`` adds what is
here when it is present.
"""
