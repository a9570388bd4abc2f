"""Reference solutions of the course's exercises (the instructor's side).

Each exercise body sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION``;
``python -m autograder make-exercises`` turns these modules into the student's stubs.
"""
