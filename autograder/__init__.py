"""The kit's autograder: one library of checks, run in-process (pytest) or isolated (CLI)."""
__version__ = "0.1.0"
